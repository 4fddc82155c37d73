"""Job-title normalisation: the form titles and aliases are matched on.

Accents and case are folded, job-order noise is stripped (``H-2A``, ``(Seasonal)``,
``Worker II``, trailing codes), stop words are dropped, abbreviations expanded and a tiny
es/en/fr stemmer is applied, so "Trabajadoras agrícolas" and "trabajador agricola" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalise_title"]


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS = _wordset(
    "a an and or of the for in on to with at by as "
    "de del la las el los y e o u en para por con al su "
    "du des le les l d et ou au aux pour par avec sur"
)
_NOISE_WORDS = _wordset(
    "seasonal seasonals temporary temp temps estacional estacionales temporal temporales "
    "temporada saisonnier saisonniere saisonniers temporaire temporaires "
    "urgent hiring needed wanted vacancy vacancies opening openings position positions "
    "job jobs puesto vacante vacantes poste postes "
    # Spanish descriptions of one's work ("trabajo en la milpa", "trabajos de albañilería")
    # name the activity after it: alone, "trabajo" would match any title that has it.
    "trabajo trabajos "
    "ii iii iv vi vii viii ix"
)
_NOISE_RE = re.compile(
    r"\bh\s*-?\s*2\s*-?\s*[ab]\b"  # visa class
    r"|\b(?:full|part)\s*-?\s*time\b|\btiempo\s+(?:completo|parcial)\b"
    r"|\btemps\s+(?:plein|partiel)\b|\bn/a\b"
)
_SEGMENT_RE = re.compile(r"\s[-\u2013\u2014]\s|\s*[:;|]\s*")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
_ABBREVIATIONS = {
    "ag": "agricultural",
    "agri": "agricultural",
    "agr": "agricultural",
    "equip": "equipment",
    "asst": "assistant",
    "mech": "mechanic",
    "gen": "general",
    "wkr": "worker",
    "wrkr": "worker",
    "hlpr": "helper",
    "oper": "operator",
    "maint": "maintenance",
    "mgr": "manager",
    "supv": "supervisor",
    "supvr": "supervisor",
    "tech": "technician",
    "drvr": "driver",
}
#: Leading modifiers job orders put before the real title ("General Farm Worker").
_GENERIC_LEAD = frozenset({"general"})
_SUFFIXES = (("iere", "ier"), ("euse", "eur"), ("ora", "or"), ("era", "er"), ("ero", "er"))


def _fold(text: str) -> str:
    """Lower-case, strip accents and ligatures (é → e, œ → oe, ß → ss)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _stem(token: str) -> str:
    """A deliberately tiny es/en/fr stemmer: plurals, then gendered endings."""
    n = len(token)
    if n > 4 and token.endswith("es") and token[-3] in "rlndz":
        token = token[:-2]
    elif n > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    if len(token) > 5:
        for suffix, repl in _SUFFIXES:
            if token.endswith(suffix):
                return token[: -len(suffix)] + repl
    return token


def _tokens(text: str) -> tuple[str, ...]:
    text = _NOISE_RE.sub(" ", _fold(text))
    out = []
    for raw in _NON_ALNUM_RE.split(text):
        if len(raw) < 2 or raw in _STOPWORDS or raw in _NOISE_WORDS:
            continue
        if any(ch.isdigit() for ch in raw):  # codes, job-order numbers, "2a"
            continue
        out.append(_stem(_ABBREVIATIONS.get(raw, raw)))
    return tuple(out)


@lru_cache(maxsize=65536)
def _variants(title: str) -> tuple[tuple[str, ...], ...]:
    """Token tuples to match: the whole title, plus its head before a " - " / ":" tail."""
    whole = _tokens(title)
    if not whole:
        return ()
    parts = [p for p in _SEGMENT_RE.split(title) if p.strip()]
    if len(parts) > 1:
        head = _tokens(parts[0])
        if head and head != whole:
            return (whole, head)
    return (whole,)


def normalise_title(title: str) -> str:
    """The normalised form a title is matched on (tokens joined by spaces).

    Examples
    --------
    >>> normalise_title("CAFÉ, CORTADOR DE")
    'cafe cortador'
    >>> normalise_title("Farmworker - General Farm Labor (Seasonal) H-2A #45-2092.00")
    'farmworker general farm labor'
    >>> normalise_title("Trabajadoras agrícolas")
    'trabajador agricola'
    """
    return " ".join(_tokens(title or ""))
