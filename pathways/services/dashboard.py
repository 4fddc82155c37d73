"""Counts for each role's home page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from pathways.models import (
    ApiToken,
    Applicant,
    Job,
    Placement,
    Program,
    ReferenceVersion,
    User,
    Vacancy,
)
from pathways.models.enums import DESTINATIONS
from pathways.services.vacancies import open_demand


def _grouped(session: Session, column: Any, *where: Any) -> dict[str, int]:
    stmt = select(column, func.count()).group_by(column)
    for clause in where:
        stmt = stmt.where(clause)
    return {str(key): int(n) for key, n in session.exec(stmt).all()}  # type: ignore[call-overload]


def vacancy_summary(session: Session, country: str | None = None) -> dict[str, Any]:
    """Open demand: open vacancies whose work has not ended yet."""
    where = [open_demand()]
    if country:
        where.append(Vacancy.worksite_country == country)
    stmt = select(Vacancy.program_code, func.count(), func.coalesce(func.sum(Vacancy.positions), 0))
    for clause in where:
        stmt = stmt.where(clause)
    rows = session.exec(stmt.group_by(Vacancy.program_code)).all()  # type: ignore[call-overload]
    by_program = {code: {"vacancies": int(n), "positions": int(p)} for code, n, p in rows}
    return {
        "by_program": dict(sorted(by_program.items())),
        "vacancies": sum(v["vacancies"] for v in by_program.values()),
        "positions": sum(v["positions"] for v in by_program.values()),
    }


def applicant_summary(session: Session, nationality: str | None = None) -> dict[str, Any]:
    where = [Applicant.nationality == nationality] if nationality else []
    by_origin = _grouped(session, Applicant.nationality, *where)
    verified_stmt = (
        select(func.count())
        .select_from(Applicant)
        .where(
            Applicant.verified_at.is_not(None)  # type: ignore[union-attr]
        )
    )
    if nationality:
        verified_stmt = verified_stmt.where(Applicant.nationality == nationality)
    return {
        "by_origin": dict(sorted(by_origin.items())),
        "total": sum(by_origin.values()),
        "verified": int(session.exec(verified_stmt).one()),
    }


def placement_summary(session: Session) -> dict[str, int]:
    return _grouped(session, Placement.status)


def admin_summary(session: Session) -> dict[str, Any]:
    users = _grouped(session, User.role)
    active_tokens = session.exec(
        select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    ).one()
    return {
        "users_by_role": dict(sorted(users.items())),
        "active_tokens": int(active_tokens),
        "jobs_by_status": _grouped(session, Job.status),
        "programs": int(session.exec(select(func.count()).select_from(Program)).one()),
        "reference": list(session.exec(select(ReferenceVersion))),
    }


def is_destination(country: str | None) -> bool:
    return country in DESTINATIONS
