"""Placements: one person on one vacancy, from proposal to completed work.

States in order (API.md): proposed → offered → accepted → authorized → visa_issued → arrived →
completed; ``withdrawn`` from any state before ``completed``. Each change is a
:class:`~pathways.models.PlacementEvent` with who recorded it, when it was recorded and the
date it happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, func, select

from pathways.db import utcnow
from pathways.models import Placement, PlacementEvent, User, Vacancy
from pathways.models.enums import PlacementStatus

ORDER: tuple[str, ...] = (
    "proposed",
    "offered",
    "accepted",
    "authorized",
    "visa_issued",
    "arrived",
    "completed",
)
#: A placement in one of these states holds its slot and its person.
ACTIVE = frozenset(ORDER[:-1])
CLOSED = frozenset({PlacementStatus.completed.value, PlacementStatus.withdrawn.value})


def applicants_with_active_placement(session: Session) -> set[int]:
    return set(
        session.exec(
            select(Placement.applicant_id).where(Placement.status.in_(ACTIVE)).distinct()  # type: ignore[attr-defined]
        ).all()
    )


def active_counts_by_vacancy(session: Session, vacancy_ids: Iterable[int]) -> dict[int, int]:
    """Slots held per vacancy by placements that are not withdrawn (completed ones keep it)."""
    ids = list(vacancy_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Placement.vacancy_id, func.count())
        .where(
            Placement.vacancy_id.in_(ids),  # type: ignore[attr-defined]
            Placement.status != PlacementStatus.withdrawn.value,
        )
        .group_by(Placement.vacancy_id)
    ).all()
    return {int(v): int(n) for v, n in rows}


def propose(
    session: Session, applicant_id: int, vacancy_id: int, *, run_id: int | None, user: User | None
) -> Placement:
    """A new ``proposed`` placement with its first event (no commit)."""
    vacancy = session.get(Vacancy, vacancy_id)
    assert vacancy is not None
    now = utcnow()
    placement = Placement(
        applicant_id=applicant_id,
        vacancy_id=vacancy_id,
        program_code=vacancy.program_code,
        run_id=run_id,
        status=PlacementStatus.proposed.value,
        status_at=now,
        created_by_id=user.id if user else None,
    )
    session.add(placement)
    session.flush()
    assert placement.id is not None
    session.add(
        PlacementEvent(
            placement_id=placement.id,
            from_status=None,
            to_status=PlacementStatus.proposed.value,
            at=now,
            recorded_at=now,
            actor_id=user.id if user else None,
        )
    )
    return placement


class PlacementError(ValueError):
    """A transition that cannot be made; ``status`` is the HTTP status to answer with."""

    def __init__(self, field: str, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def allowed_next(current: str) -> tuple[str, ...]:
    """The states a placement may move to from ``current`` (the next one, or withdrawn)."""
    if current in CLOSED:
        return ()
    following = ORDER[ORDER.index(current) + 1]
    return (following, PlacementStatus.withdrawn.value)


def transition(
    session: Session,
    placement: Placement,
    to: str,
    *,
    at: datetime | None = None,
    user: User | None,
    note: str | None = None,
    commit: bool = True,
) -> Placement:
    """Move a placement to ``to`` (legal transitions only), recording who, when and the date.

    ``at`` is when it happened (default now); it may not be in the future nor before the
    previous transition.
    """
    if to not in (*ORDER, PlacementStatus.withdrawn.value):
        raise PlacementError("to", f"{to!r} is not a placement state", status=422)
    if to not in allowed_next(placement.status):
        raise PlacementError(
            "to",
            f"a {placement.status} placement cannot become {to} "
            f"(next: {', '.join(allowed_next(placement.status)) or 'none, it is closed'})",
        )
    now = utcnow()
    happened = at or now
    if happened > now:
        raise PlacementError("at", "is in the future", status=422)
    if happened < placement.status_at:
        raise PlacementError(
            "at", "is before the placement's previous change", status=422
        )
    previous = placement.status
    placement.status, placement.status_at = to, happened
    session.add(placement)
    session.add(
        PlacementEvent(
            placement_id=placement.id,
            from_status=previous,
            to_status=to,
            at=happened,
            recorded_at=now,
            actor_id=user.id if user else None,
            note=note,
        )
    )
    if commit:
        session.commit()
    return placement


def history(session: Session, placement: Placement) -> list[PlacementEvent]:
    return list(
        session.exec(
            select(PlacementEvent)
            .where(PlacementEvent.placement_id == placement.id)
            .order_by(PlacementEvent.id)  # type: ignore[arg-type]
        )
    )
