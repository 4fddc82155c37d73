"""Matching runs (API.md: Matching): start one, follow it, read its matches, publish them."""

from __future__ import annotations

from typing import Any

from pathways.api.blueprint import api_bp
from pathways.api.problems import ApiProblem
from pathways.api.spec import operation
from pathways.auth import actor_for
from pathways.models import MatchingRun, User
from pathways.requestctx import db_session
from pathways.schemas.common import PageQuery
from pathways.schemas.matching import (
    MatchPage,
    MatchQuery,
    PublishRequest,
    PublishResult,
    RunAccepted,
    RunCreate,
    RunPage,
    RunPublic,
)
from pathways.services import matching_runs

RUNNERS = ("officer", "admin")


def _run(run_id: int) -> MatchingRun:
    run = db_session().get(MatchingRun, run_id)
    if run is None:
        raise ApiProblem(404, f"No matching run with id {run_id}.")
    return run


@operation(
    api_bp,
    "/matching/runs",
    "POST",
    summary="Start a matching run (a background job)",
    tag="matching",
    body=RunCreate,
    roles=RUNNERS,
    responses={202: RunAccepted},
    description="One coordinated round over the chosen programs (all by default): each "
    "applicant gets at most one match. Follow it with GET /matching/runs/{id}.",
)
def create_run(body: RunCreate, principal: User) -> tuple[dict[str, Any], int]:
    options: dict[str, Any] = {"min_score": body.min_score}
    if body.floors is not None:
        options["floors"] = body.floors.model_dump()
    run = matching_runs.start_run(
        db_session(),
        program_codes=[str(p) for p in body.programs],
        objective=body.objective,
        options=options,
        user=principal,
        actor=actor_for(principal),
    )
    return {"id": run.id, "status": run.status}, 202


@operation(
    api_bp,
    "/matching/runs",
    "GET",
    summary="Matching runs, newest first",
    tag="matching",
    query=PageQuery,
    roles=RUNNERS,
    responses={200: RunPage},
)
def list_runs(query: PageQuery, principal: User) -> dict[str, Any]:
    rows, total = matching_runs.list_runs(db_session(), page=query.page, per_page=query.per_page)
    return {"items": [matching_runs.public(r) for r in rows], "total": total}


@operation(
    api_bp,
    "/matching/runs/<int:run_id>",
    "GET",
    summary="A matching run: status, progress and figures",
    tag="matching",
    roles=RUNNERS,
    responses={200: RunPublic},
    extra_codes=(404,),
)
def get_run(run_id: int, principal: User) -> dict[str, Any]:
    return matching_runs.public(_run(run_id))


@operation(
    api_bp,
    "/matching/runs/<int:run_id>/matches",
    "GET",
    summary="The matches of a run, best score first, each with its explanation",
    tag="matching",
    query=MatchQuery,
    roles=RUNNERS,
    responses={200: MatchPage},
    extra_codes=(404,),
)
def list_matches(run_id: int, query: MatchQuery, principal: User) -> dict[str, Any]:
    _run(run_id)
    rows, total = matching_runs.list_matches(
        db_session(), run_id, page=query.page, per_page=query.per_page
    )
    items = [
        {
            "id": m.id,
            "applicant_id": m.applicant_id,
            "vacancy_id": m.vacancy_id,
            "score": m.score,
            "review": m.review,
            "explanation": m.explanation,
            "placement_id": m.placement_id,
        }
        for m in rows
    ]
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page}


@operation(
    api_bp,
    "/matching/runs/<int:run_id>/publish",
    "POST",
    summary="Publish matches as proposed placements",
    tag="matching",
    body=PublishRequest,
    roles=RUNNERS,
    responses={200: PublishResult},
    extra_codes=(404, 409),
)
def publish_run(run_id: int, body: PublishRequest, principal: User) -> dict[str, Any]:
    run = _run(run_id)
    try:
        made = matching_runs.publish(
            db_session(),
            run,
            user=principal,
            actor=actor_for(principal),
            match_ids=body.match_ids or None,
        )
    except matching_runs.RunError as exc:
        raise ApiProblem(exc.status, exc.message) from None
    return {"placements": made}
