"""Occupations: persist the ISCO-08 hub and its titles, and serve a cached resolver that also
knows the titles learned from certified vacancies (`learned_titles`, re-exported here).

The resolver is built from the database (not from files), so every web host and worker
resolves with the same data; each process rebuilds it when the reference version changes.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import and_, delete, insert
from sqlmodel import Session, col, select

from matching.certified_titles import CERTIFIED_SOURCE
from matching.occupations import Alias, OccupationRecord, OccupationResolver
from pathways.models import Occupation, OccupationAlias, OccupationCode, ReferenceVersion
from pathways.reference.occupations import load_project_occupations, with_official_records
from pathways.services.cache import VersionedCache
from pathways.services.learned_titles import (
    LearnReport,
    certified_titles,
    learn_from_certified_vacancies,
)
from pathways.services.reference_versions import LoadReport, bump_version, digest_of

__all__ = [
    "LearnReport",
    "build_resolver_from_db",
    "certified_titles",
    "get_resolver",
    "learn_from_certified_vacancies",
    "load_occupations",
]

OFFICIAL_PREFIX = "official:"
SYSTEMS = (("SOC2018", "soc2018"), ("NOC2021", "noc2021"), ("SINCO2019", "sinco2019"))


def load_occupations(
    session: Session, data_dir: Path, official_dir: Path | None, report: LoadReport
) -> None:
    """Replace the project's occupations (and the official ones when `official_dir` is given)."""
    records, aliases = load_project_occupations(data_dir)
    official_aliases: list[Alias] | None = None
    if official_dir is not None:
        from pathways.reference.official import (
            iter_kinds,
            official_records,
            scan_official_files,
        )
        from pathways.reference.official import (
            official_aliases as make_official_aliases,
        )

        files = scan_official_files(official_dir)
        report.official_files = sorted(set(iter_kinds(files)))
        report.unknown_files = [str(p) for p in getattr(files, "unknown", [])]
        records = with_official_records(records, official_records(files))
        official_aliases = [
            Alias(a.text, a.isco08, a.lang, a.weight, OFFICIAL_PREFIX + a.source, a.soc2018)
            for a in make_official_aliases(files)
        ]
    digest = digest_of(
        [[r.isco08, r.titles, r.soc2018, r.noc2021, r.sinco2019] for r in records]
        + [[a.text, a.isco08, a.lang, a.weight, a.source] for a in aliases]
        + (
            [[a.text, a.isco08, a.source] for a in official_aliases]
            if official_aliases is not None
            else []
        )
    )
    current = session.get(ReferenceVersion, "occupations")
    if current is not None and current.digest == digest:
        report.occupations = len(records)
        report.aliases = len(aliases) + len(official_aliases or [])
        return
    session.exec(delete(Occupation))  # type: ignore[call-overload]
    session.exec(delete(OccupationCode))  # type: ignore[call-overload]
    # Titles learned from certified vacancies stay: they come from the vacancies, not files.
    source = col(OccupationAlias.source)
    replaced = ~source.startswith(CERTIFIED_SOURCE)
    if official_aliases is None:
        replaced = and_(replaced, ~source.startswith(OFFICIAL_PREFIX))
    session.exec(delete(OccupationAlias).where(replaced))  # type: ignore[call-overload]
    session.execute(
        insert(Occupation),
        [
            {
                "isco08": r.isco08,
                "level": 4,
                "title_en": r.titles.get("en", ""),
                "title_es": r.titles.get("es", r.titles.get("en", "")),
                "title_fr": r.titles.get("fr", r.titles.get("en", "")),
            }
            for r in records
        ],
    )
    code_rows = [
        {"isco08": r.isco08, "system": system, "code": code}
        for r in records
        for system, attr in SYSTEMS
        for code in getattr(r, attr)
    ]
    if code_rows:
        session.execute(insert(OccupationCode), code_rows)
    alias_rows = [
        {
            "isco08": a.isco08,
            "lang": a.lang,
            "text": a.text[:300],
            "weight": a.weight,
            "soc2018": a.soc2018,
            "source": a.source[:120],
        }
        for a in aliases + (official_aliases or [])
    ]
    for start in range(0, len(alias_rows), 5000):
        session.execute(insert(OccupationAlias), alias_rows[start : start + 5000])
    bump_version(session, "occupations", digest)
    report.occupations, report.codes = len(records), len(code_rows)
    report.aliases = len(alias_rows)


def build_resolver_from_db(session: Session) -> OccupationResolver:
    codes: dict[str, dict[str, list[str]]] = {}
    for row in session.exec(select(OccupationCode).order_by(OccupationCode.id)):
        codes.setdefault(row.isco08, {}).setdefault(row.system, []).append(row.code)
    records = []
    for occ in session.exec(select(Occupation).where(Occupation.level == 4)):
        by_system = codes.get(occ.isco08, {})
        records.append(
            OccupationRecord(
                occ.isco08,
                {"en": occ.title_en, "es": occ.title_es, "fr": occ.title_fr},
                *(tuple(by_system.get(system, ())) for system, _ in SYSTEMS),
            )
        )
    aliases = [
        Alias(a.text, a.isco08, a.lang, a.weight, a.source, a.soc2018)
        for a in session.exec(select(OccupationAlias))
    ]
    return OccupationResolver(records, aliases)


_resolvers: VersionedCache[OccupationResolver] = VersionedCache(
    "occupations", build_resolver_from_db
)


def get_resolver(session: Session, *, max_age: float = 30.0) -> OccupationResolver:
    """The process's resolver, rebuilt when the occupations reference version changes."""
    return _resolvers.get(session, max_age=max_age)
