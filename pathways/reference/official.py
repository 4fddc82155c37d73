"""Readers for the official occupation classification files (O*NET, ESCO, ISCO-08, SOC 2018,
NOC 2021, SINCO 2019 and their crosswalks).

Files are recognised by their columns, never by their names: a directory can hold the
releases as published (``Alternate Titles.txt``), renamed copies, or unrelated files (which
are listed in :attr:`OfficialFiles.unknown`). Text is read as UTF-8 (with or without BOM),
falling back to cp1252; the delimiter (comma or tab) is taken from the header line.

Plain Python only: no Flask, no database. :func:`official_aliases`,
:func:`official_crosswalk` and :func:`official_records` turn the parsed files into the
inputs of :class:`matching.occupations.OccupationResolver`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from matching.occupations import Alias, OccupationRecord, normalise_title

__all__ = [
    "CrosswalkRow",
    "EscoOccupation",
    "IscoGroup",
    "OfficialFiles",
    "OnetOccupation",
    "OnetTitle",
    "SincoGroup",
    "SocGroup",
    "NocUnit",
    "detect_kind",
    "official_aliases",
    "official_crosswalk",
    "official_records",
    "read_table",
    "scan_official_files",
]

#: Never delimited text: skipped without a look.
BINARY_SUFFIXES = frozenset(
    {".xlsx", ".xls", ".zip", ".gz", ".bz2", ".xz", ".parquet", ".pdf", ".dta", ".pyc"}
)

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class OnetOccupation:
    code: str  # O*NET-SOC, e.g. "45-2092.02"
    title: str
    description: str = ""


@dataclass(frozen=True)
class OnetTitle:
    code: str  # O*NET-SOC
    title: str
    kind: str  # "alternate" | "short" | "reported"
    source: str = ""


@dataclass(frozen=True)
class EscoOccupation:
    uri: str
    isco08: str
    preferred: dict[str, str]  # lang → preferred label
    alternative: dict[str, tuple[str, ...]]  # lang → alternative labels


@dataclass
class IscoGroup:
    code: str
    level: int
    titles: dict[str, str] = field(default_factory=dict)
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class SocGroup:
    code: str
    level: str  # major | minor | broad | detailed (O*NET-only codes are "detailed" too)
    title: str


@dataclass(frozen=True)
class NocUnit:
    code: str  # 5 digits
    title: str
    teer: str = ""


@dataclass(frozen=True)
class SincoGroup:
    code: str
    level: str  # division | grupo_principal | subgrupo | grupo_unitario
    title_es: str
    sinco2011: str = ""


@dataclass(frozen=True)
class CrosswalkRow:
    """One correspondence: ``source_system:source_code`` → ``target_system:target_code``.

    Systems: ``soc2010``, ``soc2018``, ``onetsoc2010``, ``onetsoc2019``, ``isco08``,
    ``noc2016``, ``noc2021``. ``weight`` is given by weighted crosswalks (bcgov), ``partial``
    by StatCan's flag.
    """

    source_system: str
    source_code: str
    target_system: str
    target_code: str
    source_title: str = ""
    target_title: str = ""
    weight: float | None = None
    partial: bool = False


@dataclass
class OfficialFiles:
    """Everything :func:`scan_official_files` found, as plain records."""

    onet_occupations: list[OnetOccupation] = field(default_factory=list)
    onet_titles: list[OnetTitle] = field(default_factory=list)
    esco_occupations: list[EscoOccupation] = field(default_factory=list)
    isco08: dict[str, IscoGroup] = field(default_factory=dict)
    soc2018: list[SocGroup] = field(default_factory=list)
    noc2021: list[NocUnit] = field(default_factory=list)
    sinco2019: list[SincoGroup] = field(default_factory=list)
    crosswalks: list[CrosswalkRow] = field(default_factory=list)
    files: dict[Path, str] = field(default_factory=dict)  # recognised file → kind
    unknown: list[Path] = field(default_factory=list)

    def crosswalk(self, source: str, target: str) -> list[CrosswalkRow]:
        return [
            r for r in self.crosswalks if r.source_system == source and r.target_system == target
        ]


# --------------------------------------------------------------------------- reading


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def read_table(path: Path, *, header_only: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header (normalised: lower case, single spaces, no BOM) and rows of a CSV/TSV file."""
    if header_only:
        with open(path, "rb") as fh:
            raw = fh.read(65536)
        if b"\x00" in raw:
            raise ValueError(f"{path} is not a text file")
        cut = raw.find(b"\n")
        text = _decode(raw[: cut if cut >= 0 else len(raw)])
    else:
        text = _decode(Path(path).read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = _delimiter(first)
    # O*NET's tab files are unquoted and contain stray quote characters.
    if delimiter == "\t":
        reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(io.StringIO(text), delimiter=",")
    header = [_header_key(h) for h in next(reader, [])]
    if header_only:
        return header, []
    return header, [row for row in reader if any(cell.strip() for cell in row)]


# Each kind: every pattern must match a distinct column (regex, full match on the
# normalised header). Order matters: more specific kinds first.
_KINDS: dict[str, dict[str, str]] = {
    "onet_occupation_data": {
        "code": r"o\*net-soc code",
        "title": r"title",
        "description": r"description",
    },
    "onet_alternate_titles": {
        "code": r"o\*net-soc code",
        "title": r"alternate title",
        "short": r"short title",
        "source": r"source\(s\)|sources?",
    },
    "onet_reported_titles": {"code": r"o\*net-soc code", "title": r"reported job title"},
    "esco_occupations": {"uri": r"concepturi", "isco": r"iscogroup", "pref": r"preferredlabel.*"},
    "isco08_labels": {"code": r"code", "level": r"level", "en": r"label_en"},
    "isco08_groups": {"code": r"code", "level": r"level", "pref": r"preferredlabel"},
    "soc2018_structure": {
        "level": r"level",
        "code": r"code",
        "title": r"title",
        "detailed": r"detailed_occupation",
    },
    "noc2021_unit_groups": {"code": r"noc2021_code", "title": r"noc2021_title"},
    "sinco2019": {"code": r"sinco2019_code", "level": r"level", "title": r"title_es"},
    "xw_soc2010_isco08": {"src": r"soc2010_code", "dst": r"isco08_code"},
    "xw_onetsoc2019_soc2018": {"src": r"onetsoc2019_code", "dst": r"soc2018_code"},
    "xw_onetsoc2010_soc2018": {"src": r"onetsoc2010_code", "dst": r"soc2018_code"},
    "xw_noc2016_soc2018": {"src": r"noc 2016.*code", "dst": r"soc 2018.*code"},
    "xw_noc2016_noc2021": {"src": r"noc 2016.*code", "dst": r"noc 2021.*code"},
    "xw_onetsoc2019_noc2021": {"src": r"onet_soc_code", "dst": r"noc_2021"},
}


def _columns(header: list[str], spec: dict[str, str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for name, pattern in spec.items():
        for i, col in enumerate(header):
            if i not in found.values() and re.fullmatch(pattern, col):
                found[name] = i
                break
        else:
            return None
    return found


def detect_kind(header: list[str]) -> str | None:
    """The kind of official file a (normalised) header belongs to, or ``None``.

    >>> detect_kind(["o*net-soc code", "alternate title", "short title", "source(s)"])
    'onet_alternate_titles'
    >>> detect_kind(["case_number", "job_title"]) is None
    True
    """
    for kind, spec in _KINDS.items():
        if _columns(header, spec) is not None:
            return kind
    return None


def _col(header: list[str], pattern: str) -> int | None:
    for i, col in enumerate(header):
        if re.fullmatch(pattern, col):
            return i
    return None


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def _split_labels(text: str) -> tuple[str, ...]:
    sep = "|" if "|" in text else "\n"
    return tuple(p.strip() for p in text.split(sep) if p.strip())


# --------------------------------------------------------------------------- parsers

_Parser = Callable[[OfficialFiles, list[str], list[list[str]]], None]


def _p_onet_occupations(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["onet_occupation_data"]) or {}
    for r in rows:
        out.onet_occupations.append(
            OnetOccupation(_cell(r, c["code"]), _cell(r, c["title"]), _cell(r, c["description"]))
        )


def _p_onet_alternate(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["onet_alternate_titles"]) or {}
    for r in rows:
        code, source = _cell(r, c["code"]), _cell(r, c["source"])
        out.onet_titles.append(OnetTitle(code, _cell(r, c["title"]), "alternate", source))
        short = _cell(r, c["short"])
        if short and short.lower() != "n/a":
            out.onet_titles.append(OnetTitle(code, short, "short", source))


def _p_onet_reported(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["onet_reported_titles"]) or {}
    for r in rows:
        out.onet_titles.append(OnetTitle(_cell(r, c["code"]), _cell(r, c["title"]), "reported"))


def _p_esco(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["esco_occupations"]) or {}
    langs: dict[str, tuple[int | None, int | None]] = {}
    for i, col in enumerate(header):
        m = re.fullmatch(r"preferredlabel(?:_([a-z]{2,3}))?", col)
        if m:
            lang = m.group(1) or "en"
            suffix = f"_{m.group(1)}" if m.group(1) else ""
            langs[lang] = (i, _col(header, rf"altlabels{re.escape(suffix)}"))
    for r in rows:
        isco = _cell(r, c["isco"])
        if not isco.isdigit():
            continue
        pref = {lang: _cell(r, p) for lang, (p, _) in langs.items() if _cell(r, p)}
        alt = {lang: _split_labels(_cell(r, a)) for lang, (_, a) in langs.items()}
        out.esco_occupations.append(EscoOccupation(_cell(r, c["uri"]), isco.zfill(4), pref, alt))


def _isco_group(out: OfficialFiles, code: str, level: str) -> IscoGroup | None:
    if not code.isdigit() or not level.strip().isdigit():
        return None
    lvl = int(level)
    code = code.zfill(lvl)
    return out.isco08.setdefault(code, IscoGroup(code, lvl))


def _p_isco_labels(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["isco08_labels"]) or {}
    langs = {m.group(1): i for i, h in enumerate(header) if (m := re.fullmatch(r"label_(\w+)", h))}
    for r in rows:
        group = _isco_group(out, _cell(r, c["code"]), _cell(r, c["level"]))
        if group is not None:
            for lang, i in langs.items():
                if _cell(r, i):
                    group.titles[lang] = _cell(r, i)


def _p_isco_groups(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["isco08_groups"]) or {}
    alt = _col(header, r"altlabels")
    for r in rows:
        group = _isco_group(out, _cell(r, c["code"]), _cell(r, c["level"]))
        if group is not None:
            group.titles.setdefault("en", _cell(r, c["pref"]))
            group.alt_labels = _split_labels(_cell(r, alt))


def _p_soc(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["soc2018_structure"]) or {}
    for r in rows:
        out.soc2018.append(
            SocGroup(_cell(r, c["code"]), _cell(r, c["level"]), _cell(r, c["title"]))
        )


def _p_noc(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["noc2021_unit_groups"]) or {}
    teer = _col(header, r"teer")
    for r in rows:
        code = _cell(r, c["code"])
        if code.isdigit():
            out.noc2021.append(NocUnit(code.zfill(5), _cell(r, c["title"]), _cell(r, teer)))


def _p_sinco(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
    c = _columns(header, _KINDS["sinco2019"]) or {}
    old = _col(header, r"sinco2011_code")
    for r in rows:
        out.sinco2019.append(
            SincoGroup(
                _cell(r, c["code"]), _cell(r, c["level"]), _cell(r, c["title"]), _cell(r, old)
            )
        )


_XW_SYSTEMS = {
    "xw_soc2010_isco08": ("soc2010", "isco08"),
    "xw_onetsoc2019_soc2018": ("onetsoc2019", "soc2018"),
    "xw_onetsoc2010_soc2018": ("onetsoc2010", "soc2018"),
    "xw_noc2016_soc2018": ("noc2016", "soc2018"),
    "xw_noc2016_noc2021": ("noc2016", "noc2021"),
    "xw_onetsoc2019_noc2021": ("onetsoc2019", "noc2021"),
}
_TITLE_COLUMN = {
    "soc2010": r"soc ?2010.*title",
    "soc2018": r"soc ?2018.*title",
    "isco08": r"isco ?08.*title",
    "onetsoc2010": r"onetsoc ?2010.*title",
    "onetsoc2019": r"onet.*title",
    "noc2016": r"noc ?2016.*title",
    "noc2021": r"noc[_ ]?2021.*title|noc_plus_title",
}
_CODE_WIDTH = {"isco08": 4, "noc2016": 4, "noc2021": 5}


def _code(system: str, code: str) -> str:
    code = code.strip()
    if ":" in code:  # "00018: Senior managers" style cells
        code = code.split(":", 1)[0].strip()
    width = _CODE_WIDTH.get(system)
    return code.zfill(width) if width and code.isdigit() else code


def _xw_parser(kind: str) -> _Parser:
    source, target = _XW_SYSTEMS[kind]

    def parse(out: OfficialFiles, header: list[str], rows: list[list[str]]) -> None:
        c = _columns(header, _KINDS[kind]) or {}
        s_title = _col(header, _TITLE_COLUMN[source])
        t_title = _col(header, _TITLE_COLUMN[target])
        weight = _col(header, r"path_weight")
        partial = _col(header, r"partial")
        for r in rows:
            src, dst = _code(source, _cell(r, c["src"])), _code(target, _cell(r, c["dst"]))
            if not src or not dst:
                continue
            w = _cell(r, weight)
            out.crosswalks.append(
                CrosswalkRow(
                    source,
                    src,
                    target,
                    dst,
                    _cell(r, s_title),
                    _cell(r, t_title),
                    float(w) if w else None,
                    bool(_cell(r, partial)),
                )
            )

    return parse


_PARSERS: dict[str, _Parser] = {
    "onet_occupation_data": _p_onet_occupations,
    "onet_alternate_titles": _p_onet_alternate,
    "onet_reported_titles": _p_onet_reported,
    "esco_occupations": _p_esco,
    "isco08_labels": _p_isco_labels,
    "isco08_groups": _p_isco_groups,
    "soc2018_structure": _p_soc,
    "noc2021_unit_groups": _p_noc,
    "sinco2019": _p_sinco,
    **{kind: _xw_parser(kind) for kind in _XW_SYSTEMS},
}


def scan_official_files(directory: Path | str) -> OfficialFiles:
    """Walk ``directory`` and parse every official file recognised by its columns.

    Any file name or extension will do (a renamed copy is still recognised); binary files
    (spreadsheets, archives, anything with NUL bytes in its header) are skipped, and text
    files of unknown shape are listed in ``unknown``. Hidden files are ignored. Files are
    read in a fixed order, so the result is deterministic.
    """
    out = OfficialFiles()
    root = Path(directory)
    paths = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in BINARY_SUFFIXES
    )
    # ISCO labels before ESCO's ISCO groups, so that explicit per-language labels win.
    found: list[tuple[str, Path]] = []
    for path in paths:
        try:
            header, _ = read_table(path, header_only=True)
        except (OSError, ValueError, csv.Error):
            out.unknown.append(path)
            continue
        kind = detect_kind(header)
        if kind is None:
            out.unknown.append(path)
        else:
            found.append((kind, path))
    order = list(_PARSERS)
    for kind, path in sorted(found, key=lambda kp: (order.index(kp[0]), str(kp[1]))):
        header, rows = read_table(path)
        _PARSERS[kind](out, header, rows)
        out.files[path] = kind
    return out


# --------------------------------------------------------------------------- derived


def _soc2018_to_isco(files: OfficialFiles) -> dict[str, list[str]]:
    """SOC 2018 detailed code → ISCO-08 unit groups (via SOC 2010), crosswalk order."""
    soc10_isco: dict[str, list[str]] = defaultdict(list)
    for r in files.crosswalk("soc2010", "isco08"):
        if r.target_code not in soc10_isco[r.source_code]:
            soc10_isco[r.source_code].append(r.target_code)
    soc18_soc10: dict[str, list[str]] = defaultdict(list)
    for r in files.crosswalk("onetsoc2010", "soc2018"):
        soc10 = r.source_code[:7]
        if soc10 not in soc18_soc10[r.target_code]:
            soc18_soc10[r.target_code].append(soc10)
    out: dict[str, list[str]] = {}
    for soc18 in set(soc18_soc10) | set(soc10_isco):
        iscos: list[str] = []
        for soc10 in soc18_soc10.get(soc18, [soc18]):
            iscos += [i for i in soc10_isco.get(soc10, []) if i not in iscos]
        if iscos:
            out[soc18] = iscos
    return out


def _onet_to_soc2018(files: OfficialFiles) -> Callable[[str], str]:
    table = {r.source_code: r.target_code for r in files.crosswalk("onetsoc2019", "soc2018")}

    def to_soc(onet: str) -> str:
        return table.get(onet, onet.split(".")[0])

    return to_soc


def _primary_isco(files: OfficialFiles, soc_to_isco: dict[str, list[str]]) -> dict[str, str]:
    """The most fitting ISCO unit group of each SOC 2018 code.

    Votes: O*NET titles of the SOC that are also ESCO English labels of a candidate unit
    group; then similarity of the SOC and ISCO titles. Subsistence groups (63xx) come last:
    they never describe wage employment.
    """
    to_soc = _onet_to_soc2018(files)
    esco_labels: dict[str, set[str]] = defaultdict(set)
    for occ in files.esco_occupations:
        for label in (occ.preferred.get("en", ""), *occ.alternative.get("en", ())):
            for part in label.split("/"):
                if part.strip():
                    esco_labels[normalise_title(part)].add(occ.isco08)
    votes: Counter[tuple[str, str]] = Counter()
    for t in files.onet_titles:
        soc = to_soc(t.code)
        for isco in esco_labels.get(normalise_title(t.title), ()):
            votes[soc, isco] += 1
    soc_title = {g.code: g.title for g in files.soc2018}
    soc_title.update({o.code.split(".")[0]: o.title for o in files.onet_occupations})
    primary = {}
    for soc, iscos in soc_to_isco.items():

        def fit(isco: str, soc: str = soc) -> tuple[bool, int, float]:
            group = files.isco08.get(isco)
            title = group.titles.get("en", "") if group else ""
            sim = fuzz.token_set_ratio(
                normalise_title(soc_title.get(soc, "")), normalise_title(title)
            )
            return (not isco.startswith("63"), votes[soc, isco], sim)

        primary[soc] = max(iscos, key=fit)
    return primary


#: Extra weight per O*NET title kind: the occupation's own title, and titles from O*NET's
#: "Sample of Reported Titles" (what incumbents and employers actually write).
ONET_KIND_BONUS = {"onet-occupation": 1.0, "onet-reported": 1.0}
#: Extra weight per further distinct O*NET source listing a title (alternate titles carry
#: a "Source(s)" column: job postings, occupational experts, SOC, military, ...).
ONET_SOURCE_BONUS = 0.25


def official_aliases(
    files: OfficialFiles,
    *,
    secondary_weight: float = 0.85,
    weights: dict[str, float] | None = None,
    evidence: bool = True,
) -> list[Alias]:
    """Aliases keyed by ISCO-08 from O*NET titles (via SOC 2018) and ESCO labels.

    An O*NET title becomes one alias per ISCO-08 unit group its SOC 2018 code maps to,
    keeping the SOC on the alias; the SOC's primary unit group (see ``_primary_isco``)
    gets the full weight and the others ``secondary_weight`` times it. With ``evidence``
    (default), the weight of an O*NET title grows with the evidence for it: 1, plus
    ``ONET_KIND_BONUS`` when it is the occupation title or a reported title, plus
    ``ONET_SOURCE_BONUS`` per further distinct source (kind or ``Source(s)`` code) listing
    the same title for the same SOC; otherwise every O*NET title weighs 1. The source of
    such an alias is its first kind (occupation, alternate, reported, short). ESCO
    preferred labels (split on "/" into masculine/feminine forms) and alternative labels
    become aliases in their language; ISCO-08 alternative labels become English aliases.
    ``weights`` multiplies the weight by source (``onet-occupation``, ``onet-alternate``,
    ``onet-short``, ``onet-reported``, ``esco-preferred``, ``esco-alternative``,
    ``isco08-alternative``).
    """
    weights = weights or {}
    soc_to_isco = _soc2018_to_isco(files)
    primary = _primary_isco(files, soc_to_isco)
    to_soc = _onet_to_soc2018(files)
    out: list[Alias] = []
    seen: set[tuple[str, str, str | None]] = set()

    def add(text: str, isco: str, lang: str, w: float, source: str, soc: str | None) -> None:
        key = (text.casefold(), isco, soc)
        if text and key not in seen:
            seen.add(key)
            out.append(Alias(text, isco, lang, w * weights.get(source, 1.0), source, soc))

    # O*NET titles: gather the evidence for each (SOC, title) first.
    kind_rank = ["onet-occupation", "onet-alternate", "onet-reported", "onet-short"]
    titles: dict[tuple[str, str], tuple[str, set[str], set[str]]] = {}
    onet = [(o.code, o.title, "onet-occupation", "") for o in files.onet_occupations]
    onet += [(t.code, t.title, f"onet-{t.kind}", t.source) for t in files.onet_titles]
    for code, title, source, codes in onet:
        title = title.strip()
        if not title:
            continue
        key = (to_soc(code), title.casefold())
        text, kinds, srcs = titles.setdefault(key, (title, set(), set()))
        kinds.add(source)
        srcs.add(source)
        srcs.update(f"onet-source-{c.strip()}" for c in codes.split(",") if c.strip())
    for (soc, _), (text, kinds, srcs) in titles.items():
        source = min(kinds, key=kind_rank.index)
        base = 1.0
        if evidence:
            base += max(ONET_KIND_BONUS.get(k, 0.0) for k in kinds)
            base += ONET_SOURCE_BONUS * max(0, len(srcs - {"onet-alternate"}) - 1)
        for isco in soc_to_isco.get(soc, []):
            w = base if primary.get(soc) == isco else base * secondary_weight
            add(text, isco, "en", w, source, soc)
    for occ in files.esco_occupations:
        for lang, label in occ.preferred.items():
            for part in label.split("/"):
                add(part.strip(), occ.isco08, lang, 1.0, "esco-preferred", None)
        for lang, labels in occ.alternative.items():
            for label in labels:
                add(label, occ.isco08, lang, 1.0, "esco-alternative", None)
    for group in files.isco08.values():
        if group.level == 4:
            for label in group.alt_labels:
                add(label, group.code, "en", 1.0, "isco08-alternative", None)
    return out


def official_crosswalk(files: OfficialFiles) -> dict[str, dict[str, tuple[str, ...]]]:
    """SOC 2018 / NOC 2021 / SINCO 2019 codes per ISCO-08 unit group.

    SOC 2018 via SOC 2010 ↔ ISCO-08 (codes whose primary unit group this is come first);
    NOC 2021 via SOC 2018 → NOC 2016 → NOC 2021 and the bcgov O*NET → NOC 2021 mapping,
    most supported first. The shared files hold no SINCO ↔ ISCO correspondence, so
    ``sinco2019`` stays empty unless the project's own crosswalk supplies it.
    """
    soc_to_isco = _soc2018_to_isco(files)
    primary = _primary_isco(files, soc_to_isco)
    to_soc = _onet_to_soc2018(files)
    soc_rank: dict[str, Counter[str]] = defaultdict(Counter)
    for soc, iscos in soc_to_isco.items():
        for isco in iscos:
            soc_rank[isco][soc] += 2 if primary.get(soc) == isco else 1
    noc16_21: dict[str, list[str]] = defaultdict(list)
    for r in files.crosswalk("noc2016", "noc2021"):
        noc16_21[r.source_code].append(r.target_code)
    soc_noc: dict[str, Counter[str]] = defaultdict(Counter)
    for r in files.crosswalk("noc2016", "soc2018"):
        for noc21 in noc16_21.get(r.source_code, []):
            soc_noc[r.target_code][noc21] += 1
    for r in files.crosswalk("onetsoc2019", "noc2021"):
        soc_noc[to_soc(r.source_code)][r.target_code] += 1
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for isco, socs in soc_rank.items():
        nocs: Counter[str] = Counter()
        for soc, n in socs.items():
            for noc, m in soc_noc.get(soc, Counter()).items():
                nocs[noc] += n * m
        out[isco] = {
            "soc2018": tuple(sorted(socs, key=lambda s: (-socs[s], s))),
            "noc2021": tuple(sorted(nocs, key=lambda s: (-nocs[s], s))),
            "sinco2019": (),
        }
    return out


def official_records(files: OfficialFiles) -> list[OccupationRecord]:
    """One :class:`OccupationRecord` per ISCO-08 unit group, with crosswalk codes."""
    xw = official_crosswalk(files)
    out = []
    for code, group in sorted(files.isco08.items()):
        if group.level != 4:
            continue
        codes = xw.get(code, {})
        out.append(
            OccupationRecord(
                code,
                dict(group.titles),
                codes.get("soc2018", ()),
                codes.get("noc2021", ()),
                codes.get("sinco2019", ()),
            )
        )
    return out


def iter_kinds(files: OfficialFiles) -> Iterable[str]:
    """Kinds recognised, sorted (handy for reports)."""
    return sorted(set(files.files.values()))
