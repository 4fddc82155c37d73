"""Recording writes: who did what, when. Details are identifiers and counts, never personal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

from pathways.models import AuditEvent, User


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a user, or a system process (CLI, worker, seed)."""

    user_id: int | None
    label: str
    role: str | None = None
    country: str | None = None
    request_id: str | None = None

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user_id=None, label=label, role="admin")


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=detail,
        request_id=actor.request_id,
    )
    session.add(event)
    return event


def list_events(
    session: Session,
    *,
    action: str | None,
    entity: str | None,
    page: int,
    per_page: int,
    entity_id: str | None = None,
) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def kinds(session: Session) -> tuple[list[str], list[str]]:
    """The actions and the kinds of thing recorded so far, for the page's filters."""
    actions = session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    entities = session.exec(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)).all()
    return list(actions), list(entities)


def actor_emails(session: Session, events: list[AuditEvent]) -> dict[int, str]:
    """Who the user ids of `events` are (staff and applicants sign in by e-mail)."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return {
        u.id: u.email
        for u in session.exec(select(User).where(User.id.in_(ids)))  # type: ignore[union-attr]
        if u.id is not None
    }
