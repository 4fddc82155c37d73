"""Learn title aliases from certified records: job titles that an authority coded.

A labour-certification record (a US OFLC H-2A/H-2B case, a SeasonalJobs job order, a
Canadian LMIA) carries the employer's own job title *and* the official occupation code the
authority assigned to it. Every such pair is evidence of what that title means, in the
words employers actually use ("Farmworker - General Farm Labor (Seasonal)" → SOC 45-2092).
:func:`learn_aliases` turns counted observations into weighted :class:`Alias` rows for
:class:`matching.occupations.OccupationResolver`:

* observations are grouped by the normalised title (and language), so spelling variants
  of one title pool their evidence;
* a code is kept for a title when it holds at least ``min_share`` of the title's records
  (titles certified under many codes say little);
* the weight grows with the number of distinct records behind the pair and with its share,
  and is capped, so one employer's quirk cannot outweigh the official vocabulary for long
  and a thousand identical records do not become a certainty.

Pure: callers pass the observations in (the product reads them from its vacancies).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from matching.occupation_records import Alias
from matching.occupation_text import normalise_title

__all__ = ["CERTIFIED_SOURCE", "CertifiedTitle", "learn_aliases", "learned_weight"]

#: ``Alias.source`` prefix of learned aliases, followed by the code system ("SOC2018").
CERTIFIED_SOURCE = "certified:"
#: Records after which more of the same add no weight.
RECORDS_CAP = 8
MIN_WEIGHT = 0.8
#: Chosen on the H-2B disclosure (the development set), 5 folds by employer, learned
#: aliases scored on held-out employers: a cap of 2.0 gave 81.2 %, 3.0 82.2 %, 4.0 86.2 %,
#: 6.0 86.3 %. A score counts ``weight ** 0.2``, so 4.0 lifts a title seen in 8 or more
#: records by 32 %: enough to beat the official vocabulary's guess for that very title, too
#: little to carry a poor fuzzy match.
MAX_WEIGHT = 4.0
MIN_SHARE = 0.2


@dataclass(frozen=True)
class CertifiedTitle:
    """``records`` distinct certified records titled ``title`` and coded ``code``.

    ``isco08`` is the ISCO-08 unit group the code was mapped to (through the crosswalk,
    the title choosing among the code's groups); ``soc2018`` the SOC 2018 code when the
    system is SOC (reported first when the learned alias wins).
    """

    title: str
    lang: str | None
    system: str
    code: str
    isco08: str
    records: int = 1
    soc2018: str | None = None


def learned_weight(records: int, share: float) -> float:
    """Alias weight of a (title, code) pair seen in ``records`` records, ``share`` of the title's.

    Grows with the log of the records up to :data:`RECORDS_CAP` and linearly with the share,
    from :data:`MIN_WEIGHT` to :data:`MAX_WEIGHT` (curated titles weigh 1.2, official ones 1).

    Examples
    --------
    >>> learned_weight(1, 1.0), learned_weight(8, 1.0), learned_weight(500, 1.0)
    (1.809, 4.0, 4.0)
    >>> learned_weight(8, 0.5)
    2.4
    """
    evidence = min(1.0, math.log2(1 + max(records, 0)) / math.log2(1 + RECORDS_CAP))
    return round(MIN_WEIGHT + (MAX_WEIGHT - MIN_WEIGHT) * evidence * share, 3)


def learn_aliases(
    observations: Iterable[CertifiedTitle], *, min_share: float = MIN_SHARE
) -> list[Alias]:
    """Weighted aliases learned from certified (title, code) observations.

    One alias per (normalised title, language, ISCO group, SOC, code system) whose records
    are at least ``min_share`` of the title's; its text is the title's commonest spelling,
    its source ``"certified:<system>"``. Deterministic (sorted), so re-learning from the
    same records gives the same aliases.

    Examples
    --------
    >>> obs = [CertifiedTitle("Farmworker", "en", "SOC2018", "45-2092", "9211", 9, "45-2092"),
    ...        CertifiedTitle("FARMWORKER", "en", "SOC2018", "45-2093", "9212", 1, "45-2093"),
    ...        CertifiedTitle("Farm Worker, Livestock", "en", "SOC2018", "45-2093", "9212", 1,
    ...                       "45-2093")]
    >>> [(a.text, a.isco08, a.soc2018, a.weight) for a in learn_aliases(obs)]
    [('Farm Worker, Livestock', '9212', '45-2093', 1.809), ('Farmworker', '9211', '45-2092', 3.68)]
    """
    spellings: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    pairs: dict[tuple[str, str | None], Counter[tuple[str, str | None, str]]] = defaultdict(Counter)
    for obs in observations:
        key = (normalise_title(obs.title), obs.lang or None)
        if not key[0] or obs.records <= 0 or not obs.isco08:
            continue
        spellings[key][obs.title.strip()] += obs.records
        pairs[key][(obs.isco08, obs.soc2018 or None, obs.system)] += obs.records
    out = []
    for key in sorted(pairs, key=lambda k: (k[0], k[1] or "")):
        counts = pairs[key]
        total = sum(counts.values())
        text = min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        for (isco, soc, system), n in sorted(counts.items(), key=lambda kv: str(kv[0])):
            share = n / total
            if share < min_share:
                continue
            weight = learned_weight(n, share)
            out.append(Alias(text[:300], isco, key[1], weight, CERTIFIED_SOURCE + system, soc))
    return out
