"""The audit log for admins and officers: every write, who made it and when, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from pathways.auth import role_required
from pathways.requestctx import db_session
from pathways.services import audit
from pathways.web import staff

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


@bp.get("/")
@role_required("admin", "officer")
def events():  # type: ignore[no-untyped-def]
    session = db_session()
    actions, entities = audit.kinds(session)
    filters = {
        "action": request.args.get("action", ""),
        "entity": request.args.get("entity", ""),
        "entity_id": request.args.get("entity_id", "").strip()[:60],
    }
    # Only values that exist can filter: anything else is ignored, not an error page.
    if filters["action"] not in actions:
        filters["action"] = ""
    if filters["entity"] not in entities:
        filters["entity"] = ""
    page = staff.page_arg()
    rows, total = audit.list_events(
        session,
        action=filters["action"] or None,
        entity=filters["entity"] or None,
        entity_id=filters["entity_id"] or None,
        page=page,
        per_page=PER_PAGE,
    )
    return render_template(
        "audit/events.html",
        rows=rows,
        total=total,
        page=page,
        pages=staff.pages(total, PER_PAGE),
        filters=filters,
        actions=actions,
        entities=entities,
        emails=audit.actor_emails(session, rows),
    )
