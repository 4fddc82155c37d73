"""The occupation data the resolver reads and returns: unit groups, aliases, candidates.

:class:`OccupationRecord` and :class:`Alias` are the inputs of
:class:`matching.occupations.OccupationResolver`, :class:`Candidate` its answer. All are
frozen; nothing here is read from disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["Alias", "Candidate", "OccupationRecord"]


@dataclass(frozen=True)
class OccupationRecord:
    """One ISCO-08 unit group with its official titles and national codes.

    Parameters
    ----------
    isco08 : str
        Four-digit ISCO-08 unit group, e.g. ``"9211"``.
    titles : Mapping[str, str]
        Official titles by ISO 639 language code (``en``, ``es``, ``fr``).
    soc2018, noc2021, sinco2019 : tuple of str
        Corresponding national codes (US SOC 2018, Canada NOC 2021, Mexico SINCO 2019).

    Examples
    --------
    >>> r = OccupationRecord("9211", {"en": "Crop farm labourers"}, soc2018=("45-2092",))
    >>> r.title("fr")
    'Crop farm labourers'
    """

    isco08: str
    titles: Mapping[str, str]
    soc2018: tuple[str, ...] = ()
    noc2021: tuple[str, ...] = ()
    sinco2019: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "titles", MappingProxyType(dict(self.titles)))
        for name in ("soc2018", "noc2021", "sinco2019"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def title(self, lang: str | None = None) -> str:
        """Title in ``lang`` when known, else English, else any title, else ``""``."""
        if lang and lang in self.titles:
            return self.titles[lang]
        if "en" in self.titles:
            return self.titles["en"]
        return next(iter(self.titles.values()), "")


@dataclass(frozen=True)
class Alias:
    """A title that names an ISCO-08 unit group.

    Parameters
    ----------
    text : str
        The title as written ("Farm Worker", "trabajador agrícola").
    isco08 : str
        Unit group it names.
    lang : str or None
        ISO 639 language, ``None`` when unknown or language-neutral.
    weight : float
        Prior strength (> 0, default 1). Curated titles may use > 1, noisy bulk titles < 1;
        the score is multiplied by ``weight ** 0.1`` (clipped to 1) and ties are broken by
        weight.
    source : str
        Where the alias comes from ("onet27-alternate", "esco", "project", ...).
    soc2018 : str or None
        The SOC 2018 detailed code when the alias comes from a specific SOC (O*NET), so the
        winning SOC can be reported first.

    Examples
    --------
    >>> Alias("Farm Worker", "9211", "en", soc2018="45-2092").weight
    1.0
    """

    text: str
    isco08: str
    lang: str | None = None
    weight: float = 1.0
    source: str = ""
    soc2018: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A resolved occupation, best-first in :meth:`OccupationResolver.resolve` results.

    ``title`` is in the language asked for at resolution time (else English); ``titles``
    keeps all official titles so :meth:`to_dict` can render another language. ``matched``
    is the alias text that won (useful for explanations).

    Examples
    --------
    >>> c = Candidate("9211", "Crop farm labourers", ("45-2092",), ("85101",), (), 0.93,
    ...               titles={"es": "Peones de explotaciones agrícolas"})
    >>> c.to_dict("es")["title"]
    'Peones de explotaciones agrícolas'
    >>> sorted(c.to_dict())
    ['isco08', 'noc2021', 'score', 'sinco2019', 'soc2018', 'title']
    """

    isco08: str
    title: str
    soc2018: tuple[str, ...]
    noc2021: tuple[str, ...]
    sinco2019: tuple[str, ...]
    score: float
    titles: Mapping[str, str] = field(default_factory=dict, compare=False)
    matched: str = field(default="", compare=False)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The API candidate shape (see ``GET /api/v1/occupations/resolve``)."""
        title = self.titles.get(lang, "") if lang else ""
        return {
            "isco08": self.isco08,
            "title": title or self.titles.get("en", "") or self.title,
            "soc2018": list(self.soc2018),
            "noc2021": list(self.noc2021),
            "sinco2019": list(self.sinco2019),
            "score": round(float(self.score), 4),
        }
