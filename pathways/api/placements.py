"""Placements (API.md: the pathway lifecycle): propose, list, read with history, move."""

from __future__ import annotations

from typing import Any

from pathways.api.blueprint import api_bp
from pathways.api.problems import ApiProblem
from pathways.api.spec import operation
from pathways.auth import actor_for
from pathways.models import User
from pathways.requestctx import db_session
from pathways.schemas.placements import (
    BulkResult,
    BulkTransitionRequest,
    PlacementCreate,
    PlacementPage,
    PlacementPublic,
    PlacementQuery,
    TransitionRequest,
)
from pathways.services import placements
from pathways.services.placements import PlacementError, PlacementView

MOVERS = ("officer", "admin", "ministry")
READERS = ("officer", "admin", "ministry", "applicant")


def _problem(exc: PlacementError) -> ApiProblem:
    if isinstance(exc, placements.BulkError):
        return ApiProblem(
            exc.status,
            exc.message,
            errors=[
                {
                    "field": f"ids.{f.placement_id}",
                    "message": f"{f.error.message} ({f.error.status})",
                }
                for f in exc.failures
            ],
        )
    errors = [{"field": exc.field, "message": exc.message}] if exc.status == 422 else None
    return ApiProblem(exc.status, f"{exc.field}: {exc.message}", errors=errors)


def public(view: PlacementView, *, with_history: bool = False) -> dict[str, Any]:
    p = view.placement
    out: dict[str, Any] = {
        "id": p.id,
        "status": p.status,
        "status_at": p.status_at,
        "applicant_id": p.applicant_id,
        "vacancy_id": p.vacancy_id,
        "program": p.program_code,
        "destination": view.vacancy.worksite_country,
        "run_id": p.run_id,
        "cap": p.cap_key,
        "next": list(placements.allowed_next(p.status)),
        "created_at": p.created_at,
    }
    if with_history:
        out["history"] = placements.history_with_actors(db_session(), p)
    return out


@operation(
    api_bp,
    "/placements",
    "POST",
    summary="Propose a person for a vacancy",
    tag="placements",
    body=PlacementCreate,
    roles=MOVERS,
    responses={201: PlacementPublic},
    extra_codes=(404, 409),
    description="A destination ministry proposes for its own country's vacancies. 409 when the "
    "vacancy is closed or full, or the person has a placement under way or withdrew consent.",
)
def create_placement(body: PlacementCreate, principal: User) -> tuple[dict[str, Any], int]:
    session = db_session()
    try:
        placement = placements.create(
            session, body.applicant_id, body.vacancy_id, user=principal, actor=actor_for(principal)
        )
        assert placement.id is not None
        view = placements.get_visible(session, principal, placement.id)
    except PlacementError as exc:
        raise _problem(exc) from None
    return public(view), 201


@operation(
    api_bp,
    "/placements",
    "GET",
    summary="Placements you may see, newest first",
    tag="placements",
    query=PlacementQuery,
    roles=READERS,
    responses={200: PlacementPage},
    description="Officers see all; a destination ministry those on its vacancies; an origin "
    "ministry those of its nationals; an applicant their own.",
)
def list_placements(query: PlacementQuery, principal: User) -> dict[str, Any]:
    rows, total = placements.list_visible(
        db_session(),
        principal,
        status=query.status,
        program=str(query.program) if query.program else None,
        vacancy_id=query.vacancy_id,
        applicant_id=query.applicant_id,
        run_id=query.run_id,
        page=query.page,
        per_page=query.per_page,
    )
    return {
        "items": [public(v) for v in rows],
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
    }


@operation(
    api_bp,
    "/placements/<int:placement_id>",
    "GET",
    summary="A placement with its history (who, when recorded, when it happened)",
    tag="placements",
    roles=READERS,
    responses={200: PlacementPublic},
    extra_codes=(404,),
)
def get_placement(placement_id: int, principal: User) -> dict[str, Any]:
    try:
        view = placements.get_visible(db_session(), principal, placement_id)
    except PlacementError as exc:
        raise _problem(exc) from None
    return public(view, with_history=True)


@operation(
    api_bp,
    "/placements/<int:placement_id>/transitions",
    "POST",
    summary="Move a placement to its next state (or withdraw it)",
    tag="placements",
    body=TransitionRequest,
    roles=MOVERS,
    responses={200: PlacementPublic},
    extra_codes=(404, 409),
    description="States in order: proposed → offered → accepted → authorized → visa_issued → "
    "arrived → completed; withdrawn from any state before completed. 409 for a transition out "
    "of order or one that would exceed a program cap (the detail says which); 422 for a "
    "future date or one before the previous change.",
)
def transition_placement(
    placement_id: int, body: TransitionRequest, principal: User
) -> dict[str, Any]:
    try:
        view = placements.move_one(
            db_session(),
            principal,
            placement_id,
            body.to,
            at=body.at,
            note=body.note,
            actor=actor_for(principal),
        )
    except PlacementError as exc:
        raise _problem(exc) from None
    return public(view, with_history=True)


@operation(
    api_bp,
    "/placements/transitions",
    "POST",
    summary="Move several placements at once (a whole crew): all or none",
    tag="placements",
    body=BulkTransitionRequest,
    roles=MOVERS,
    responses={200: BulkResult},
    extra_codes=(404, 409),
    description="Every placement moves, or none does; the problem lists each one that could "
    "not and why.",
)
def transition_many(body: BulkTransitionRequest, principal: User) -> dict[str, Any]:
    session = db_session()
    try:
        moved = placements.transition_many(
            session,
            principal,
            body.ids,
            body.to,
            at=body.at,
            note=body.note,
            actor=actor_for(principal),
        )
    except PlacementError as exc:
        raise _problem(exc) from None
    items = [public(placements.get_visible(session, principal, p.id or 0)) for p in moved]
    return {"moved": len(moved), "items": items}
