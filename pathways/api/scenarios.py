"""Policy what-if scenarios: save one (the worker computes it), follow it, list and compare."""

from __future__ import annotations

from typing import Any

from pathways.api.blueprint import api_bp
from pathways.api.problems import ApiProblem, validation_problem
from pathways.api.spec import operation
from pathways.auth import actor_for
from pathways.models import Scenario, User
from pathways.requestctx import db_session
from pathways.schemas.scenarios import (
    CompareQuery,
    ScenarioAccepted,
    ScenarioComparison,
    ScenarioCreate,
    ScenarioPage,
    ScenarioPublic,
    ScenarioQuery,
)
from pathways.services import scenario_results, scenarios
from pathways.services.scenario_changes import ChangesRefused

RUNNERS = ("officer", "admin")


@operation(
    api_bp,
    "/scenarios",
    "POST",
    summary="Save a policy what-if scenario and queue its computation",
    tag="scenarios",
    body=ScenarioCreate,
    roles=RUNNERS,
    responses={202: ScenarioAccepted},
    description="Changes: open_program {program, nationalities}, h2b_supplemental {amount, "
    "reserved_for}, add_vacancies {program, count, isco08, months}, add_applicants {count, "
    "isco08, origin}. The worker computes the baseline and the scenario on a copy of the "
    "current state; nothing else is written. Follow it with GET /scenarios/{id}.",
)
def create_scenario(body: ScenarioCreate, principal: User) -> tuple[dict[str, Any], int]:
    try:
        scenario = scenarios.create_scenario(
            db_session(),
            name=body.name,
            changes=[c.model_dump(mode="json") for c in body.changes],
            user=principal,
            actor=actor_for(principal),
        )
    except ChangesRefused as exc:
        db_session().rollback()
        raise validation_problem(
            [{"field": e.field, "message": e.message} for e in exc.errors]
        ) from None
    return {"id": scenario.id, "status": scenario.status}, 202


@operation(
    api_bp,
    "/scenarios",
    "GET",
    summary="Saved scenarios, newest first",
    tag="scenarios",
    query=ScenarioQuery,
    roles=RUNNERS,
    responses={200: ScenarioPage},
)
def list_scenarios(query: ScenarioQuery, principal: User) -> dict[str, Any]:
    rows, total = scenarios.list_scenarios(db_session(), page=query.page, per_page=query.per_page)
    return {"items": [scenario_results.public(s) for s in rows], "total": total}


@operation(
    api_bp,
    "/scenarios/compare",
    "GET",
    summary="Two or more scenarios side by side",
    tag="scenarios",
    query=CompareQuery,
    roles=RUNNERS,
    responses={200: ScenarioComparison},
    extra_codes=(404,),
)
def compare_scenarios(query: CompareQuery, principal: User) -> dict[str, Any]:
    found, missing = scenarios.get_many(db_session(), query.id_list())
    if missing:
        raise ApiProblem(404, f"No scenario with id {', '.join(map(str, missing))}.")
    return scenario_results.compare(found)


@operation(
    api_bp,
    "/scenarios/<int:scenario_id>",
    "GET",
    summary="A scenario: status, progress, and its figures beside the baseline",
    tag="scenarios",
    roles=RUNNERS,
    responses={200: ScenarioPublic},
    extra_codes=(404,),
)
def get_scenario(scenario_id: int, principal: User) -> dict[str, Any]:
    scenario = db_session().get(Scenario, scenario_id)
    if scenario is None:
        raise ApiProblem(404, f"No scenario with id {scenario_id}.")
    return scenario_results.public(scenario)
