"""Load the project's own occupation reference (``data/occupations/``) for the resolver.

Files (UTF-8, with or without BOM):

``isco08.csv``     ``isco08,level,title_en,title_es,title_fr,family,source``
``crosswalk.csv``  ``isco08,system,code,title,relation,source,note`` (system: SOC2018,
                   NOC2021, SINCO2019; relation: exact, narrower, partial, broader)
``titles.csv``     ``isco08,lang,title,kind,source`` (kind: official, common)

Plain Python: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from matching.occupations import Alias, OccupationRecord, OccupationResolver

__all__ = [
    "COMMON_TITLE_WEIGHT",
    "build_resolver",
    "load_project_occupations",
    "occupations_dir",
    "reweighted",
    "without_sources",
]

#: Curated common titles outrank bulk official titles (see ``Alias.weight``).
COMMON_TITLE_WEIGHT = 1.2
_RELATION_RANK = {"exact": 0, "narrower": 1, "partial": 2, "broader": 3}
_SYSTEMS = {"soc2018": "soc2018", "noc2021": "noc2021", "sinco2019": "sinco2019"}


def occupations_dir(data_dir: Path | str) -> Path:
    """``data_dir/occupations`` when it holds the files, else ``data_dir`` itself."""
    data_dir = Path(data_dir)
    sub = data_dir / "occupations"
    return sub if (sub / "isco08.csv").is_file() else data_dir


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def load_project_occupations(
    data_dir: Path | str,
) -> tuple[list[OccupationRecord], list[Alias]]:
    """Records (ISCO-08 unit groups with codes) and aliases from ``data/occupations``.

    Only 4-digit unit groups become records. Crosswalk codes are ordered exact, narrower,
    partial, broader (file order within a relation). Titles of kind ``common`` get weight
    :data:`COMMON_TITLE_WEIGHT`, ``official`` ones 1.0; an alias's ``source`` is
    ``"project:<kind>:<source>"`` so callers can hold out a source (e.g. ESCO labels).
    """
    folder = occupations_dir(data_dir)
    if not (folder / "isco08.csv").is_file():
        raise FileNotFoundError(f"no isco08.csv in {folder}")
    codes: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(folder / "crosswalk.csv"):
        system = _SYSTEMS.get(row.get("system", "").lower().replace(" ", ""))
        isco, code = row.get("isco08", ""), row.get("code", "")
        if system and isco and code:
            rank = _RELATION_RANK.get(row.get("relation", "").lower(), 4)
            if all(code != c for _, c in codes[isco][system]):
                codes[isco][system].append((rank, code))
    records = []
    for row in _rows(folder / "isco08.csv"):
        isco = row.get("isco08", "")
        if len(isco) != 4 or not isco.isdigit():
            continue
        titles = {
            lang: row[f"title_{lang}"] for lang in ("en", "es", "fr") if row.get(f"title_{lang}")
        }
        by_system = codes.get(isco, {})
        ordered = {
            s: tuple(c for _, c in sorted(by_system.get(s, []), key=lambda x: x[0]))
            for s in _SYSTEMS.values()
        }
        records.append(OccupationRecord(isco, titles, **ordered))
    aliases = []
    for row in _rows(folder / "titles.csv"):
        isco, title = row.get("isco08", ""), row.get("title", "")
        if not isco or not title:
            continue
        kind = row.get("kind", "").lower() or "common"
        weight = COMMON_TITLE_WEIGHT if kind == "common" else 1.0
        source = f"project:{kind}:{row.get('source', '')}"
        aliases.append(Alias(title, isco, row.get("lang") or None, weight, source))
    return records, aliases


def merge_records(project: OccupationRecord, official: OccupationRecord) -> OccupationRecord:
    def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return a + tuple(c for c in b if c not in a)

    return OccupationRecord(
        project.isco08,
        {**official.titles, **project.titles},
        union(project.soc2018, official.soc2018),
        union(project.noc2021, official.noc2021),
        union(project.sinco2019, official.sinco2019),
    )


def with_official_records(
    records: list[OccupationRecord], official: list[OccupationRecord]
) -> list[OccupationRecord]:
    """Project records enriched with official codes and titles, plus official-only groups."""
    merged = {r.isco08: r for r in official}
    for rec in records:
        merged[rec.isco08] = merge_records(rec, merged[rec.isco08]) if rec.isco08 in merged else rec
    return list(merged.values())


def build_resolver(
    data_dir: Path | str,
    official_dir: Path | str | None = None,
    **resolver_options: Any,
) -> OccupationResolver:
    """An :class:`OccupationResolver` over the project's data, plus official files if given.

    With ``official_dir`` (a tree of official files, see
    :func:`pathways.reference.official.scan_official_files`) the O*NET and ESCO aliases are
    added and records gain the official crosswalk codes (project codes first; project
    titles win). ``resolver_options`` go to the resolver (``shortlist``, ``cache_size``).
    """
    records, aliases = load_project_occupations(data_dir)
    if official_dir is not None:
        from pathways.reference.official import (
            official_aliases,
            official_records,
            scan_official_files,
        )

        files = scan_official_files(official_dir)
        records = with_official_records(records, official_records(files))
        aliases = aliases + official_aliases(files)
    return OccupationResolver(records, aliases, **resolver_options)


def without_sources(aliases: list[Alias], *prefixes: str) -> list[Alias]:
    """Aliases whose ``source`` starts with none of ``prefixes`` (for held-out checks)."""
    return [a for a in aliases if not a.source.startswith(prefixes)]


def reweighted(aliases: list[Alias], factor: float, *prefixes: str) -> list[Alias]:
    """Aliases with ``weight *= factor`` where ``source`` starts with one of ``prefixes``."""
    return [
        replace(a, weight=a.weight * factor) if a.source.startswith(prefixes) else a
        for a in aliases
    ]
