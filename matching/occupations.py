"""Job title → ISCO-08 occupation resolver, and the ISCO-08 hierarchy similarity.

A free-text job title ("cortador de café", "Farmworker - General Farm Labor (Seasonal)")
is resolved to ISCO-08 unit groups, each carrying its SOC 2018 / NOC 2021 / SINCO 2019
codes. Matching is tolerant of accents, case, punctuation, word order, plurals, gendered
forms and spelling mistakes:

1. *Normalisation* folds accents and case, strips job-order noise (``H-2A``, ``(Seasonal)``,
   ``Worker II``, trailing codes), drops stop words and applies a tiny es/en/fr stemmer
   (:mod:`matching.occupation_text`).
2. *Blocking*: every distinct normalised alias is a row of a sparse TF-IDF matrix over word
   tokens (plus joined adjacent pairs, so "farm worker" meets "farmworker") and character
   3-grams (spelling), weighed as in :mod:`matching.title_vectors`. One sparse product
   gives the cosine of a batch of queries against all aliases; the best ``shortlist`` rows
   per query are kept.
3. *Rerank*: the shortlist is rescored with rapidfuzz (order-insensitive token sort ratio
   and the ratio of the space-less strings), weighted by alias weight, language hint and
   the optional ``prefer`` domain hint (code prefix → factor), and aggregated per ISCO
   unit group. Equal scores go to the SOC with the most alias evidence in its group, then
   to the group with the most aliases spelled like the winning one ("cocinero" is an ESCO
   label of both chefs and cooks, but also the ISCO title of cooks); a winning alias without
   a SOC reports the SOC of its group's best SOC-carrying alias.
4. *Two activities*: a title joining a crop and an animal activity ("milpa y ganado") also
   offers ISCO-08's mixed farming group (:mod:`matching.occupation_mixed`).

The module is pure: callers pass records and aliases in; nothing is read from disk. The
records, aliases and candidates are defined in :mod:`matching.occupation_records`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz

# Records, aliases, candidates and normalise_title were defined here before the module was
# split; callers still import them from here (hence their place in __all__).
from matching.occupation_mixed import coordinated_parts, farm_activity, mixed_group
from matching.occupation_records import Alias, Candidate, OccupationRecord
from matching.occupation_text import _GENERIC_LEAD, _tokens, _variants, normalise_title
from matching.title_vectors import _features, _Space

__all__ = [
    "Alias",
    "Candidate",
    "OccupationRecord",
    "OccupationResolver",
    "isco_similarity",
    "normalise_title",
    "resolve",
]


# --------------------------------------------------------------------------- hierarchy

#: Similarity by the length of the common ISCO-08 code prefix (digits shared).
ISCO_LEVEL_SIMILARITY: Mapping[int, float] = MappingProxyType(
    {4: 1.0, 3: 0.75, 2: 0.5, 1: 0.25, 0: 0.0}
)


def isco_similarity(a: str, b: str) -> float:
    """Similarity of two ISCO-08 codes from their place in the hierarchy.

    Same unit group (4 digits) 1.0; same minor group (3) 0.75; same sub-major group (2)
    0.5; same major group (1) 0.25; otherwise (or either code empty) 0.0. Only the shared
    leading digits count, so a group code ("92") against one of its unit groups ("9211")
    scores by the depth of the group (0.5).

    Examples
    --------
    >>> isco_similarity("9211", "9211"), isco_similarity("9211", "9212")
    (1.0, 0.75)
    >>> isco_similarity("9211", "9221"), isco_similarity("9211", "9313")
    (0.5, 0.25)
    >>> isco_similarity("9211", "6111")
    0.0
    """
    a, b = a.strip(), b.strip()
    shared = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        shared += 1
    return ISCO_LEVEL_SIMILARITY[shared]


def _head_match(q: tuple[str, ...], qc: str, a: tuple[str, ...], ac: str) -> float:
    """1.0 when the titles share their head word, else 0.0.

    The head is the last word in English ("livestock *herder*") and the first in Spanish and
    French ("*recolector* de fresas"); both ends are tried, and a head may be glued to its
    modifier ("farm*worker*").
    """
    if q[-1] in (a[0], a[-1]) or q[0] in (a[0], a[-1]):  # either end: "CAFE, CORTADOR DE"
        return 1.0
    if (len(a[-1]) > 3 and qc.endswith(a[-1])) or (len(q[-1]) > 3 and ac.endswith(q[-1])):
        return 1.0
    if (len(a[0]) > 3 and qc.startswith(a[0])) or (len(q[0]) > 3 and ac.startswith(q[0])):
        return 1.0
    return 0.0


# --------------------------------------------------------------------------- resolver

_WORD_SHARE = 0.5  # cosine = share * word cosine + (1 - share) * char 3-gram cosine
# similarity = cosine share * TF-IDF cosine + fuzz share * rapidfuzz + rest * head-word match
_COSINE_SHARE = 0.45
_FUZZ_SHARE = 0.35
_OTHER_LANG = 0.95  # factor for an alias in another language than the hint
_HEAD_VARIANT = 0.95  # factor for a match on the head of "Title - tail"
_WEIGHT_POWER = 0.2  # score factor of an alias = weight ** power
_BLOCK_MAX_DF = 0.01  # char 3-grams in more rows than this share do not block (too common)
_BLOCK_ROWS = 64  # rows per query kept from blocking, rescored by exact cosine
_PART_MARGIN = 0.9  # a part of "X y Y" names a farm activity scoring this share of its best


_PreferKey = tuple[tuple[str, float], ...]
# Per unit group: score, alias weight, SOC alias mass, row support, alias index.
_Best = tuple[float, float, float, float, int]


def _prefer_key(prefer: Mapping[str, float] | None) -> _PreferKey:
    """A ``prefer`` hint as a hashable, canonical key (cache-friendly)."""
    if not prefer:
        return ()
    return tuple(sorted((str(k).strip(), float(v)) for k, v in prefer.items() if str(k).strip()))


class OccupationResolver:
    """Resolve free-text job titles to ISCO-08 unit groups.

    Parameters
    ----------
    records : iterable of OccupationRecord
        The unit groups that can be returned. Their official titles are aliases too.
    aliases : iterable of Alias
        Further titles; aliases naming a unit group absent from ``records`` are ignored.
    shortlist : int
        Rows kept from the sparse blocking step for the rapidfuzz rerank.
    cache_size : int
        Size of the LRU cache of ``resolve`` results (0 disables it).
    exact_cosine : bool
        Rescore the blocked rows with the full cosine (common char 3-grams included).
        Slower; by default the blocking cosine is used, which leaves out the same common
        grams for every alias.

    Examples
    --------
    >>> recs = [OccupationRecord("9211", {"en": "Crop farm labourers",
    ...                                   "es": "Peones de explotaciones agrícolas"}),
    ...         OccupationRecord("8322", {"en": "Car, taxi and van drivers"})]
    >>> r = OccupationResolver(recs, [Alias("cortador de café", "9211", "es"),
    ...                               Alias("Farm Worker", "9211", "en", soc2018="45-2092")])
    >>> best = r.resolve("CAFÉ, CORTADOR DE", lang="es")[0]
    >>> best.isco08, best.title, best.score > 0.9
    ('9211', 'Peones de explotaciones agrícolas', True)
    >>> r.resolve("farm workr")[0].soc2018
    ('45-2092',)
    >>> r.resolve("")
    []
    """

    def __init__(
        self,
        records: Iterable[OccupationRecord],
        aliases: Iterable[Alias] = (),
        *,
        shortlist: int = 24,
        cache_size: int = 4096,
        exact_cosine: bool = False,
    ) -> None:
        self._records: dict[str, OccupationRecord] = {}
        for rec in records:
            self._records[rec.isco08] = rec
        self.shortlist = int(shortlist)
        self.exact_cosine = bool(exact_cosine)
        all_aliases: list[Alias] = [
            Alias(text, rec.isco08, lang, 1.0, "official")
            for rec in self._records.values()
            for lang, text in rec.titles.items()
        ]
        all_aliases += [a for a in aliases if a.isco08 in self._records and a.weight > 0]
        self.aliases: tuple[Alias, ...] = tuple(all_aliases)

        # One matrix row per distinct normalised alias; each row lists its aliases.
        row_of: dict[tuple[str, ...], int] = {}
        self._row_tokens: list[tuple[str, ...]] = []
        self._row_aliases: list[list[int]] = []
        for i, alias in enumerate(self.aliases):
            toks = _tokens(alias.text)
            if not toks:
                continue
            r = row_of.setdefault(toks, len(row_of))
            if r == len(self._row_tokens):
                self._row_tokens.append(toks)
                self._row_aliases.append([])
            self._row_aliases[r].append(i)
        self._row_key = [" ".join(t) for t in self._row_tokens]
        self._row_compact = ["".join(t) for t in self._row_tokens]
        self._alias_factor = [a.weight**_WEIGHT_POWER for a in self.aliases]
        # Weight of the aliases that share an alias's normalised row and unit group: how many
        # ways the group spells this title (the last tie-break between groups).
        self._row_support = [0.0] * len(self.aliases)
        for members in self._row_aliases:
            in_row: dict[str, float] = {}
            for ai in members:
                isco = self.aliases[ai].isco08
                in_row[isco] = in_row.get(isco, 0.0) + self.aliases[ai].weight
            for ai in members:
                self._row_support[ai] = in_row[self.aliases[ai].isco08]
        # The record's own title of each unit group, by language: what a mixed-farming
        # candidate reports as matched.
        self._record_alias: dict[tuple[str, str | None], int] = {}
        for ai, alias in enumerate(self.aliases):
            if alias.source == "official":
                self._record_alias.setdefault((alias.isco08, alias.lang), ai)
                self._record_alias.setdefault((alias.isco08, None), ai)
        self._prefer_cache: dict[_PreferKey, list[float]] = {}

        self._compounds = frozenset(t for toks in self._row_tokens for t in toks)
        feats = [_features(t, self._compounds) for t in self._row_tokens]
        self._words = _Space([f[0] for f in feats])
        self._chars = _Space([f[1] for f in feats])
        self._n_words = len(self._words.vocab)
        self._full = self._matrix(feats)  # rows × features, L2-normalised
        self._full_t = self._full.T.tocsr()  # features × rows: queries @ this = cosines
        # Blocking drops the commonest char 3-grams ("er ", "wor"): they add little to the
        # ranking but most of the cost. Word features always block.
        df = np.diff(self._full.tocsc().indptr)
        common = df > max(50, _BLOCK_MAX_DF * max(1, len(self._row_tokens)))
        common[: self._n_words] = False
        block = self._full.tocsc(copy=True)
        for j in np.flatnonzero(common):
            block.data[block.indptr[j] : block.indptr[j + 1]] = 0.0
        block.eliminate_zeros()
        self._block_t = block.T.tocsr()

        # SOC-carrying aliases say which unit group a SOC code mostly means.
        self._soc_support: dict[tuple[str, str], float] = {}
        for a in self.aliases:
            if a.soc2018:
                key = (a.soc2018, a.isco08)
                self._soc_support[key] = self._soc_support.get(key, 0.0) + a.weight
        # Tie-break between equal scores: the alias mass of the alias's SOC in its unit
        # group (how much of the official vocabulary names it), 0 without a SOC.
        self._alias_mass = [
            self._soc_support.get((a.soc2018, a.isco08), 0.0) if a.soc2018 else 0.0
            for a in self.aliases
        ]
        self._by_code: dict[tuple[str, str], list[str]] = {}
        for rec in self._records.values():
            for system in ("soc2018", "noc2021", "sinco2019"):
                for code in getattr(rec, system):
                    self._by_code.setdefault((system, code), []).append(rec.isco08)

        self._cached = lru_cache(maxsize=cache_size)(self._resolve_one) if cache_size else None

    # ------------------------------------------------------------------ public API

    def __len__(self) -> int:
        return len(self._records)

    @property
    def n_rows(self) -> int:
        """Distinct normalised aliases in the blocking matrix."""
        return len(self._row_tokens)

    def record(self, isco08: str) -> OccupationRecord | None:
        """The record of a unit group, or ``None`` when unknown."""
        return self._records.get(isco08)

    def resolve(
        self,
        title: str,
        lang: str | None = None,
        limit: int = 5,
        *,
        prefer: Mapping[str, float] | None = None,
    ) -> list[Candidate]:
        """Best candidate unit groups for ``title``, best first, scores in [0, 1].

        ``lang`` is a hint: aliases in that language are preferred and titles are given
        in it, but aliases in other languages still match. Empty or unmatchable titles
        give ``[]``.

        ``prefer`` is a domain hint, e.g. the occupations a programme recruits for: code
        prefix → score factor. A prefix with a hyphen is a SOC 2018 prefix (``"45-"``,
        ``"45-209"``, ``"53-7064"``), one of digits only an ISCO-08 prefix (``"92"``,
        ``"6111"``). An alias scores times the factor of the longest prefix matching its
        SOC code (an alias without one: the record's SOC codes, best factor), else of the
        longest prefix matching its unit group, else 1. Factors > 1 favour, < 1 disfavour;
        ``None`` or ``{}`` change nothing. Scores stay clipped to [0, 1].

        Examples
        --------
        >>> r = OccupationResolver(
        ...     [OccupationRecord("9211", {"en": "Crop farm labourers"}, soc2018=("45-2092",)),
        ...      OccupationRecord("2632", {"en": "Sociologists"}, soc2018=("19-3041",))],
        ...     [Alias("Field Worker", "9211", "en", soc2018="45-2092"),
        ...      Alias("Field Worker", "2632", "en", 1.2, soc2018="19-3041")])
        >>> r.resolve("field worker")[0].isco08
        '2632'
        >>> r.resolve("field worker", prefer={"45-": 1.1})[0].isco08
        '9211'
        """
        if not isinstance(title, str) or limit <= 0:
            return []
        key = _prefer_key(prefer)
        if self._cached is not None:
            return list(self._cached(title, lang, int(limit), key))
        return list(self._resolve_one(title, lang, int(limit), key))

    def resolve_many(
        self,
        titles: Sequence[str],
        lang: str | None = None,
        limit: int = 1,
        *,
        prefer: Mapping[str, float] | None = None,
    ) -> list[list[Candidate]]:
        """Resolve a batch in one sparse product (much faster than a loop of ``resolve``).

        ``lang`` and ``prefer`` are hints as in :meth:`resolve`.

        Examples
        --------
        >>> r = OccupationResolver([OccupationRecord("9211", {"en": "Crop farm labourers"})])
        >>> [[c.isco08 for c in cs] for cs in r.resolve_many(["crop farm labourer", ""])]
        [['9211'], []]
        """
        if limit <= 0:
            return [[] for _ in titles]
        key = _prefer_key(prefer)
        return [list(c) for c in self._resolve_batch(list(titles), lang, int(limit), key)]

    def by_code(self, system: str, code: str) -> list[Candidate]:
        """ISCO-08 candidates for a national code.

        ``system`` is ``soc2018``, ``noc2021``, ``sinco2019`` or ``onet`` (O*NET-SOC,
        e.g. ``45-2092.00``, looked up by its SOC 2018 code); spelling is lenient
        ("SOC 2018", "O*NET-SOC"). Every candidate scores 1.0; they are ordered by how
        early the code comes in the record's list, then (SOC) by the weight of the aliases
        carrying that SOC, then by ISCO code.

        Examples
        --------
        >>> r = OccupationResolver([OccupationRecord("9211", {"en": "Crop farm labourers"},
        ...                                          soc2018=("45-2092",))])
        >>> [c.isco08 for c in r.by_code("O*NET-SOC", "45-2092.02")]
        ['9211']
        """
        key = re.sub(r"[^a-z0-9]", "", system.lower())
        code = code.strip()
        if key.startswith("onet") or (key.startswith("soc") and "." in code):
            key, code = "soc2018", code.split(".")[0]
        elif key.startswith("soc"):
            key = "soc2018"
        elif key.startswith("noc"):
            key = "noc2021"
        elif key.startswith("sinco"):
            key = "sinco2019"

        def rank(isco: str) -> tuple[int, float, str]:
            codes = getattr(self._records[isco], key)
            return (codes.index(code), -self._soc_support.get((code, isco), 0.0), isco)

        out = []
        for isco in sorted(self._by_code.get((key, code), []), key=rank):
            rec = self._records[isco]
            soc = rec.soc2018
            if key == "soc2018" and code in soc:
                soc = (code,) + tuple(s for s in soc if s != code)
            out.append(self._candidate(rec, 1.0, None, soc, code))
        return out

    def cache_clear(self) -> None:
        """Empty the result cache (and the title normalisation cache)."""
        if self._cached is not None:
            self._cached.cache_clear()
        _variants.cache_clear()

    # ------------------------------------------------------------------ internals

    def _matrix(self, feats: Sequence[tuple[list[str], list[str]]]) -> sp.csr_matrix:
        indptr = [0]
        cols: list[int] = []
        vals: list[float] = []
        ww, wc = math.sqrt(_WORD_SHARE), math.sqrt(1.0 - _WORD_SHARE)
        for words, grams in feats:
            c1, v1 = self._words.row(words)
            c2, v2 = self._chars.row(grams)
            cols += c1
            cols += [c + self._n_words for c in c2]
            vals += [v * ww for v in v1]
            vals += [v * wc for v in v2]
            indptr.append(len(cols))
        shape = (len(feats), self._n_words + len(self._chars.vocab))
        return sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), np.asarray(cols, dtype=np.int32), indptr),
            shape=shape,
        )

    def _resolve_one(
        self, title: str, lang: str | None, limit: int, prefer: _PreferKey = ()
    ) -> tuple[Candidate, ...]:
        return self._resolve_batch([title], lang, limit, prefer)[0]

    def _query_variants(self, title: str) -> tuple[tuple[str, ...], ...]:
        """:func:`_variants`, with unknown glued words split into two known ones
        ("ranchhand" → "ranch hand") and, for titles led by a generic modifier ("General
        Farm Worker"), the title without it as a further variant."""
        out: list[tuple[str, ...]] = []
        for k, toks in enumerate(_variants(title)):
            toks = self._split_glued(toks)
            out.append(toks)
            if k == 0 and len(toks) > 1 and toks[0] in _GENERIC_LEAD:
                out.append(toks[1:])
        return tuple(dict.fromkeys(out))

    def _split_glued(self, toks: tuple[str, ...]) -> tuple[str, ...]:
        known = self._compounds
        if all(t in known for t in toks):
            return toks
        res: list[str] = []
        for t in toks:
            if t not in known and len(t) >= 7 and not t.startswith("non"):  # nonfarm
                for i in range(3, len(t) - 2):
                    if t[:i] in known and t[i:] in known:
                        res += (t[:i], t[i:])
                        break
                else:
                    res.append(t)
            else:
                res.append(t)
        return tuple(res)

    def _prefer_factors(self, prefer: _PreferKey) -> list[float] | None:
        """Score factor of every alias under a ``prefer`` hint (``None``: all 1)."""
        if not prefer:
            return None
        got = self._prefer_cache.get(prefer)
        if got is not None:
            return got
        table = dict(prefer)
        soc_keys = sorted((k for k in table if "-" in k), key=len, reverse=True)
        isco_keys = sorted((k for k in table if "-" not in k), key=len, reverse=True)

        def soc_factor(code: str) -> float | None:
            return next((table[k] for k in soc_keys if code.startswith(k)), None)

        def isco_factor(isco: str) -> float:
            return next((table[k] for k in isco_keys if isco.startswith(k)), 1.0)

        # An alias without a SOC code stands for its record: best factor of its codes.
        rec_factor: dict[str, float] = {}
        for isco, rec in self._records.items():
            fs = [f for f in map(soc_factor, rec.soc2018) if f is not None]
            rec_factor[isco] = max(fs) if fs else isco_factor(isco)
        factors: list[float] = []
        for a in self.aliases:
            if a.soc2018:
                f = soc_factor(a.soc2018)
                factors.append(isco_factor(a.isco08) if f is None else f)
            else:
                factors.append(rec_factor[a.isco08])
        if len(self._prefer_cache) >= 8:
            self._prefer_cache.pop(next(iter(self._prefer_cache)))
        self._prefer_cache[prefer] = factors
        return factors

    def _resolve_batch(
        self, titles: list[str], lang: str | None, limit: int, prefer: _PreferKey = ()
    ) -> list[tuple[Candidate, ...]]:
        pf = self._prefer_factors(prefer)
        results, socs = self._score(titles, lang, pf)
        # A title joining activities whose candidates include farm work: each part ("milpa",
        # "ganado") is resolved on its own, and crop + animal parts offer mixed farming.
        # Other titles skip this (most "X and Y" titles are not about farms).
        parts_of: dict[int, tuple[str, ...]] = {}
        for qi, title in enumerate(titles):
            parts = coordinated_parts(title) if isinstance(title, str) else ()
            if parts and any(farm_activity(isco) for isco in _top(results[qi], 5)):
                parts_of[qi] = parts
        if parts_of:
            flat = [part for parts in parts_of.values() for part in parts]
            part_results, _ = self._score(flat, lang, pf)
            start = 0
            for qi, parts in parts_of.items():
                self._mix(results[qi], part_results[start : start + len(parts)], lang)
                start += len(parts)
        return [
            self._candidates(best, soc, lang, limit, prefer)
            for best, soc in zip(results, socs, strict=True)
        ]

    def _score(
        self, titles: list[str], lang: str | None, pf: list[float] | None
    ) -> tuple[list[dict[str, _Best]], list[dict[str, tuple[float, float, str]]]]:
        """Per title: the best score of every unit group reached, and its best SOC alias."""
        variants: list[tuple[int, float, tuple[str, ...]]] = []
        for qi, title in enumerate(titles):
            vs = self._query_variants(title) if isinstance(title, str) else ()
            for k, toks in enumerate(vs):
                variants.append((qi, 1.0 if k == 0 else _HEAD_VARIANT, toks))
        results: list[dict[str, _Best]] = [{} for _ in titles]
        socs: list[dict[str, tuple[float, float, str]]] = [{} for _ in titles]
        if variants and self._row_tokens:
            query = self._matrix([_features(v[2], self._compounds) for v in variants])
            pairs_q, pairs_r, cosines = self._block(query)
            if len(pairs_q) and self.exact_cosine:
                # Exact cosine of each (query, shortlisted row) pair, in one vectorised step.
                cosines = np.asarray(
                    self._full[pairs_r].multiply(query[pairs_q]).sum(axis=1)
                ).ravel()
            if len(pairs_q):
                bounds = np.flatnonzero(np.diff(pairs_q)) + 1
                for lo, hi in zip(
                    [0, *bounds.tolist()], [*bounds.tolist(), len(pairs_q)], strict=True
                ):
                    qi, factor, toks = variants[int(pairs_q[lo])]
                    self._rerank(
                        toks,
                        factor,
                        lang,
                        pf,
                        pairs_r[lo:hi],
                        cosines[lo:hi],
                        results[qi],
                        socs[qi],
                    )
        return results, socs

    def _mix(self, best: dict[str, _Best], parts: list[dict[str, _Best]], lang: str | None) -> None:
        """Offer the mixed farming group when the parts are crop and animal occupations.

        A part counts as the farm activity it names best, if that is within
        ``_PART_MARGIN`` of its best candidate ("ganado" is a livestock word even where an
        advisor's title scores as well). The mixed group scores the mean of those parts: it
        accounts for the whole title, where a crop or an animal title accounts for half.
        """
        farm: list[tuple[str, float]] = []
        for part in parts:
            if not part:
                continue
            top = max(entry[0] for entry in part.values())
            near = [
                (entry[0], isco)
                for isco, entry in part.items()
                if farm_activity(isco) and entry[0] >= _PART_MARGIN * top
            ]
            if near:
                score, isco = max(near)
                farm.append((isco, score))
        group = mixed_group([isco for isco, _ in farm])
        if group is None:
            return
        ai = self._record_alias.get((group, lang), self._record_alias.get((group, None)))
        if ai is None:  # no such group among the records (or it has no title)
            return
        score = sum(score for _, score in farm) / len(farm)
        prev = best.get(group)
        if prev is None or score > prev[0]:
            best[group] = (score, self.aliases[ai].weight, 0.0, 0.0, ai)

    def _block(self, query: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query, row) pairs, the best ``_BLOCK_ROWS`` rows of each query, and their
        blocking cosine (the cosine without the commonest char 3-grams)."""
        approx = (query @ self._block_t).tocsr()
        empty = np.flatnonzero(np.diff(approx.indptr) == 0)
        if len(empty):  # only common grams matched: fall back to the full matrix
            redo = (query[empty] @ self._full_t).tocsr()
        qs: list[np.ndarray] = []
        rs: list[np.ndarray] = []
        vs: list[np.ndarray] = []
        empty_pos = {int(v): k for k, v in enumerate(empty)}
        for vi in range(query.shape[0]):
            k = empty_pos.get(vi)
            m = approx if k is None else redo
            row = vi if k is None else k
            lo, hi = m.indptr[row], m.indptr[row + 1]
            if lo == hi:
                continue
            idx, val = m.indices[lo:hi], m.data[lo:hi]
            if hi - lo > _BLOCK_ROWS:
                keep = np.argpartition(-val, _BLOCK_ROWS - 1)[:_BLOCK_ROWS]
                idx, val = idx[keep], val[keep]
            rs.append(idx)
            vs.append(val)
            qs.append(np.full(len(idx), vi, dtype=np.int64))
        if not qs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return (
            np.concatenate(qs),
            np.concatenate(rs).astype(np.int64),
            np.concatenate(vs).astype(np.float64),
        )

    def _rerank(
        self,
        toks: tuple[str, ...],
        factor: float,
        lang: str | None,
        pf: list[float] | None,
        rows: np.ndarray,
        cosines: np.ndarray,
        best: dict[str, _Best],
        socs: dict[str, tuple[float, float, str]],
    ) -> None:
        """Score the shortlisted rows into ``best`` (unit group → score, weight, SOC alias
        mass, row support, alias index) and ``socs`` (unit group → score, mass, SOC of its best
        SOC-carrying alias)."""
        if len(rows) > self.shortlist:
            top = np.argpartition(-cosines, self.shortlist - 1)[: self.shortlist]
            rows, cosines = rows[top], cosines[top]
        key, compact = " ".join(toks), "".join(toks)
        aliases, factors = self.aliases, self._alias_factor
        for row, cosine in zip(rows.tolist(), cosines.tolist(), strict=True):
            fz = max(
                fuzz.token_sort_ratio(key, self._row_key[row]),
                fuzz.ratio(compact, self._row_compact[row]),
            )
            head = _head_match(toks, compact, self._row_tokens[row], self._row_compact[row])
            sim = factor * (
                _COSINE_SHARE * min(cosine, 1.0)
                + _FUZZ_SHARE * fz / 100
                + (1.0 - _COSINE_SHARE - _FUZZ_SHARE) * head
            )
            for ai in self._row_aliases[row]:
                alias = aliases[ai]
                score = sim * factors[ai]
                if pf is not None:
                    score *= pf[ai]
                if lang and alias.lang and alias.lang != lang:
                    score *= _OTHER_LANG
                # Ties (the same text under several codes) go to the SOC with the most
                # alias evidence for this unit group.
                mass = self._alias_mass[ai]
                support = self._row_support[ai]
                prev = best.get(alias.isco08)
                if prev is None or (score, alias.weight, mass, support) > prev[:4]:
                    best[alias.isco08] = (score, alias.weight, mass, support, ai)
                if alias.soc2018:
                    sprev = socs.get(alias.isco08)
                    if sprev is None or (score, mass) > sprev[:2]:
                        socs[alias.isco08] = (score, mass, alias.soc2018)

    def _candidates(
        self,
        best: dict[str, _Best],
        socs: dict[str, tuple[float, float, str]],
        lang: str | None,
        limit: int,
        prefer: _PreferKey,
    ) -> tuple[Candidate, ...]:
        ranked = sorted(
            best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], -kv[1][2], -kv[1][3], kv[0])
        )[:limit]
        out = []
        for isco, (score, _, _, _, ai) in ranked:
            rec = self._records[isco]
            alias = self.aliases[ai]
            first = alias.soc2018 or self._default_soc(rec, socs.get(isco), prefer)
            soc = rec.soc2018
            if first:
                soc = (first,) + tuple(s for s in soc if s != first)
            out.append(self._candidate(rec, score, lang, soc, alias.text))
        return tuple(out)

    def _default_soc(
        self,
        rec: OccupationRecord,
        matched: tuple[float, float, str] | None,
        prefer: _PreferKey,
    ) -> str | None:
        """The SOC to report when the winning alias has none (ESCO, ISCO, project titles):
        the SOC of the unit group's best SOC-carrying alias for this query, else the first
        of the record's SOC codes the ``prefer`` hint favours most, else the first."""
        if matched is not None:
            return matched[2]
        if not rec.soc2018:
            return None
        if prefer:
            table = dict(prefer)
            keys = sorted((k for k in table if "-" in k), key=len, reverse=True)

            def factor(code: str) -> float:
                return next((table[k] for k in keys if code.startswith(k)), 1.0)

            return max(rec.soc2018, key=factor)  # first among equals
        return rec.soc2018[0]

    def _candidate(
        self,
        rec: OccupationRecord,
        score: float,
        lang: str | None,
        soc: tuple[str, ...],
        matched: str,
    ) -> Candidate:
        return Candidate(
            isco08=rec.isco08,
            title=rec.title(lang),
            soc2018=soc,
            noc2021=rec.noc2021,
            sinco2019=rec.sinco2019,
            score=round(min(1.0, max(0.0, score)), 4),
            titles=rec.titles,
            matched=matched,
        )


def _top(best: Mapping[str, _Best], k: int) -> list[str]:
    """The ``k`` best-scoring unit groups of a scored title."""
    return sorted(best, key=lambda isco: -best[isco][0])[:k]


def resolve(
    resolver: OccupationResolver, title: str, lang: str | None = None, limit: int = 5
) -> list[Candidate]:
    """Convenience for ``resolver.resolve(title, lang, limit)``.

    Examples
    --------
    >>> r = OccupationResolver([OccupationRecord("9211", {"en": "Crop farm labourers"})])
    >>> resolve(r, "Crop Farm Laborers")[0].isco08
    '9211'
    """
    return resolver.resolve(title, lang=lang, limit=limit)
