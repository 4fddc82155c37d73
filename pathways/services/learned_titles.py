"""Learn job titles from certified vacancies: each stored vacancy whose occupation code an
authority assigned (OFLC disclosure, SeasonalJobs, LMIA, or a ministry's own file for its own
country) makes its title weighted evidence for the occupation resolver.

The pure part is :mod:`matching.certified_titles`; this module reads the vacancies, writes
the difference to ``occupation_alias`` (source ``certified:<system>``) and moves the
occupations version so every process rebuilds its resolver.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, func, insert, or_
from sqlmodel import Session, col, select

from matching.certified_titles import CERTIFIED_SOURCE, CertifiedTitle, learn_aliases
from matching.occupations import normalise_title
from pathways.models import ImportBatch, OccupationAlias, OccupationCode, Vacancy
from pathways.services.audit import Actor, record
from pathways.services.reference_versions import touch_version

__all__ = ["LearnReport", "certified_titles", "learn_from_certified_vacancies"]

#: Vacancy files published by the certifying authority: their occupation codes were assigned by
#: its analysts (OFLC disclosure and SeasonalJobs job orders: SOC; ESDC LMIA lists: NOC).
CERTIFIED_FORMATS = ("oflc-h2a", "oflc-h2b", "seasonaljobs", "lmia")
#: Files a destination ministry imports itself (e.g. SINCO-coded offers from Mexico's STPS):
#: their codes are that ministry's own, official for its country's vacancies.
MINISTRY_FORMATS = ("csv", "jsonld")


@dataclass
class LearnReport:
    records: int = 0  # certified vacancies whose code maps to their ISCO group
    aliases: int = 0  # learned aliases after the run
    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def line(self) -> str:
        return (
            f"certified titles: {self.records} records, {self.aliases} learned aliases "
            f"(+{self.added} ~{self.updated} -{self.removed})"
        )


def _crosswalk_key(system: str | None, code: str | None) -> tuple[str, str] | None:
    """The (system, code) of the crosswalk table a vacancy's native code is filed under."""
    if not system or not code:
        return None
    system, code = system.upper().replace(" ", "").replace("-", ""), code.strip()
    if system in {"ONETSOC", "SOC", "SOC2018"}:
        return "SOC2018", code.split(".")[0]
    if system in {"NOC2021", "SINCO2019"}:
        return system, code
    return None


def certified_titles(session: Session) -> list[CertifiedTitle]:
    """(title, code) observations of the stored certified vacancies, counted per title.

    A vacancy counts when it came from a certified file (or a ministry's own file for its own
    country) and its ISCO group is one its code maps to through the crosswalk, i.e. the code
    (not the title alone) placed it.
    """
    certified = or_(
        col(Vacancy.source).in_(CERTIFIED_FORMATS),
        and_(
            col(Vacancy.source).in_(MINISTRY_FORMATS),
            col(ImportBatch.country).is_not(None),
            col(ImportBatch.country) == col(Vacancy.worksite_country),
        ),
    )
    stmt = (
        select(
            Vacancy.title,
            Vacancy.title_lang,
            Vacancy.native_code_system,
            Vacancy.native_code,
            Vacancy.isco08,
            func.count(),
        )
        .select_from(Vacancy)
        .join(ImportBatch, col(ImportBatch.id) == col(Vacancy.import_batch_id))
        .where(certified, col(Vacancy.native_code).is_not(None), col(Vacancy.isco08).is_not(None))
        .group_by(
            Vacancy.title,
            Vacancy.title_lang,
            Vacancy.native_code_system,
            Vacancy.native_code,
            Vacancy.isco08,
        )
    )
    groups = session.exec(stmt).all()
    if not groups:
        return []
    crosswalk: set[tuple[str, str, str]] = set(
        session.exec(select(OccupationCode.system, OccupationCode.code, OccupationCode.isco08))
    )
    out = []
    for title, lang, system, code, isco, n in groups:
        key = _crosswalk_key(system, code)
        if key is None or (*key, isco) not in crosswalk:
            continue
        soc = key[1] if key[0] == "SOC2018" else None
        out.append(CertifiedTitle(title, lang, key[0], key[1], isco, int(n), soc))
    return out


def _stored_certified(session: Session, batch: ImportBatch) -> bool:
    if batch.format not in CERTIFIED_FORMATS and not (
        batch.format in MINISTRY_FORMATS and batch.country
    ):
        return False
    stmt = select(Vacancy.id).where(
        col(Vacancy.import_batch_id) == batch.id, col(Vacancy.native_code).is_not(None)
    )
    return session.exec(stmt.limit(1)).first() is not None


def learn_from_certified_vacancies(
    session: Session, *, batch: ImportBatch | None = None, actor: Actor | None = None
) -> LearnReport:
    """Make the titles of stored certified vacancies weighted evidence for the resolver.

    Recomputes the learned aliases (source ``certified:<system>``) from every certified vacancy
    in the database (see :func:`certified_titles` and
    :func:`matching.certified_titles.learn_aliases`) and writes only the difference, so
    re-running changes nothing, and a title seen in more records gains weight. When anything
    changed, the occupations version moves, so every process rebuilds its resolver. Does not
    commit: the caller's transaction (an import batch) carries it.

    With ``batch`` (the import just applied), nothing is done unless that batch stored a
    certified vacancy with a code: other imports cannot change what is learned. With
    ``actor``, a change is audited (an import's own audit event covers what it learned).
    """
    if batch is not None and not _stored_certified(session, batch):
        return LearnReport()
    observations = certified_titles(session)
    wanted = {
        (a.isco08, a.lang, normalise_title(a.text), a.soc2018, a.source): a
        for a in learn_aliases(observations)
    }
    report = LearnReport(records=sum(o.records for o in observations), aliases=len(wanted))
    learned = col(OccupationAlias.source).startswith(CERTIFIED_SOURCE)
    stale: list[int] = []
    for row in session.exec(select(OccupationAlias).where(learned)):
        key = (row.isco08, row.lang, normalise_title(row.text), row.soc2018, row.source)
        alias = wanted.pop(key, None)
        if alias is None:
            assert row.id is not None
            stale.append(row.id)
        elif (row.text, row.weight) != (alias.text, alias.weight):
            row.text, row.weight = alias.text, alias.weight
            session.add(row)
            report.updated += 1
    if stale:
        session.exec(delete(OccupationAlias).where(col(OccupationAlias.id).in_(stale)))  # type: ignore[call-overload]
        report.removed = len(stale)
    if wanted:
        session.execute(
            insert(OccupationAlias),
            [
                {
                    "isco08": a.isco08,
                    "lang": a.lang,
                    "text": a.text,
                    "weight": a.weight,
                    "soc2018": a.soc2018,
                    "source": a.source,
                }
                for a in wanted.values()
            ],
        )
        report.added = len(wanted)
    if report.changed:
        touch_version(session, "occupations")
        if actor is not None:
            record(
                session,
                actor,
                "occupations.learn",
                "occupation_alias",
                None,
                records=report.records,
                added=report.added,
                updated=report.updated,
                removed=report.removed,
            )
    return report
