"""TF-IDF features of normalised job titles, for the resolver's sparse blocking step.

A title is described by its word tokens (plus adjacent pairs that join into a known word) and
the character 3-grams of each token; :class:`_Space` weighs one such block of features by
TF-IDF over the aliases. Nothing here is public: :mod:`matching.occupations` is the way in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _features(
    tokens: Sequence[str], compounds: frozenset[str] | set[str]
) -> tuple[list[str], list[str]]:
    """Word features (tokens, plus adjacent pairs that join into a known word: "farm worker"
    also yields "farmworker") and character 3-grams of each padded token."""
    words = list(tokens)
    words += [a + b for a, b in zip(tokens, tokens[1:], strict=False) if a + b in compounds]
    grams = []
    for tok in tokens:
        padded = f" {tok} "
        grams += [padded[i : i + 3] for i in range(len(padded) - 2)]
    return words, grams


class _Space:
    """One TF-IDF block (word or char) with a fixed vocabulary."""

    def __init__(self, docs: Sequence[list[str]]) -> None:
        vocab: dict[str, int] = {}
        df: list[int] = []
        for doc in docs:
            for f in set(doc):
                j = vocab.setdefault(f, len(vocab))
                if j == len(df):
                    df.append(0)
                df[j] += 1
        n = len(docs)
        self.vocab = vocab
        self.idf = np.log((1.0 + n) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
        self.unknown_idf = math.log(1.0 + n) + 1.0

    def row(self, doc: Sequence[str]) -> tuple[list[int], list[float]]:
        counts: dict[str, int] = {}
        for f in doc:
            counts[f] = counts.get(f, 0) + 1
        cols: list[int] = []
        vals: list[float] = []
        norm = 0.0
        for f, c in counts.items():
            j = self.vocab.get(f)
            w = (1.0 + math.log(c)) * (self.idf[j] if j is not None else self.unknown_idf)
            norm += w * w
            if j is not None:
                cols.append(j)
                vals.append(w)
        if norm > 0.0:
            # Unknown features stay in the norm so that unmatched words lower the cosine.
            scale = 1.0 / math.sqrt(norm)
            vals = [v * scale for v in vals]
        return cols, vals
