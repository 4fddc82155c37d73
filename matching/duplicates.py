"""Applicants registered twice: scored, explained pairs for an officer to review, never a merge.

The same person is sometimes registered by themself and again by their ministry, or twice by
a ministry: accents dropped, surnames swapped or one missing, a middle name cut to an initial,
"Chepe" for José, a letter or two mistyped, day and month of birth swapped. Two different
people can also share a common name and a birth date, so what comes back is *evidence*: a
score in [0, 1] and the plain signals behind it, each with an es/en/fr sentence.

Only pairs that share a block are compared, never all pairs: same nationality and birth date,
same nationality and the birth date with day and month swapped, same identity document
number, or same phone number. A record without a birth date is therefore only compared
through its document or phone. When a birth-date block holds more than :data:`LARGE_BLOCK`
records (a placeholder date, 1 January heaping), pairs in it must also share a name part
(exactly, by nickname or by sound). A document or phone held by more than
:data:`MAX_SHARED` records (a placeholder, an office phone) is neither a block nor evidence.

Scoring is additive and clipped to [0, 1] (weights in :data:`WEIGHTS`): ``NAME_WEIGHT`` times
the name similarity, plus or minus one weight per signal. The name similarity matches name
parts one to one (accents and case folded, particles such as "de la" dropped), each match
worth :data:`PART_SIMILARITY` of its kind; parts left over on both sides count against,
parts present on one side only (a missing surname) count a quarter.

Examples
--------
>>> from datetime import date
>>> register = [
...     ApplicantRecord(1, "José Luis Pérez García", date(1990, 3, 4), "GT", "GT-QZ"),
...     ApplicantRecord(2, "Chepe L. Garcia Perez", date(1990, 3, 4), "GT", "GT-QZ"),
...     ApplicantRecord(3, "María López", date(1990, 3, 4), "GT", "GT-QZ"),
... ]
>>> [(c.a, c.b, c.score) for c in find_duplicates(register)]
[(1, 2, 0.8725)]
>>> print(find_duplicates(register)[0].describe("en"))
Same date of birth; same department; “Chepe” is a familiar form of “José”; “L.” is the \
initial of “Luis”; surnames in reverse order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA

__all__ = [
    "DEFAULT_THRESHOLD",
    "LARGE_BLOCK",
    "MAX_SHARED",
    "NAME_WEIGHT",
    "NICKNAMES",
    "PART_SIMILARITY",
    "SIGNAL_TEXT",
    "WEIGHTS",
    "ApplicantRecord",
    "DuplicateCandidate",
    "DuplicateIndex",
    "describe_signal",
    "find_duplicates",
    "find_duplicates_of",
]

#: Score at or above which a pair is reported.
DEFAULT_THRESHOLD = 0.7
#: Weight of the name similarity (a number in [0, 1]) in the score.
NAME_WEIGHT = 0.55
#: What each signal adds to (or takes from) the score. A shared document outweighs any name;
#: a different document or sex is strong evidence of two people.
WEIGHTS: Mapping[str, float] = {
    "same_document": 1.2,
    "similar_document": 0.2,
    "different_document": -0.4,
    "same_birth_date": 0.25,
    "birth_day_month_swapped": 0.2,
    "different_birth_date": -0.1,
    "same_subdivision": 0.1,
    "different_subdivision": -0.15,
    "same_phone": 0.1,
    "different_sex": -0.3,
    "different_nationality": -0.1,
}
#: Similarity of two matched name parts, by how they match.
PART_SIMILARITY: Mapping[str, float] = {
    "exact": 1.0,  # equal once accents and case are folded
    "nickname": 0.95,  # "Chepe" / "José"
    "abbreviation": 0.95,  # "Ma." / "María"
    "spelling": 0.95,  # same sound in Spanish: "Peres" / "Pérez", "Bictor" / "Víctor"
    "initial": 0.85,  # "L." / "Luis"
    "typo": 0.85,  # one letter added, dropped, changed or two swapped
    "typo2": 0.7,  # two such edits, in names of six letters or more
}
#: Parts left unmatched on both sides (conflicts) weigh this much against the name.
CONFLICT_WEIGHT = 2.0
#: Parts present on one side only (a missing surname) weigh this much.
MISSING_WEIGHT = 0.25
#: Two spellings one or two edits apart are two names (Mario, María), not a typo of each
#: other, when each is found in at least COMMON_COUNT records and the rarer in at least one
#: for every COMMON_RATIO of the other. A typo of García stays rare next to García.
COMMON_COUNT = 5
COMMON_RATIO = 50
#: Birth-date blocks larger than this also require a shared name part.
LARGE_BLOCK = 64
#: A document or phone shared by more records than this is a placeholder, not evidence.
MAX_SHARED = 4

# "Name: its familiar forms", entries two or more spaces apart. A form listed under several
# names is ambiguous ("Beto"); a name may be two words ("José María: Chema").
_NICKNAME_LINES = """
José: Chepe Pepe Chepito          Josefa: Chepa               José María: Chema
Francisco: Pancho Paco Curro      Guadalupe: Lupe Lupita      Antonio: Toño
Guillermo: Memo                   Ignacio: Nacho              Jesús: Chus Chucho Chuy
Lorenzo: Lencho                   Alberto: Beto               Roberto: Beto
Humberto: Beto                    Norberto: Beto              Enrique: Quique
Fernando: Nando                   Teresa: Tere                Rosario: Chayo
Mercedes: Meche                   Dolores: Lola               Concepción: Concha Conchita
María Eugenia: Maru               Consuelo: Chelo             Eduardo: Lalo
Vicente: Chente                   Gregorio: Goyo              Isabel: Chabela
Alicia: Licha                     Ramón: Moncho               Ernesto: Neto
Gustavo: Tavo                     Octavio: Tavo               Gonzalo: Chalo
Adolfo: Fito                      Rodolfo: Fito               Rafael: Rafa
Manuel: Manolo                    Juan: Juancho               Sergio: Checo
Hortensia: Tencha
"""


def _name_table(lines: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for entry in re.split(r"\s{2,}|\n", lines.strip()):
        name, _, forms = entry.partition(":")
        for form in forms.split():
            table[form] = (*table.get(form, ()), name.strip())
    return table


#: Familiar forms of given names (Spanish as used in Guatemala, El Salvador and Honduras),
#: each mapped to the names it stands for: several when ambiguous ("Beto"), and a name may
#: be two words ("Chema" is José María).
NICKNAMES: Mapping[str, tuple[str, ...]] = _name_table(_NICKNAME_LINES)
#: Written abbreviations, kept apart so that the evidence says "abbreviation".
_ABBREVIATIONS = _name_table("María: Ma  Francisco: Fco  Guadalupe: Gpe")
_PARTICLES = frozenset(["de", "del", "la", "las", "los", "y", "e", "da", "di", "vda", "viuda"])
_WORD_RE = re.compile(r"([^\W\d_]+)(\.?)")
_NON_ALNUM_RE = re.compile(r"[^0-9A-Z]+")
_NON_DIGIT_RE = re.compile(r"[^0-9]+")
_DOUBLED_RE = re.compile(r"(.)\1+")
_LANGS = ("es", "en", "fr")


def _fold(text: str) -> str:
    """Lower-case and strip accents (José → jose, Toño → tono)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _sound(folded: str) -> str:
    """A Spanish sound key: silent h, b/v, s/z/soft c, ll/y, qu/hard c, soft g, doubled letters."""
    s = folded.replace("ch", "#").replace("h", "")
    s = s.replace("gue", "%e").replace("gui", "%i").replace("ge", "je").replace("gi", "ji")
    s = s.replace("%", "g").replace("ce", "se").replace("ci", "si").replace("qu", "k")
    s = s.replace("c", "k").replace("z", "s").replace("v", "b").replace("ll", "y")
    return _DOUBLED_RE.sub(r"\1", s.replace("y", "i"))


def _folded_table(table: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {_fold(k): tuple(_fold(v) for v in vs) for k, vs in table.items()}


_NICK = _folded_table(NICKNAMES)
_ABBR = _folded_table(_ABBREVIATIONS)


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class ApplicantRecord:
    """One registration, as the caller holds it.

    Attributes
    ----------
    key : int
        The caller's identifier (unique in a register); pairs are reported by key.
    name : str
        Full name as written: given names then surnames, or ``"Surnames, Given names"``.
    birth_date : date or None
    nationality : str
        ISO 3166-1 alpha-2 (``"GT"``, ``"SV"``, ``"HN"``).
    subdivision : str or None
        ISO 3166-2 department (``"GT-QZ"``).
    document : str or None
        Identity document number (DPI, DUI, DNI); spaces and dashes are ignored.
    phone : str or None
        Any format; the last eight digits are compared.
    sex : str or None
        ``"F"``, ``"M"`` or ``"X"``; only F against M counts as different.

    Examples
    --------
    >>> ApplicantRecord(7, "Ana López", None, "SV").subdivision is None
    True
    """

    key: int
    name: str
    birth_date: date | None
    nationality: str
    subdivision: str | None = None
    document: str | None = None
    phone: str | None = None
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class _Part:
    """One name part: as written, folded, and the keys it matches exactly on."""

    text: str  # as written ("José", "L.", "Chepe")
    folded: str  # "jose", "l", "chepe"
    sound: str  # Spanish sound key of ``folded``
    keys: frozenset[str]  # canonical names and their sound keys
    firsts: frozenset[str]  # first letters an initial may stand for
    initial: bool
    kind: str  # "" or "nickname" / "abbreviation" when the part stands for another name


def _part(text: str, folded: str, names: tuple[str, ...], kind: str) -> _Part:
    keys = frozenset(n for name in names for n in (name, _sound(name)))
    return _Part(text, folded, _sound(folded), keys, frozenset(n[0] for n in names), False, kind)


@lru_cache(maxsize=65536)
def _parts_of(word: str, dot: str) -> tuple[_Part, ...]:
    folded = _fold(word)
    if len(folded) == 1:  # "L.", "J"; a lower-case "y" / "e" is the conjunction
        if folded in _PARTICLES and word.islower() and not dot:
            return ()
        letter = frozenset({folded})
        return (_Part(word + ".", folded, folded, letter, letter, True, ""),)
    if folded in _PARTICLES:
        return ()
    for table, kind in ((_NICK, "nickname"), (_ABBR, "abbreviation")):
        names = table.get(folded)
        if names and len(names) == 1 and " " in names[0]:  # "Chema": José + María
            return tuple(_part(word, folded, (n,), kind) for n in names[0].split())
        if names:
            return (_part(word, folded, (folded, *names), kind),)
    return (_part(word, folded, (folded,), ""),)


def _name(name: str) -> tuple[_Part, ...]:
    # Not cached: a process-wide cache of whole names would keep personal data around.
    if "," in name:  # "Pérez García, José Luis"
        surnames, _, given = name.partition(",")
        name = f"{given} {surnames}"
    parts: list[_Part] = []
    for word, dot in _WORD_RE.findall(name):
        parts += _parts_of(word, dot)
    return tuple(parts)


def _words(parts: tuple[_Part, ...]) -> set[str]:
    """The folded full parts of a name: what the index counts."""
    return {p.folded for p in parts if not p.initial}


def _name_keys(parts: tuple[_Part, ...]) -> set[str]:
    """Keys of the full parts: what pairs in a crowded birth-date block must share."""
    return {k for p in parts if not p.initial for k in p.keys}


def _document(value: str | None) -> str | None:
    if not value:
        return None
    doc = _NON_ALNUM_RE.sub("", (value if value.isascii() else _fold(value)).upper())
    return doc if len(doc) >= 4 and len(set(doc)) > 1 else None  # "0000", "N/A": no document


def _phone(value: str | None) -> str | None:
    digits = _NON_DIGIT_RE.sub("", value) if value else ""
    return digits[-8:] if len(digits) >= 7 and len(set(digits)) > 1 else None


class _Prepared:
    """A record as compared: parsed name, date ordinals, normalised document and phone."""

    __slots__ = (
        "born",
        "document",
        "key",
        "nationality",
        "parts",
        "phone",
        "sex",
        "subdivision",
        "swapped",
    )

    def __init__(self, r: ApplicantRecord) -> None:
        self.key = r.key
        self.parts = _name(r.name or "")
        self.nationality = (r.nationality or "").upper()
        self.born = self.swapped = 0  # date ordinals; 0 when unknown or not swappable
        if r.birth_date is not None:
            d = r.birth_date
            self.born = d.toordinal()
            if d.day <= 12 and d.day != d.month:
                self.swapped = date(d.year, d.day, d.month).toordinal()
        self.subdivision = (r.subdivision or "").upper() or None
        self.document = _document(r.document)
        self.phone = _phone(r.phone)
        sex = (r.sex or "").upper()
        self.sex = sex if sex in ("F", "M") else None


# ---------------------------------------------------------------------------------------------
# Comparing two records


def _part_match(x: _Part, y: _Part, common: _Common) -> tuple[float, str]:
    """How well two name parts match: a similarity from PART_SIMILARITY and its kind."""
    if x.folded == y.folded:
        return 1.0, "exact"
    if x.initial or y.initial:
        if (x.initial and not y.initial and x.folded in y.firsts) or (
            y.initial and not x.initial and y.folded in x.firsts
        ):
            return PART_SIMILARITY["initial"], "initial"
        return 0.0, ""
    if x.keys & y.keys:  # the same name written another way, or a familiar form of it
        kind = "spelling" if x.sound == y.sound else x.kind or y.kind or "spelling"
        return PART_SIMILARITY[kind], kind
    lx, ly = len(x.folded), len(y.folded)
    if abs(lx - ly) > 2 or min(lx, ly) < 3:
        return 0.0, ""
    edits = OSA.distance(x.folded, y.folded, score_cutoff=2)
    kind = "typo" if edits == 1 else "typo2" if edits == 2 and min(lx, ly) >= 6 else ""
    if not kind or common.two_names(x.folded, y.folded):
        return 0.0, ""
    return PART_SIMILARITY[kind], kind


class _Common:
    """How often spellings occur in the register (counting the record being registered)."""

    __slots__ = ("extra", "words")

    def __init__(self, words: dict[str, int], extra: _Prepared | None) -> None:
        self.words = words
        self.extra = _words(extra.parts) if extra is not None else set()

    def count(self, word: str) -> int:
        return self.words.get(word, 0) + (word in self.extra)

    def two_names(self, x: str, y: str) -> bool:
        """Whether two close spellings are both established names (see COMMON_COUNT)."""
        rare, frequent = sorted((self.count(x), self.count(y)))
        return rare >= COMMON_COUNT and rare * COMMON_RATIO >= frequent


def _match_names(
    pa: tuple[_Part, ...], pb: tuple[_Part, ...], common: _Common
) -> tuple[float, list[tuple[int, int, str]]]:
    """Match parts one to one, best first; return the name similarity and the matches."""
    cells = []
    for i, x in enumerate(pa):
        for j, y in enumerate(pb):
            sim, kind = _part_match(x, y, common)
            if sim:
                cells.append((-sim, abs(i - j), i, j, kind))
    if not cells:
        return 0.0, []
    cells.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches = []
    total = 0.0
    for neg, _, i, j, kind in cells:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j, kind))
            total -= neg
    left_a, left_b = len(pa) - len(matches), len(pb) - len(matches)
    denominator = (
        len(matches) + CONFLICT_WEIGHT * min(left_a, left_b) + MISSING_WEIGHT * abs(left_a - left_b)
    )
    return total / denominator, matches


def _monotone(matches: list[tuple[int, int, str]]) -> bool:
    js = [j for _, j, _ in sorted(matches)]
    return all(x < y for x, y in zip(js, js[1:], strict=False))


def _name_signals(
    pa: tuple[_Part, ...], pb: tuple[_Part, ...], matches: list[tuple[int, int, str]]
) -> list[str]:
    matches = sorted(matches)
    out: list[str] = []
    na, nb = len(pa), len(pb)
    all_exact = all(kind == "exact" for _, _, kind in matches)
    monotone = _monotone(matches)
    if len(matches) == na == nb and all_exact:
        out.append("same_name" if monotone else "name_tokens_match")
    for i, j, kind in matches:
        x, y = pa[i], pb[j]
        if kind == "exact":
            continue
        if kind == "initial":
            out.append(f"initial:{x.text}={y.text}" if x.initial else f"initial:{y.text}={x.text}")
        elif kind in ("nickname", "abbreviation"):
            short, full = (x, y) if x.kind else (y, x)
            signal = f"{kind}:{short.text}={full.text}"
            if out and out[-1].startswith(f"{kind}:{short.text}="):  # "Chema" = José María
                signal = f"{out.pop()} {full.text}"
            out.append(signal)
        else:
            out.append(f"{kind.rstrip('2')}:{x.text}={y.text}")
    if not monotone:
        swap = {(na - 1, nb - 2), (na - 2, nb - 1)}
        rest = [m for m in matches if (m[0], m[1]) not in swap]
        surnames = na >= 3 and nb >= 3 and len(rest) == len(matches) - 2 and _monotone(rest)
        out.append("surnames_swapped" if surnames else "name_order_differs")
    used_a = {i for i, _, _ in matches}
    used_b = {j for _, j, _ in matches}
    left_a = [p.text for i, p in enumerate(pa) if i not in used_a]
    left_b = [p.text for j, p in enumerate(pb) if j not in used_b]
    out.extend(f"names_differ:{x}/{y}" for x, y in zip(left_a, left_b, strict=False))
    longer = left_a if len(left_a) > len(left_b) else left_b
    out.extend(f"missing_name_part:{x}" for x in longer[min(len(left_a), len(left_b)) :])
    return out


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """Two registrations that may be the same person, with the evidence for an officer.

    Attributes
    ----------
    a, b : int
        The two records' keys, ``a < b``.
    score : float
        In [0, 1], rounded to 4 decimals: ``NAME_WEIGHT * name_similarity`` plus the
        :data:`WEIGHTS` of the signals, clipped.
    name_similarity : float
        In [0, 1]: how alike the two names are (1 when equal up to accents, case and order).
    evidence : tuple of str
        Signals such as ``"same_birth_date"`` or ``"nickname:Chepe=José"`` (vocabulary in
        :data:`SIGNAL_TEXT`). They quote name parts: personal data, never for an audit log.

    Examples
    --------
    >>> c = DuplicateCandidate(1, 2, 0.9, 1.0, ("same_birth_date", "same_subdivision"))
    >>> c.describe()
    'Misma fecha de nacimiento; mismo departamento.'
    >>> c.describe("fr")
    'Même date de naissance ; même département.'
    """

    a: int
    b: int
    score: float
    name_similarity: float
    evidence: tuple[str, ...]

    def describe(self, lang: str = "es") -> str:
        """The evidence as one sentence in ``lang`` (``"es"``, ``"en"`` or ``"fr"``).

        Examples
        --------
        >>> DuplicateCandidate(3, 9, 1.0, 0.0, ("same_document",)).describe("en")
        'Same identity document number.'
        """
        phrases = [describe_signal(s, lang) for s in self.evidence]
        text = (" ; " if lang == "fr" else "; ").join(phrases)
        return (text[:1].upper() + text[1:] + ".") if text else ""


def _compare(
    p: _Prepared, q: _Prepared, index: DuplicateIndex, extra: _Prepared | None, threshold: float
) -> DuplicateCandidate | None:
    """Score a pair; ``None`` when it cannot reach ``threshold``."""
    if q.key < p.key:
        p, q = q, p
    facts: list[str] = []
    if p.document and q.document:
        if p.document == q.document:
            if index._shared(index._by_doc, p.document, extra) <= MAX_SHARED:
                facts.append("same_document")
        elif (
            max(
                index._shared(index._by_doc, p.document, extra),
                index._shared(index._by_doc, q.document, extra),
            )
            <= MAX_SHARED
        ):
            near = OSA.distance(p.document, q.document, score_cutoff=1) <= 1
            facts.append("similar_document" if near else "different_document")
    if p.born and q.born:
        if p.born == q.born:
            facts.append("same_birth_date")
        elif p.swapped == q.born:
            facts.append("birth_day_month_swapped")
        else:
            facts.append("different_birth_date")
    if p.subdivision and q.subdivision:
        same = p.subdivision == q.subdivision
        facts.append("same_subdivision" if same else "different_subdivision")
    late: list[str] = []
    if (
        p.phone
        and p.phone == q.phone
        and index._shared(index._by_phone, p.phone, extra) <= MAX_SHARED
    ):
        late.append("same_phone")
    if p.sex and q.sex and p.sex != q.sex:
        late.append("different_sex")
    if p.nationality != q.nationality:
        late.append("different_nationality")
    base = sum(WEIGHTS[s] for s in facts) + sum(WEIGHTS[s] for s in late)
    if base + NAME_WEIGHT < threshold - 1e-4:  # the name cannot lift it; skip the work
        return None
    similarity, matches = _match_names(p.parts, q.parts, _Common(index._words, extra))
    score = round(min(1.0, max(0.0, base + NAME_WEIGHT * similarity)), 4)
    if score < threshold:
        return None
    evidence = (*facts, *_name_signals(p.parts, q.parts, matches), *late)
    return DuplicateCandidate(p.key, q.key, score, round(similarity, 4), evidence)


# ---------------------------------------------------------------------------------------------
# The register


class DuplicateIndex:
    """Blocks of a register, built once, so that one new registration is checked in ms.

    Examples
    --------
    >>> index = DuplicateIndex.build([ApplicantRecord(1, "Ana Cruz", date(2000, 1, 5), "HN")])
    >>> index.add(ApplicantRecord(2, "Rosa Paz", date(2000, 1, 5), "HN"))
    >>> len(index)
    2
    """

    __slots__ = ("_by_date", "_by_doc", "_by_phone", "_keys", "_named", "_records", "_words")

    def __init__(self) -> None:
        self._records: list[_Prepared] = []
        self._keys: set[int] = set()
        self._by_date: dict[tuple[str, int], list[int]] = {}
        self._by_doc: dict[str, list[int]] = {}
        self._by_phone: dict[str, list[int]] = {}
        self._words: dict[str, int] = {}  # records holding each folded name part
        # Large birth-date blocks split by name key, built when first needed.
        self._named: dict[tuple[str, int], dict[str, list[int]]] = {}

    @classmethod
    def build(cls, records: Iterable[ApplicantRecord]) -> DuplicateIndex:
        """Index a whole register.

        Examples
        --------
        >>> len(DuplicateIndex.build([]))
        0
        """
        index = cls()
        for record in records:
            index.add(record)
        return index

    def add(self, record: ApplicantRecord) -> None:
        """Add one registration (after checking it with :func:`find_duplicates_of`).

        Raises
        ------
        ValueError
            When a record with the same key is already indexed.

        Examples
        --------
        >>> index = DuplicateIndex()
        >>> index.add(ApplicantRecord(5, "Luis Coj", None, "GT", document="1234 56789 0101"))
        >>> len(index)
        1
        """
        if record.key in self._keys:
            raise ValueError(f"key {record.key} is already in the index")
        self._keys.add(record.key)
        p = _Prepared(record)
        at = len(self._records)
        self._records.append(p)
        if p.born:
            key = (p.nationality, p.born)
            self._by_date.setdefault(key, []).append(at)
            named = self._named.get(key)
            if named is not None:
                for k in _name_keys(p.parts):
                    named.setdefault(k, []).append(at)
        if p.document:
            self._by_doc.setdefault(p.document, []).append(at)
        if p.phone:
            self._by_phone.setdefault(p.phone, []).append(at)
        words = self._words
        for w in _words(p.parts):
            words[w] = words.get(w, 0) + 1

    def __len__(self) -> int:
        return len(self._records)

    def _shared(self, table: dict[str, list[int]], value: str, extra: _Prepared | None) -> int:
        """How many records hold a document or phone (counting one being registered)."""
        held = len(table.get(value, ()))
        if extra is not None and value in (extra.document, extra.phone):
            held += 1
        return held

    def _block_size(self, key: tuple[str, int], extra: _Prepared | None) -> int:
        size = len(self._by_date.get(key, ()))
        if extra is not None and key == (extra.nationality, extra.born):
            size += 1
        return size

    def _by_name(self, key: tuple[str, int]) -> dict[str, list[int]]:
        named = self._named.get(key)
        if named is None:
            named = self._named[key] = {}
            for at in self._by_date[key]:
                for k in _name_keys(self._records[at].parts):
                    named.setdefault(k, []).append(at)
        return named

    def _candidates(self, p: _Prepared, extra: _Prepared | None) -> set[int]:
        """Positions of the records sharing a block with ``p``."""
        out: set[int] = set()
        if p.born:
            own = (p.nationality, p.born)
            own_size = self._block_size(own, extra)
            for key in (own, (p.nationality, p.swapped)) if p.swapped else (own,):
                block = self._by_date.get(key)
                if not block:
                    continue
                if own_size > LARGE_BLOCK or self._block_size(key, extra) > LARGE_BLOCK:
                    named = self._by_name(key)
                    for k in _name_keys(p.parts):
                        out.update(named.get(k, ()))
                else:
                    out.update(block)
        for table, value in ((self._by_doc, p.document), (self._by_phone, p.phone)):
            if value and self._shared(table, value, extra) <= MAX_SHARED:
                out.update(table.get(value, ()))
        return out


def _codes(values: list[str | None]) -> np.ndarray:
    """Small integers for strings, 0 for ``None``, equal strings equal integers."""
    table: dict[str | None, int] = {None: 0}
    return np.fromiter((table.setdefault(v, len(table)) for v in values), np.int64, len(values))


def _same_key_pairs(keys: np.ndarray, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every pair of ``rows`` with equal ``keys``: sorted, a group of g repeats at offsets < g."""
    order = rows[np.argsort(keys[rows], kind="stable")]
    ordered = keys[order]
    out = []
    for offset in range(1, len(order)):
        same = ordered[:-offset] == ordered[offset:]
        if not same.any():
            break
        out.append((order[:-offset][same], order[offset:][same]))
    return out


def _register_pairs(index: DuplicateIndex, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs of the whole register (positions, ``i < j``) that may reach
    ``threshold``: the pairs of :meth:`DuplicateIndex._candidates`, blocked with numpy, then
    pruned with an optimistic bound of :func:`_compare` (best name, a near document)."""
    people = index._records
    n = len(people)
    nationality = _codes([p.nationality for p in people])
    born = np.fromiter((p.born for p in people), np.int64, n)
    swapped = np.fromiter((p.swapped for p in people), np.int64, n)
    document = _codes([p.document for p in people])
    phone = _codes([p.phone for p in people])
    day = nationality << 32  # one block per nationality and day
    large = np.fromiter(
        (p.born and len(index._by_date[(p.nationality, p.born)]) > LARGE_BLOCK for p in people),
        bool,
        n,
    )
    small = np.flatnonzero((born > 0) & ~large)
    chunks = _same_key_pairs(day + born, small)
    # Swapped birth dates: each record against the block of its swapped date.
    target = small[np.argsort((day + born)[small], kind="stable")]
    target_keys = (day + born)[target]
    asking = small[swapped[small] > 0]
    wanted = (day + swapped)[asking]
    lo = np.searchsorted(target_keys, wanted, "left")
    hi = np.searchsorted(target_keys, wanted, "right")
    counts = hi - lo
    ask = np.repeat(asking, counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    chunks.append((ask, target[starts + np.arange(len(ask))]))
    for codes in (document, phone):
        held = np.bincount(codes, minlength=1)
        rows = np.flatnonzero((codes > 0) & (held[codes] <= MAX_SHARED))
        chunks.extend(_same_key_pairs(codes, rows))
    # Records of crowded birth dates: their blocks require a shared name part.
    for at in np.flatnonzero(large).tolist():
        js = np.fromiter(index._candidates(people[at], None), np.int64)
        chunks.append((np.full(len(js), at), js))
    first = np.concatenate([a for a, _ in chunks] + [np.zeros(0, np.int64)])
    second = np.concatenate([b for _, b in chunks] + [np.zeros(0, np.int64)])
    code = np.unique(np.minimum(first, second) * n + np.maximum(first, second))
    i, j = code // n, code % n
    apart = i != j
    return _prune(index, i[apart], j[apart], threshold, nationality, born, swapped, document, phone)


def _prune(
    index: DuplicateIndex, i: np.ndarray, j: np.ndarray, threshold: float, *columns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Drop the pairs that cannot reach ``threshold`` even with the best name."""
    nationality, born, swapped, document, phone = columns
    people = index._records
    subdivision = _codes([p.subdivision for p in people])
    sex = _codes([p.sex for p in people])
    w = WEIGHTS
    bound = np.full(len(i), NAME_WEIGHT)
    bound += w["different_nationality"] * (nationality[i] != nationality[j])
    known = (born[i] > 0) & (born[j] > 0)
    bound += (
        np.where(
            born[i] == born[j],
            w["same_birth_date"],
            np.where(
                swapped[i] == born[j], w["birth_day_month_swapped"], w["different_birth_date"]
            ),
        )
        * known
    )
    known = (subdivision[i] > 0) & (subdivision[j] > 0)
    same = subdivision[i] == subdivision[j]
    bound += np.where(same, w["same_subdivision"], w["different_subdivision"]) * known
    known = (sex[i] > 0) & (sex[j] > 0) & (sex[i] != sex[j])
    bound += w["different_sex"] * known
    held = np.bincount(document, minlength=1)
    usable = (document[i] > 0) & (document[j] > 0) & (held[document[i]] <= MAX_SHARED)
    usable &= held[document[j]] <= MAX_SHARED
    near = max(w["similar_document"], w["different_document"])
    bound += np.where(document[i] == document[j], w["same_document"], near) * usable
    held = np.bincount(phone, minlength=1)
    shared = (phone[i] > 0) & (phone[i] == phone[j]) & (held[phone[i]] <= MAX_SHARED)
    bound += w["same_phone"] * shared
    keep = bound >= threshold - 1e-4
    return i[keep], j[keep]


def _ranked(found: list[DuplicateCandidate]) -> list[DuplicateCandidate]:
    return sorted(found, key=lambda c: (-c.score, c.a, c.b))


def find_duplicates(
    records: Iterable[ApplicantRecord], *, threshold: float = DEFAULT_THRESHOLD
) -> list[DuplicateCandidate]:
    """Every pair of a register that may be one person, best first.

    Parameters
    ----------
    records : iterable of ApplicantRecord
        The register.
    threshold : float
        Report pairs scoring at least this much.

    Returns
    -------
    list of DuplicateCandidate
        Each pair once, ``a < b``, sorted by score (highest first), then ``a``, then ``b``.

    Raises
    ------
    ValueError
        When two records share a key.

    Examples
    --------
    >>> born = date(1988, 11, 2)
    >>> found = find_duplicates([
    ...     ApplicantRecord(10, "Francisco Ajú Tzul", born, "GT", "GT-TO", sex="M"),
    ...     ApplicantRecord(11, "Pancho Aju", date(1988, 2, 11), "GT", "GT-TO", sex="M"),
    ...     ApplicantRecord(12, "Francisca Ajú Tzul", born, "GT", "GT-TO", sex="F"),
    ... ])
    >>> [(c.a, c.b) for c in found], found[0].evidence
    ([(10, 11)], ('birth_day_month_swapped', 'same_subdivision', 'nickname:Pancho=Francisco', \
'missing_name_part:Tzul'))
    """
    index = DuplicateIndex.build(records)
    people = index._records
    found = []
    for i, j in zip(*_register_pairs(index, threshold), strict=True):
        candidate = _compare(people[i], people[j], index, None, threshold)
        if candidate is not None:
            found.append(candidate)
    return _ranked(found)


def find_duplicates_of(
    new: ApplicantRecord, index: DuplicateIndex, *, threshold: float = DEFAULT_THRESHOLD
) -> list[DuplicateCandidate]:
    """The registered records that may be the same person as ``new``, best first.

    Gives the pairs :func:`find_duplicates` would give for ``new`` were it in the register.
    ``new`` is not added: call ``index.add(new)`` once it is registered. A record already
    indexed under ``new.key`` is skipped, so a registered person can be checked again.

    Parameters
    ----------
    new : ApplicantRecord
    index : DuplicateIndex
        The register, from :meth:`DuplicateIndex.build`.
    threshold : float

    Returns
    -------
    list of DuplicateCandidate

    Examples
    --------
    >>> born = date(1995, 6, 1)
    >>> index = DuplicateIndex.build([
    ...     ApplicantRecord(1, "María Guadalupe Mejía", born, "SV", "SV-SA", "04567890-1"),
    ...     ApplicantRecord(2, "María López", born, "SV", "SV-SA"),
    ... ])
    >>> new = ApplicantRecord(3, "Ma. Lupe Megia", None, "SV", document="045678901")
    >>> [(c.a, c.b, c.evidence) for c in find_duplicates_of(new, index)]
    [(1, 3, ('same_document', 'abbreviation:Ma=María', 'nickname:Lupe=Guadalupe', \
'spelling:Mejía=Megia'))]
    """
    p = _Prepared(new)
    people = index._records
    found = []
    for j in index._candidates(p, p):
        if people[j].key != new.key:
            candidate = _compare(p, people[j], index, p, threshold)
            if candidate is not None:
                found.append(candidate)
    return _ranked(found)


# ---------------------------------------------------------------------------------------------
# Words for the officer

#: Each signal kind in Spanish, English and French; ``{0}`` and ``{1}`` are the name parts
#: of signals such as ``"nickname:Chepe=José"`` or ``"names_differ:Luis/Antonio"``.
SIGNAL_TEXT: Mapping[str, Mapping[str, str]] = {
    "same_document": {
        "es": "mismo número de documento de identidad",
        "en": "same identity document number",
        "fr": "même numéro de pièce d'identité",
    },
    "similar_document": {
        "es": "números de documento que difieren en un carácter",
        "en": "identity document numbers one character apart",
        "fr": "numéros de pièce d'identité à un caractère près",
    },
    "different_document": {
        "es": "números de documento distintos",
        "en": "different identity document numbers",
        "fr": "numéros de pièce d'identité différents",
    },
    "same_birth_date": {
        "es": "misma fecha de nacimiento",
        "en": "same date of birth",
        "fr": "même date de naissance",
    },
    "birth_day_month_swapped": {
        "es": "fecha de nacimiento con el día y el mes intercambiados",
        "en": "date of birth with day and month swapped",
        "fr": "date de naissance avec le jour et le mois inversés",
    },
    "different_birth_date": {
        "es": "fechas de nacimiento distintas",
        "en": "different dates of birth",
        "fr": "dates de naissance différentes",
    },
    "same_subdivision": {
        "es": "mismo departamento",
        "en": "same department",
        "fr": "même département",
    },
    "different_subdivision": {
        "es": "departamentos distintos",
        "en": "different departments",
        "fr": "départements différents",
    },
    "same_name": {"es": "mismo nombre", "en": "same name", "fr": "même nom"},
    "name_tokens_match": {
        "es": "nombres y apellidos iguales en otro orden",
        "en": "same given names and surnames in another order",
        "fr": "mêmes prénoms et noms dans un autre ordre",
    },
    "surnames_swapped": {
        "es": "apellidos en orden inverso",
        "en": "surnames in reverse order",
        "fr": "noms de famille inversés",
    },
    "name_order_differs": {
        "es": "partes del nombre en otro orden",
        "en": "name parts in another order",
        "fr": "parties du nom dans un autre ordre",
    },
    "initial": {
        "es": "«{0}» es la inicial de «{1}»",
        "en": "“{0}” is the initial of “{1}”",
        "fr": "« {0} » est l'initiale de « {1} »",
    },
    "nickname": {
        "es": "«{0}» es forma familiar de «{1}»",
        "en": "“{0}” is a familiar form of “{1}”",
        "fr": "« {0} » est une forme familière de « {1} »",
    },
    "abbreviation": {
        "es": "«{0}» abrevia «{1}»",
        "en": "“{0}” abbreviates “{1}”",
        "fr": "« {0} » abrège « {1} »",
    },
    "spelling": {
        "es": "«{0}» y «{1}» se pronuncian igual",
        "en": "“{0}” and “{1}” sound the same",
        "fr": "« {0} » et « {1} » se prononcent de la même façon",
    },
    "typo": {
        "es": "«{0}» y «{1}» difieren en una o dos letras",
        "en": "“{0}” and “{1}” differ by one or two letters",
        "fr": "« {0} » et « {1} » diffèrent d'une ou deux lettres",
    },
    "names_differ": {
        "es": "«{0}» y «{1}» son nombres distintos",
        "en": "“{0}” and “{1}” are different names",
        "fr": "« {0} » et « {1} » sont des noms différents",
    },
    "missing_name_part": {
        "es": "solo un registro incluye «{0}»",
        "en": "only one record includes “{0}”",
        "fr": "un seul dossier comprend « {0} »",
    },
    "same_phone": {
        "es": "mismo teléfono",
        "en": "same phone number",
        "fr": "même numéro de téléphone",
    },
    "different_sex": {"es": "sexo distinto", "en": "different sex", "fr": "sexe différent"},
    "different_nationality": {
        "es": "nacionalidades distintas",
        "en": "different nationalities",
        "fr": "nationalités différentes",
    },
}


def describe_signal(signal: str, lang: str = "es") -> str:
    """One evidence signal as a phrase for an officer.

    Parameters
    ----------
    signal : str
        A signal of :attr:`DuplicateCandidate.evidence`: a kind of :data:`SIGNAL_TEXT`,
        optionally followed by ``":"`` and its name parts (``"initial:L.=Luis"``).
    lang : str
        ``"es"``, ``"en"`` or ``"fr"``.

    Examples
    --------
    >>> describe_signal("nickname:Chepe=José")
    '«Chepe» es forma familiar de «José»'
    >>> describe_signal("names_differ:Luis/Antonio", "en")
    '“Luis” and “Antonio” are different names'
    """
    if lang not in _LANGS:
        raise ValueError(f"lang must be one of {', '.join(_LANGS)}, not {lang!r}")
    kind, _, detail = signal.partition(":")
    return SIGNAL_TEXT[kind][lang].format(*re.split(r"[=/]", detail))
