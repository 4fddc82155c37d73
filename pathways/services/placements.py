"""Placements: one person on one vacancy, from proposal to completed work.

States in order (API.md): proposed → offered → accepted → authorized → visa_issued → arrived →
completed; ``withdrawn`` from any state before ``completed``. Each change is a
:class:`~pathways.models.PlacementEvent` with who recorded it, when it was recorded and the
date it happened. Reaching the program's counting state takes a visa number from its caps
(:mod:`pathways.services.caps`), or the change is refused.

Who sees and moves what: officers and admins everything; a destination ministry the
placements on its country's vacancies (it moves them); an origin ministry those of its
nationals (it follows them); an applicant their own (they answer offers on their pages).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from pathways.db import utcnow
from pathways.models import Applicant, Placement, PlacementEvent, User, Vacancy
from pathways.models.enums import DESTINATIONS, ORIGINS, ApplicantStatus, PlacementStatus
from pathways.services import caps, programs, progress
from pathways.services.audit import Actor, record
from pathways.services.errors import ServiceError

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


def applicants_with_active_placement(
    session: Session, among: Iterable[int] | None = None
) -> set[int]:
    stmt = select(Placement.applicant_id).where(Placement.status.in_(ACTIVE))  # type: ignore[attr-defined]
    if among is not None:
        stmt = stmt.where(Placement.applicant_id.in_(list(among)))  # type: ignore[attr-defined]
    return set(session.exec(stmt.distinct()).all())


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


class PlacementError(ServiceError):
    """A placement that cannot be made or moved (409 unless said otherwise); ``refusals``
    list the cap pools that could not give a number."""

    def __init__(
        self,
        field: str,
        template: str,
        *,
        status: int = 409,
        refusals: Sequence[caps.Refusal] = (),
        **params: Any,
    ) -> None:
        super().__init__(field, template, status=status, **params)
        self.refusals = list(refusals)
        if self.refusals:
            self.message += " — " + "; ".join(r.english() for r in self.refusals)


# ---------------------------------------------------------------------------------------------
# Who sees and moves what


def can_see(user: User, placement: Placement, vacancy: Vacancy, applicant: Applicant) -> bool:
    if user.role in ("officer", "admin"):
        return True
    if user.role == "ministry":
        return (user.country in DESTINATIONS and vacancy.worksite_country == user.country) or (
            user.country in ORIGINS and applicant.nationality == user.country
        )
    return user.role == "applicant" and applicant.user_id == user.id


def can_move(user: User, vacancy: Vacancy) -> bool:
    """Officers, admins and the destination ministry of the vacancy's country."""
    return user.role in ("officer", "admin") or (
        user.role == "ministry" and vacancy.worksite_country == user.country
    )


@dataclass(frozen=True)
class PlacementView:
    placement: Placement
    vacancy: Vacancy
    applicant: Applicant


def get_visible(session: Session, user: User, placement_id: int) -> PlacementView:
    """The placement if ``user`` may see it; unknown and not-yours both answer 404."""
    placement = session.get(Placement, placement_id)
    if placement is not None:
        vacancy = session.get(Vacancy, placement.vacancy_id)
        applicant = session.get(Applicant, placement.applicant_id)
        assert vacancy is not None and applicant is not None
        if can_see(user, placement, vacancy, applicant):
            return PlacementView(placement, vacancy, applicant)
    raise PlacementError("id", "no placement with id %(id)s", status=404, id=placement_id)


def list_visible(
    session: Session,
    user: User,
    *,
    status: str | None = None,
    program: str | None = None,
    vacancy_id: int | None = None,
    applicant_id: int | None = None,
    run_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[PlacementView], int]:
    """Placements ``user`` may see, newest first, with their vacancy and person."""
    stmt = (
        select(Placement, Vacancy, Applicant)
        .join(Vacancy, Vacancy.id == Placement.vacancy_id)  # type: ignore[arg-type]
        .join(Applicant, Applicant.id == Placement.applicant_id)  # type: ignore[arg-type]
    )
    if user.role == "ministry":
        stmt = stmt.where(
            Vacancy.worksite_country == user.country
            if user.country in DESTINATIONS
            else Applicant.nationality == user.country
        )
    elif user.role == "applicant":
        stmt = stmt.where(Applicant.user_id == user.id)
    elif user.role not in ("officer", "admin"):
        return [], 0
    for column, value in (
        (Placement.status, status),
        (Placement.program_code, program),
        (Placement.vacancy_id, vacancy_id),
        (Placement.applicant_id, applicant_id),
        (Placement.run_id, run_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    total = int(session.exec(select(func.count()).select_from(stmt.subquery())).one())
    rows = session.exec(
        stmt.order_by(Placement.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [PlacementView(p, v, a) for p, v, a in rows], total


def status_counts(session: Session, user: User) -> dict[str, int]:
    """How many placements ``user`` sees in each state (for the filters of the list page)."""
    stmt = (
        select(Placement.status, func.count())
        .join(Vacancy, Vacancy.id == Placement.vacancy_id)  # type: ignore[arg-type]
        .join(Applicant, Applicant.id == Placement.applicant_id)  # type: ignore[arg-type]
    )
    if user.role == "ministry":
        stmt = stmt.where(
            Vacancy.worksite_country == user.country
            if user.country in DESTINATIONS
            else Applicant.nationality == user.country
        )
    elif user.role not in ("officer", "admin"):
        return {}
    rows = session.exec(stmt.group_by(Placement.status)).all()
    found = {str(k): int(n) for k, n in rows}
    return {state: found.get(state, 0) for state in (*ORDER, PlacementStatus.withdrawn.value)}


# ---------------------------------------------------------------------------------------------
# Creating and moving


def create(
    session: Session, applicant_id: int, vacancy_id: int, *, user: User, actor: Actor
) -> Placement:
    """Propose one person for one vacancy by hand (matching runs propose in bulk)."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise PlacementError("vacancy_id", "no vacancy with id %(id)s", status=404, id=vacancy_id)
    applicant = session.get(Applicant, applicant_id)
    if applicant is None:
        raise PlacementError(
            "applicant_id", "no applicant with id %(id)s", status=404, id=applicant_id
        )
    if not can_move(user, vacancy):
        raise PlacementError(
            "vacancy_id", "only the destination ministry of the vacancy can propose", status=403
        )
    if applicant.status != ApplicantStatus.active.value:
        raise PlacementError(
            "applicant_id", "this person withdrew their consent or asked to be erased"
        )
    if vacancy.status != "open":
        raise PlacementError("vacancy_id", "the vacancy is closed")
    held = active_counts_by_vacancy(session, [vacancy_id]).get(vacancy_id, 0)
    if held >= vacancy.positions:
        raise PlacementError(
            "vacancy_id",
            "all %(positions)s positions of the vacancy are taken",
            positions=vacancy.positions,
        )
    if applicant_id in applicants_with_active_placement(session, [applicant_id]):
        raise PlacementError("applicant_id", "this person already has a placement under way")
    placement = propose(session, applicant_id, vacancy_id, run_id=None, user=user)
    record(session, actor, "placement.create", "placement", placement.id, vacancy_id=vacancy_id)
    session.commit()
    return placement


def _moment(at: date | datetime | None, previous: datetime, now: datetime) -> datetime:
    """When a change happened: ``at`` checked against now and the previous change.

    A date alone means that day: now if it is today, else noon UTC (the same day in every
    time zone we serve), and never before the previous change of the same day.
    """
    if at is None:
        return max(now, previous)
    if isinstance(at, datetime):
        moment = at if at.tzinfo else at.replace(tzinfo=UTC)
        if moment > now:
            raise PlacementError("at", "is in the future", status=422)
        if moment < previous:
            raise PlacementError("at", "is before the placement's previous change", status=422)
        return moment
    if at > now.date():
        raise PlacementError("at", "is in the future", status=422)
    if at < previous.date():
        raise PlacementError("at", "is before the placement's previous change", status=422)
    moment = now if at == now.date() else datetime.combine(at, time(12), tzinfo=UTC)
    return min(max(moment, previous), now)


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
    at: date | datetime | None = None,
    user: User | None,
    note: str | None = None,
    commit: bool = True,
) -> Placement:
    """Move a placement to ``to`` (legal transitions only), recording who, when and the date.

    ``at`` is when it happened (default now; a date alone means that day); it may not be in
    the future nor before the previous change. Reaching the counting state takes a number
    from the program's caps, or raises a 409 :class:`PlacementError` saying which cap.
    Nothing is recorded when it raises (with ``commit`` the transaction is rolled back).
    """
    try:
        _move(session, placement, to, at=at, user=user, note=note)
    except PlacementError:
        if commit:
            session.rollback()
        raise
    if commit:
        session.commit()
    return placement


def _move(
    session: Session,
    placement: Placement,
    to: str,
    *,
    at: date | datetime | None,
    user: User | None,
    note: str | None,
) -> None:
    if to not in (*ORDER, PlacementStatus.withdrawn.value):
        raise PlacementError("to", "“%(to)s” is not a placement state", status=422, to=to)
    # The row is locked to the end of the transaction (PostgreSQL): two officers moving the
    # same placement at once see each other's change, not the state before it.
    session.refresh(placement, with_for_update=True)
    if to not in allowed_next(placement.status):
        raise PlacementError(
            "to",
            "a placement in state %(state)s cannot become %(to)s (next: %(next)s)",
            state=placement.status,
            to=to,
            next=", ".join(allowed_next(placement.status)) or "—",
        )
    now = utcnow()
    happened = _moment(at, placement.status_at, now)
    if to == caps.counting_status(placement.program_code):
        _take_cap_number(session, placement, happened.date())
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
    progress.note_transition(session, placement, to, happened)


def _take_cap_number(session: Session, placement: Placement, on: date) -> None:
    vacancy = session.get(Vacancy, placement.vacancy_id)
    applicant = session.get(Applicant, placement.applicant_id)
    assert vacancy is not None and applicant is not None
    program = next(
        (p for p in programs.get_catalog(session) if p.code == placement.program_code), None
    )
    if program is None:
        return
    try:
        caps.claim(session, placement, vacancy, applicant, program, on)
    except caps.CapError as exc:
        raise PlacementError(
            "to", exc.template, status=409, refusals=exc.refusals, **exc.params
        ) from None


@dataclass(frozen=True)
class BulkFailure:
    placement_id: int
    error: PlacementError


class BulkError(PlacementError):
    """Some placements of a bulk move could not be moved; none was."""

    def __init__(self, failures: Sequence[BulkFailure]) -> None:
        super().__init__(
            "ids",
            "%(count)s of the placements cannot be moved; none was moved",
            status=max(f.error.status for f in failures),
            count=len(failures),
        )
        self.failures = list(failures)


def transition_many(
    session: Session,
    user: User,
    placement_ids: Sequence[int],
    to: str,
    *,
    at: date | datetime | None = None,
    note: str | None = None,
    actor: Actor,
) -> list[Placement]:
    """Move a whole crew at once: every placement, or none (each failure is reported)."""
    failures: list[BulkFailure] = []
    moved: list[Placement] = []
    for pid in dict.fromkeys(placement_ids):
        try:
            view = get_visible(session, user, pid)
            if not can_move(user, view.vacancy):
                raise PlacementError(
                    "id", "only officers and the vacancy's destination ministry move it", status=403
                )
            _move(session, view.placement, to, at=at, user=user, note=note)
            moved.append(view.placement)
        except PlacementError as exc:
            failures.append(BulkFailure(pid, exc))
    if failures:
        session.rollback()
        raise BulkError(failures)
    record(session, actor, "placement.transition", "placement", None, to=to, count=len(moved))
    session.commit()
    return moved


def move_one(
    session: Session,
    user: User,
    placement_id: int,
    to: str,
    *,
    at: date | datetime | None = None,
    note: str | None = None,
    actor: Actor,
) -> PlacementView:
    view = get_visible(session, user, placement_id)
    if not can_move(user, view.vacancy):
        raise PlacementError(
            "id", "only officers and the vacancy's destination ministry move it", status=403
        )
    try:
        _move(session, view.placement, to, at=at, user=user, note=note)
    except PlacementError:
        session.rollback()
        raise
    record(session, actor, "placement.transition", "placement", placement_id, to=to)
    session.commit()
    return view


def history(session: Session, placement: Placement) -> list[PlacementEvent]:
    return list(
        session.exec(
            select(PlacementEvent)
            .where(PlacementEvent.placement_id == placement.id)
            .order_by(PlacementEvent.id)  # type: ignore[arg-type]
        )
    )


def history_with_actors(session: Session, placement: Placement) -> list[dict[str, Any]]:
    """The audit trail: each change with the date it happened, when and by whom recorded."""
    who = aliased(User)
    rows = session.exec(
        select(PlacementEvent, who.email)
        .join(who, who.id == PlacementEvent.actor_id, isouter=True)  # type: ignore[arg-type]
        .where(PlacementEvent.placement_id == placement.id)
        .order_by(PlacementEvent.id)  # type: ignore[arg-type]
    ).all()
    return [
        {
            "from": e.from_status,
            "to": e.to_status,
            "at": e.at,
            "recorded_at": e.recorded_at,
            "by": email,
            "note": e.note,
        }
        for e, email in rows
    ]
