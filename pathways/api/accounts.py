"""Who am I, and the audit trail."""

from __future__ import annotations

from pathways.api.blueprint import api_bp
from pathways.api.spec import operation
from pathways.models import User
from pathways.requestctx import db_session
from pathways.schemas.accounts import AuditEventPublic, AuditPage, AuditQuery, MePublic
from pathways.services import audit


@operation(
    api_bp,
    "/me",
    "GET",
    summary="The caller's identity, role and country",
    tag="accounts",
    roles=(),
    responses={200: MePublic},
)
def me(principal: User) -> MePublic:
    return MePublic(
        id=principal.id or 0, email=principal.email, role=principal.role, country=principal.country
    )


@operation(
    api_bp,
    "/audit-events",
    "GET",
    summary="Every write: who, what, when (newest first)",
    tag="accounts",
    roles=("admin", "officer"),
    query=AuditQuery,
    responses={200: AuditPage},
)
def list_audit_events(principal: User, query: AuditQuery) -> AuditPage:
    rows, total = audit.list_events(
        db_session(),
        action=query.action,
        entity=query.entity,
        page=query.page,
        per_page=query.per_page,
    )
    return AuditPage(
        items=[
            AuditEventPublic(
                id=r.id or 0,
                at=r.at,
                actor=r.actor_label,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                detail=r.detail,
                request_id=r.request_id,
            )
            for r in rows
        ],
        total=total,
    )
