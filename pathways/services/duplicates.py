"""Possible duplicate registrations: flagged with their evidence, resolved by a person.

A new registration is compared with the register (:mod:`matching.duplicates`); a likely
match becomes a :class:`~pathways.models.DuplicateFlag` that officers and the origin
ministry see with the evidence in their language. Nothing is ever merged: a person decides
"same" or "different", and "same" withdraws the newer record from matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, func, select

from matching.duplicates import (
    ApplicantRecord,
    DuplicateIndex,
    describe_signal,
    find_duplicates,
    find_duplicates_of,
)
from pathways.db import utcnow
from pathways.models import Applicant, DuplicateFlag, User
from pathways.models.enums import ORIGINS, ApplicantStatus
from pathways.services.audit import Actor, record
from pathways.services.errors import ApplicantError

# Above this many new records at once, the whole register is compared in one pass.
BULK = 500


def _record(row: Any) -> ApplicantRecord:
    return ApplicantRecord(
        key=int(row.id),
        name=row.name,
        birth_date=row.birth_date,
        nationality=row.nationality,
        subdivision=row.residence_subdivision,
        document=row.id_document,
        phone=row.phone,
        sex=row.sex,
    )


_COLUMNS = (
    Applicant.id,
    Applicant.name,
    Applicant.birth_date,
    Applicant.nationality,
    Applicant.residence_subdivision,
    Applicant.id_document,
    Applicant.phone,
    Applicant.sex,
)


def _swapped(day: date) -> date | None:
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


def flag_new(session: Session, ids: Sequence[int]) -> int:
    """Compare new registrations with the register and flag likely duplicates (no commit).

    One or a few: their candidates are fetched by birth date (also with day and month
    swapped), document and phone. Many: the whole register is compared at once.
    """
    if not ids:
        return 0
    live = Applicant.status != ApplicantStatus.deleted.value
    new = session.exec(select(*_COLUMNS).where(Applicant.id.in_(ids))).all()  # type: ignore[union-attr,call-overload]
    found = []
    if len(ids) > BULK:
        everyone = session.exec(select(*_COLUMNS).where(live)).all()  # type: ignore[call-overload]
        fresh = set(ids)
        found = [
            c for c in find_duplicates(_record(r) for r in everyone) if c.a in fresh or c.b in fresh
        ]
    else:
        for row in new:
            near = [row.birth_date, _swapped(row.birth_date)]
            clauses = [Applicant.birth_date.in_([d for d in near if d])]  # type: ignore[attr-defined]
            if row.id_document:
                clauses.append(Applicant.id_document == row.id_document)
            if row.phone:
                clauses.append(Applicant.phone == row.phone)
            others = session.exec(
                select(*_COLUMNS).where(or_(*clauses), live, Applicant.id != row.id)  # type: ignore[call-overload]
            ).all()
            if others:
                index = DuplicateIndex.build(_record(o) for o in others)
                found.extend(find_duplicates_of(_record(row), index))
    existing = set(
        session.exec(
            select(DuplicateFlag.applicant_id, DuplicateFlag.other_id).where(
                or_(DuplicateFlag.applicant_id.in_(ids), DuplicateFlag.other_id.in_(ids))  # type: ignore[attr-defined]
            )
        ).all()
    )
    added = 0
    for c in found:
        if (c.a, c.b) in existing:
            continue
        existing.add((c.a, c.b))
        session.add(
            DuplicateFlag(applicant_id=c.a, other_id=c.b, score=c.score, evidence=list(c.evidence))
        )
        added += 1
    return added


def _scope(stmt: Any, user: User) -> Any:
    if user.role == "ministry":
        if user.country not in ORIGINS:
            raise ApplicantError("principal", "you may not see registrations", status=403)
        mine = select(Applicant.id).where(Applicant.nationality == user.country)
        stmt = stmt.where(
            or_(DuplicateFlag.applicant_id.in_(mine), DuplicateFlag.other_id.in_(mine))  # type: ignore[attr-defined]
        )
    elif user.role not in ("officer", "admin"):
        raise ApplicantError("principal", "you may not see registrations", status=403)
    return stmt


def list_flags(
    session: Session, *, user: User, status: str | None = "open", page: int = 1, per_page: int = 50
) -> tuple[list[DuplicateFlag], int]:
    stmt = _scope(select(DuplicateFlag), user)
    if status:
        stmt = stmt.where(DuplicateFlag.status == status)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(DuplicateFlag.score.desc(), DuplicateFlag.id)  # type: ignore[attr-defined]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def resolve(
    session: Session,
    flag_id: int,
    decision: str,
    *,
    note: str | None,
    user: User,
    actor: Actor,
) -> DuplicateFlag:
    stmt = _scope(select(DuplicateFlag).where(DuplicateFlag.id == flag_id), user)
    flag = session.exec(stmt).first()
    if flag is None:
        raise ApplicantError("id", "no such duplicate flag", status=404)
    if flag.status != "open":
        raise ApplicantError("status", "this flag was already resolved", status=409)
    flag.status, flag.note = decision, note
    flag.resolved_by_id, flag.resolved_at = user.id, utcnow()
    session.add(flag)
    if decision == "same":
        # The newer registration stops being matched; the older one (and its history) stays.
        newer = session.get(Applicant, max(flag.applicant_id, flag.other_id))
        if newer is not None and newer.status == ApplicantStatus.active:
            newer.status = ApplicantStatus.withdrawn.value
            session.add(newer)
    record(session, actor, "duplicate.resolve", "duplicate_flag", flag.id, decision=decision)
    session.commit()
    return flag


def _phrase(signal: str, lang: str) -> str:
    # A flag stored by an earlier version of the engine may carry a signal this one does not
    # know: show it as it is rather than fail the page.
    try:
        return describe_signal(signal, lang)
    except (KeyError, IndexError):
        return signal


def to_public(flag: DuplicateFlag, *, lang: str = "es") -> dict[str, Any]:
    phrases = [_phrase(s, lang) for s in flag.evidence]
    text = (" ; " if lang == "fr" else "; ").join(phrases)
    return {
        "id": flag.id,
        "applicant_id": flag.applicant_id,
        "other_id": flag.other_id,
        "score": flag.score,
        "evidence": list(flag.evidence),
        "explanation": (text[:1].upper() + text[1:] + ".") if text else "",
        "status": flag.status,
        "note": flag.note,
    }
