"""Policy what-if scenarios through the API and the worker: each kind of change moves the
result the way it should on a small state, the live data never changes, bad input is
refused with nothing recorded, and only officers and admins may use them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from pathways import jobs
from pathways.models import (
    Applicant,
    AuditEvent,
    Job,
    Match,
    Placement,
    PlacementEvent,
    Program,
    ProgramRule,
    Scenario,
    Vacancy,
)
from pathways.services import caps
from pathways.services.job_handlers import HANDLERS

YEAR = date.today().year + 1


def work(app: Any) -> int:
    engine = app.extensions["pathways_engine"]
    settings = app.extensions["pathways_settings"]
    return jobs.run_worker(engine, HANDLERS, once=True, poll_seconds=0, settings=settings)


class State:
    """A small register built through the API, as ministries and officers would."""

    def __init__(self, client: Any, admin: dict[str, str]) -> None:
        self.client, self.admin, self.count = client, admin, 0

    def vacancy(
        self,
        program: str,
        subdivision: str,
        positions: int,
        title: str,
        code: tuple[str, str],
        *,
        start: date = date(YEAR, 4, 1),
        end: date = date(YEAR, 10, 15),
    ) -> dict[str, Any]:
        self.count += 1
        body = {
            "program": program,
            "title": title,
            "positions": positions,
            "worksite": {"country": program[:2], "subdivision": subdivision},
            "occupation_code": {"system": code[0], "code": code[1]},
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "external_ref": f"T-{program}-{self.count}",
        }
        response = self.client.post("/api/v1/vacancies", json=body, headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def applicants(
        self, n: int, nationality: str, isco08: str, *, months: int = 24, **extra: Any
    ) -> None:
        for _ in range(n):
            self.count += 1
            body = {
                "name": f"Persona Prueba {self.count}",
                "nationality": nationality,
                "birth_date": f"1990-03-0{1 + self.count % 9}",
                "sex": "M",
                "residence": {"country": nationality},
                "languages": ["es"],
                "experience": [{"title": "trabajo", "months": months, "isco08": isco08}],
                "available_from": f"{YEAR}-03-01",
                "available_to": f"{YEAR}-11-30",
                "consent": True,
                **extra,
            }
            response = self.client.post("/api/v1/applicants", json=body, headers=self.admin)
            assert response.status_code == 201, response.get_json()


@pytest.fixture
def state(client, auth_header) -> State:
    return State(client, auth_header("admin"))


def run_scenario(client, app, headers, changes, name="prueba") -> dict[str, Any]:
    response = client.post(
        "/api/v1/scenarios", json={"name": name, "changes": changes}, headers=headers
    )
    assert response.status_code == 202, response.get_json()
    accepted = response.get_json()
    assert accepted["status"] == "queued"
    assert work(app) == 1
    done = client.get(f"/api/v1/scenarios/{accepted['id']}", headers=headers).get_json()
    assert done["status"] == "done", done["error"]
    return done


def farm_state(state: State) -> dict[str, Any]:
    sawp = state.vacancy("CA-SAWP", "CA-ON", 5, "Harvesting labourer", ("NOC2021", "85101"))
    state.applicants(5, "GT", "9211", destinations=["CA"])
    return sawp


def test_opening_sawp_to_guatemalans_fills_the_slots_empty_for_the_rules(
    client, app, auth_header, state
):
    farm_state(state)
    officer = auth_header("officer")
    done = run_scenario(
        client,
        app,
        officer,
        [{"type": "open_program", "program": "CA-SAWP", "nationalities": ["GT"]}],
    )
    base, scen, cmp = (
        done["results"]["baseline"],
        done["results"]["scenario"],
        done["comparison"],
    )
    assert base["by_program"].get("CA-SAWP", 0) == 0
    assert base["empty_by_program"]["CA-SAWP"]["rules"] == 5
    assert scen["by_program"]["CA-SAWP"] == 5
    assert "rules" not in scen["empty_by_program"].get("CA-SAWP", {})
    assert cmp["matched"] == {"baseline": 0, "scenario": 5, "change": 5}
    assert cmp["from_target_origins"]["change"] == 5
    assert cmp["by_origin"]["GT"]["change"] == 5
    assert {"program": "CA-SAWP", "cause": "rules", "baseline": 5, "scenario": 0, "change": -5} in (
        cmp["empty_causes_changed"]
    )
    opened = next(n for n in done["results"]["notes"] if n["kind"] == "rules_opened")
    assert opened["rules"] == [{"id": "ca-sawp.nationality", "added": ["GT"]}]


def test_extending_tvtf_says_the_border_state_rule_still_applies(client, app, auth_header, state):
    coffee = state.vacancy(
        "MX-TVTF",
        "MX-CHP",
        3,
        "Cortador de café",
        ("SINCO2019", "6113"),
        start=date(YEAR, 4, 1),
        end=date(YEAR, 9, 30),
    )
    state.applicants(3, "SV", coffee["occupation"]["isco08"], destinations=["MX"])
    done = run_scenario(
        client,
        app,
        auth_header("officer"),
        [{"type": "open_program", "program": "MX-TVTF", "nationalities": ["SV", "HN"]}],
    )
    note = next(n for n in done["results"]["notes"] if n["kind"] == "rules_opened")
    assert note["rules"] == [{"id": "mx-tvtf.nationality", "added": ["SV", "HN"]}]
    assert [k["id"] for k in note["kept"]] == ["mx-tvtf.border-states"]
    assert done["comparison"]["by_program"]["MX-TVTF"]["change"] == 3


def test_more_h2b_visas_fill_more_slots_when_the_cap_binds(
    client, app, auth_header, state, monkeypatch
):
    state.vacancy("US-H2B", "US-CO", 6, "Landscape laborer", ("SOC2018", "37-3011"))
    state.applicants(6, "HN", "9214", destinations=["US"])
    # The state of a busy year: two H-2B visas left.
    monkeypatch.setattr(caps, "remaining_for_matching", lambda session, on: {"US-H2B": 2})
    done = run_scenario(
        client, app, auth_header("officer"), [{"type": "h2b_supplemental", "amount": 3}]
    )
    base, scen = done["results"]["baseline"], done["results"]["scenario"]
    assert base["by_program"]["US-H2B"] == 2 and base["empty_by_program"]["US-H2B"]["cap"] == 4
    assert scen["by_program"]["US-H2B"] == 5 and scen["empty_by_program"]["US-H2B"]["cap"] == 1
    assert scen["program_caps"]["US-H2B"] == 5


def test_visas_reserved_for_some_nationals_go_only_to_them(
    client, app, auth_header, state, monkeypatch
):
    state.vacancy("US-H2B", "US-CO", 6, "Landscape laborer", ("SOC2018", "37-3011"))
    state.applicants(4, "GT", "9214", months=60, destinations=["US"])
    state.applicants(3, "SV", "9214", months=6, destinations=["US"])
    monkeypatch.setattr(caps, "remaining_for_matching", lambda session, on: {"US-H2B": 2})
    done = run_scenario(
        client,
        app,
        auth_header("officer"),
        [{"type": "h2b_supplemental", "amount": 2, "reserved_for": ["SV"]}],
    )
    scen = done["results"]["scenario"]
    # Two visas for anyone, two for Salvadorans only: four people, at most two Guatemalans.
    assert scen["matched"] == 4
    assert scen["by_origin"].get("GT", 0) <= 2
    note = next(n for n in done["results"]["notes"] if n["kind"] == "h2b_supplemental")
    assert note["reserved_for"] == ["SV"] and note["others"] == ["GT"]


def test_people_with_a_missing_trade_fill_slots_empty_for_the_occupation(
    client, app, auth_header, state
):
    masons = state.vacancy("US-H2B", "US-TX", 3, "Brickmason", ("SOC2018", "47-2021"))
    state.applicants(4, "GT", "9214", destinations=["US"])
    done = run_scenario(
        client,
        app,
        auth_header("officer"),
        [
            {
                "type": "add_applicants",
                "count": 3,
                "isco08": masons["occupation"]["isco08"],
                "origin": "GT",
            }
        ],
    )
    base, scen = done["results"]["baseline"], done["results"]["scenario"]
    assert base["empty_by_program"]["US-H2B"]["occupation"] == 3
    assert scen["by_program"]["US-H2B"] == 3
    assert scen["applicants"] == base["applicants"] + 3
    assert done["comparison"]["by_origin"]["GT"]["change"] == 3


def test_more_vacancies_place_people_who_were_waiting(client, app, auth_header, state):
    state.vacancy("US-H2A", "US-WA", 2, "Farmworker", ("SOC2018", "45-2092"))
    state.applicants(6, "GT", "9211", destinations=["US"])
    done = run_scenario(
        client,
        app,
        auth_header("officer"),
        [{"type": "add_vacancies", "program": "US-H2A", "count": 3, "months": 5}],
    )
    cmp = done["comparison"]
    assert cmp["slots_by_program"]["US-H2A"] == {"baseline": 2, "scenario": 5, "change": 3}
    assert cmp["by_program"]["US-H2A"] == {"baseline": 2, "scenario": 5, "change": 3}
    note = next(n for n in done["results"]["notes"] if n["kind"] == "vacancies_added")
    assert note["shaped_by"] == "open_vacancies"


def test_vacancies_for_a_program_without_any_are_drawn_from_the_demand_profile(
    client, app, auth_header, state
):
    state.applicants(3, "GT", "9211")
    done = run_scenario(
        client,
        app,
        auth_header("officer"),
        [{"type": "add_vacancies", "program": "CA-TFWP-AG", "count": 40}],
    )
    assert done["comparison"]["slots_by_program"]["CA-TFWP-AG"] == {
        "baseline": 0,
        "scenario": 40,
        "change": 40,
    }
    note = next(n for n in done["results"]["notes"] if n["kind"] == "vacancies_added")
    assert note["shaped_by"] == "demand_profile"


LIVE = (Vacancy, Applicant, Match, Placement, PlacementEvent, Program, ProgramRule)


def _snapshot(engine) -> dict[str, list[dict[str, Any]]]:
    with Session(engine) as session:
        return {
            model.__name__: [row.model_dump() for row in session.exec(select(model))]
            for model in LIVE
        }


def test_the_live_data_never_changes(client, app, auth_header, engine, state, monkeypatch):
    farm_state(state)
    state.vacancy("US-H2A", "US-WA", 2, "Farmworker", ("SOC2018", "45-2092"))
    state.applicants(4, "GT", "9211", destinations=["US"])
    officer = auth_header("officer")
    run = client.post("/api/v1/matching/runs", json={}, headers=officer).get_json()
    work(app)
    client.post(f"/api/v1/matching/runs/{run['id']}/publish", json={}, headers=officer)
    before = _snapshot(engine)
    assert before["Match"] and before["Placement"]
    monkeypatch.setattr(caps, "remaining_for_matching", lambda session, on: {"US-H2B": 1})
    run_scenario(
        client,
        app,
        officer,
        [
            {"type": "open_program", "program": "CA-SAWP", "nationalities": ["GT", "HN"]},
            {"type": "h2b_supplemental", "amount": 500, "reserved_for": ["GT"]},
            {"type": "add_vacancies", "program": "US-H2A", "count": 4},
            {"type": "add_applicants", "count": 5, "isco08": "9211", "origin": "GT"},
        ],
    )
    assert _snapshot(engine) == before


def test_a_second_scenario_on_the_same_state_reuses_the_baseline_and_compares(
    client, app, auth_header, state
):
    farm_state(state)
    officer = auth_header("officer")
    first = run_scenario(
        client,
        app,
        officer,
        [{"type": "open_program", "program": "CA-SAWP", "nationalities": ["GT"]}],
        name="abrir PTAT",
    )
    second = run_scenario(
        client,
        app,
        officer,
        [{"type": "add_vacancies", "program": "CA-SAWP", "count": 2}],
        name="más plazas",
    )
    assert second["results"]["baseline_from"] == first["id"]
    assert second["results"]["baseline"] == first["results"]["baseline"]
    assert second["state_fingerprint"] == first["state_fingerprint"]
    compared = client.get(
        f"/api/v1/scenarios/compare?ids={first['id']},{second['id']}", headers=officer
    ).get_json()
    assert compared["same_state"] is True
    assert [i["name"] for i in compared["items"]] == ["abrir PTAT", "más plazas"]
    assert compared["rows"]["matched"][0]["change"] == 5
    assert compared["rows"]["matched"][1]["change"] == 0  # more SAWP slots, nobody may take them
    # a new applicant changes the state: the next scenario computes its own baseline
    state.applicants(1, "HN", "9211")
    third = run_scenario(client, app, officer, [{"type": "h2b_supplemental", "amount": 10}])
    assert third["state_fingerprint"] != first["state_fingerprint"]
    assert third["results"]["baseline_from"] is None
    assert third["results"]["baseline"]["applicants"] == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "open_program", "program": "XX-NOPE", "nationalities": ["GT"]}, "program"),
        ({"type": "open_program", "program": "CA-SAWP", "nationalities": ["ZZ"]}, "nationalities"),
        (
            {"type": "open_program", "program": "CA-TFWP-AG", "nationalities": ["GT"]},
            "nationalities",
        ),
        ({"type": "h2b_supplemental", "amount": -100}, "amount"),
        ({"type": "h2b_supplemental", "amount": 0}, "amount"),
        ({"type": "add_vacancies", "program": "US-H2A", "count": 0}, "count"),
        ({"type": "add_vacancies", "program": "US-H2A", "count": 5, "isco08": "0000"}, "isco08"),
        ({"type": "add_applicants", "count": -3, "isco08": "9211"}, "count"),
        ({"type": "add_applicants", "count": 3, "isco08": "9999"}, "isco08"),
        ({"type": "add_applicants", "count": 3, "isco08": "9211", "origin": "NI"}, "origin"),
    ],
)
def test_bad_changes_are_refused_naming_the_field_and_nothing_is_recorded(
    client, auth_header, session, state, change, field
):
    state.applicants(1, "GT", "9211")
    response = client.post(
        "/api/v1/scenarios",
        json={"name": "mal", "changes": [change]},
        headers=auth_header("officer"),
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    where = f"changes.0.{change['type']}.{field}"
    assert any(e["field"].startswith(where) for e in problem["errors"]), problem
    session.rollback()
    assert session.exec(select(Scenario)).first() is None
    assert session.exec(select(Job)).first() is None
    assert session.exec(select(AuditEvent).where(AuditEvent.entity == "scenario")).first() is None


def test_unknown_change_types_and_two_h2b_changes_are_refused(client, auth_header, session):
    officer = auth_header("officer")
    for changes in (
        [{"type": "abolish_borders"}],
        [],
        [{"type": "h2b_supplemental", "amount": 10}, {"type": "h2b_supplemental", "amount": 5}],
    ):
        response = client.post(
            "/api/v1/scenarios", json={"name": "mal", "changes": changes}, headers=officer
        )
        assert response.status_code == 422, changes
    session.rollback()
    assert session.exec(select(Scenario)).first() is None


def test_only_officers_and_admins_use_scenarios(client, auth_header):
    body = {"name": "x", "changes": [{"type": "h2b_supplemental", "amount": 10}]}
    assert client.post("/api/v1/scenarios", json=body).status_code == 401
    for role, country in [("applicant", None), ("ministry", "US"), ("ministry", "GT")]:
        headers = auth_header(role, country)
        assert client.post("/api/v1/scenarios", json=body, headers=headers).status_code == 403
        assert client.get("/api/v1/scenarios", headers=headers).status_code == 403
        assert client.get("/api/v1/scenarios/compare?ids=1,2", headers=headers).status_code == 403
    admin = auth_header("admin")
    assert client.post("/api/v1/scenarios", json=body, headers=admin).status_code == 202
    assert client.get("/api/v1/scenarios", headers=admin).get_json()["total"] == 1
    assert client.get("/api/v1/scenarios/99999", headers=admin).status_code == 404
    assert client.get("/api/v1/scenarios/compare?ids=1,99999", headers=admin).status_code == 404
    assert client.get("/api/v1/scenarios/compare?ids=1", headers=admin).status_code == 422


def test_a_failing_scenario_is_marked_failed(client, app, auth_header, monkeypatch):
    from pathways.services import scenarios

    def boom(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(scenarios, "build_candidates", boom)
    officer = auth_header("officer")
    accepted = client.post(
        "/api/v1/scenarios",
        json={"name": "x", "changes": [{"type": "h2b_supplemental", "amount": 10}]},
        headers=officer,
    ).get_json()
    work(app)
    failed = client.get(f"/api/v1/scenarios/{accepted['id']}", headers=officer).get_json()
    assert failed["status"] == "failed" and "solver exploded" in failed["error"]
    assert failed["comparison"] is None


def test_a_stored_baseline_that_does_not_fit_the_state_is_computed_again(
    client, app, auth_header, engine, state
):
    import zlib

    import numpy as np

    sawp = farm_state(state)
    officer = auth_header("officer")
    change = [{"type": "open_program", "program": "CA-SAWP", "nationalities": ["GT"]}]
    first = run_scenario(client, app, officer, change)
    # A stored placement the same state does not allow: a Guatemalan in SAWP as things are.
    with Session(engine) as session:
        row = session.get(Scenario, first["id"])
        someone = session.exec(select(Applicant.id)).first()
        pair = np.array([[someone, sawp["id"]]], dtype=np.int64)
        row.baseline_placement = zlib.compress(pair.tobytes())
        session.add(row)
        session.commit()
    second = run_scenario(client, app, officer, change)
    assert second["results"]["baseline_from"] is None
    assert second["results"]["baseline"] == first["results"]["baseline"]
    assert second["comparison"] == first["comparison"]
