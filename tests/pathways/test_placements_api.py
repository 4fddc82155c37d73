"""Placements through the API: the lifecycle in order, dates, who sees and moves what, bulk
moves all-or-nothing, and caps that refuse a visa number they do not have."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select

from pathways.models import Placement, PlacementEvent
from pathways.services import caps, programs
from tests.pathways.placement_rows import TODAY, cap, person, proposed_earlier, vacancy


def propose(client, headers, applicant_id: int, vacancy_id: int) -> dict[str, Any]:
    response = client.post(
        "/api/v1/placements",
        json={"applicant_id": applicant_id, "vacancy_id": vacancy_id},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def move(client, headers, pid: int, to: str, at: str | None = None):
    body = {"to": to} if at is None else {"to": to, "at": at}
    return client.post(f"/api/v1/placements/{pid}/transitions", json=body, headers=headers)


def walk(client, headers, pid: int, until: str) -> None:
    for state in ("offered", "accepted", "authorized", "visa_issued", "arrived", "completed"):
        assert move(client, headers, pid, state).status_code == 200, state
        if state == until:
            return


def test_the_lifecycle_in_order_with_history(client, auth_header, session):
    officer = auth_header("officer")
    pid = propose(client, officer, person(session), vacancy(session))["id"]
    assert move(client, officer, pid, "accepted").status_code == 409  # skips "offered"
    response = move(client, officer, pid, "offered", at=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 422  # before it was proposed
    proposed_earlier(session, pid, days=4)
    two_days_ago = (TODAY - timedelta(days=2)).isoformat()
    assert move(client, officer, pid, "offered", at=two_days_ago).status_code == 200
    earlier = (TODAY - timedelta(days=5)).isoformat()
    response = move(client, officer, pid, "accepted", at=earlier)
    assert response.status_code == 422 and "before" in response.get_json()["detail"]
    future = (TODAY + timedelta(days=1)).isoformat()
    response = move(client, officer, pid, "accepted", at=future)
    assert response.status_code == 422 and "future" in response.get_json()["detail"]
    done = move(client, officer, pid, "accepted").get_json()
    assert done["status"] == "accepted" and done["next"] == ["authorized", "withdrawn"]
    trail = done["history"]
    assert [h["to"] for h in trail] == ["proposed", "offered", "accepted"]
    assert trail[1]["at"].startswith(two_days_ago) and trail[1]["by"].startswith("officer")
    assert trail[1]["recorded_at"] > trail[1]["at"]  # recorded today, happened before


def test_bad_input_records_nothing(client, auth_header, session):
    officer = auth_header("officer")
    pid = propose(client, officer, person(session), vacancy(session))["id"]
    assert (
        client.post(
            "/api/v1/placements/999999/transitions", json={"to": "offered"}, headers=officer
        ).status_code
        == 404
    )
    unknown_state = move(client, officer, pid, "hired")
    assert unknown_state.status_code == 422
    assert unknown_state.headers["Content-Type"] == "application/problem+json"
    assert (
        client.post(
            "/api/v1/placements", json={"applicant_id": 999999, "vacancy_id": 1}, headers=officer
        ).status_code
        == 404
    )
    # Ids no 32-bit column can hold (found by the fuzzer on PostgreSQL): 422, not a 500.
    for ids in ([pid, -41], [pid, 2**35]):
        bulk = client.post(
            "/api/v1/placements/transitions", json={"ids": ids, "to": "offered"}, headers=officer
        )
        assert bulk.status_code == 422, bulk.get_json()
    session.expire_all()
    events = session.exec(select(PlacementEvent).where(PlacementEvent.placement_id == pid)).all()
    assert [e.to_status for e in events] == ["proposed"]


def test_withdrawn_from_any_state_before_completed(client, auth_header, session):
    officer = auth_header("officer")
    pid = propose(client, officer, person(session), vacancy(session))["id"]
    walk(client, officer, pid, "arrived")
    assert move(client, officer, pid, "withdrawn").status_code == 200
    assert move(client, officer, pid, "offered").status_code == 409
    other = propose(client, officer, person(session, name="Luis"), vacancy(session))["id"]
    walk(client, officer, other, "completed")
    assert move(client, officer, other, "withdrawn").status_code == 409


def test_who_sees_and_moves_what(client, auth_header, session):
    officer = auth_header("officer")
    us, ca = auth_header("ministry", "US"), auth_header("ministry", "CA")
    gt, hn = auth_header("ministry", "GT"), auth_header("ministry", "HN")
    pid = propose(client, us, person(session, "GT"), vacancy(session))["id"]
    # Canada cannot propose for a US vacancy; an origin ministry cannot propose at all
    for headers in (ca, gt):
        response = client.post(
            "/api/v1/placements",
            json={"applicant_id": person(session, "GT"), "vacancy_id": vacancy(session)},
            headers=headers,
        )
        assert response.status_code == 403
    assert client.get(f"/api/v1/placements/{pid}", headers=gt).status_code == 200
    assert client.get(f"/api/v1/placements/{pid}", headers=hn).status_code == 404
    assert client.get(f"/api/v1/placements/{pid}", headers=ca).status_code == 404
    assert move(client, gt, pid, "offered").status_code == 403  # follows, does not move
    assert move(client, us, pid, "offered").status_code == 200
    assert client.get("/api/v1/placements", headers=hn).get_json()["total"] == 0
    assert client.get("/api/v1/placements", headers=officer).get_json()["total"] == 1
    assert (
        client.get("/api/v1/placements", headers=auth_header("applicant")).get_json()["total"] == 0
    )


def test_proposing_refuses_a_full_vacancy_and_a_busy_person(client, auth_header, session):
    officer = auth_header("officer")
    one_slot = vacancy(session, positions=1)
    ana = person(session)
    propose(client, officer, ana, one_slot)
    full = client.post(
        "/api/v1/placements",
        json={"applicant_id": person(session, name="Luis"), "vacancy_id": one_slot},
        headers=officer,
    )
    assert full.status_code == 409 and "positions" in full.get_json()["detail"]
    busy = client.post(
        "/api/v1/placements",
        json={"applicant_id": ana, "vacancy_id": vacancy(session)},
        headers=officer,
    )
    assert busy.status_code == 409 and "under way" in busy.get_json()["detail"]


def test_a_crew_moves_together_or_not_at_all(client, auth_header, session):
    officer = auth_header("officer")
    crew_vacancy = vacancy(session, positions=10)
    crew = [
        propose(client, officer, person(session, name=f"P{i}"), crew_vacancy)["id"]
        for i in range(4)
    ]
    response = client.post(
        "/api/v1/placements/transitions", json={"ids": crew, "to": "offered"}, headers=officer
    )
    assert response.status_code == 200 and response.get_json()["moved"] == 4
    move(client, officer, crew[0], "accepted")  # one moves ahead of the others
    response = client.post(
        "/api/v1/placements/transitions", json={"ids": crew, "to": "accepted"}, headers=officer
    )
    problem = response.get_json()
    assert response.status_code == 409 and problem["errors"][0]["field"] == f"ids.{crew[0]}"
    session.expire_all()
    states = [session.get(Placement, pid).status for pid in crew]
    assert states == ["accepted", "offered", "offered", "offered"]  # nobody else moved


def test_the_visa_takes_a_number_and_a_full_cap_refuses_with_the_reason(
    client, auth_header, session, set_caps
):
    start = TODAY + timedelta(days=60)
    set_caps(
        "US-H2B",
        [
            cap("test.statutory", 2, kind="statutory"),
            cap(
                "test.reserved",
                1,
                reserved_for=["GT"],
                start=(start - timedelta(days=30)).isoformat(),
                end=(start + timedelta(days=30)).isoformat(),
            ),
        ],
    )
    officer = auth_header("officer")
    job = vacancy(session, positions=10, start_date=start)
    people = [person(session, "GT", name=f"G{i}") for i in range(3)]
    people.append(person(session, "HN", name="H"))
    ids = [propose(client, officer, a, job)["id"] for a in people]
    for pid in ids:
        walk(client, officer, pid, "authorized")
    keys = []
    for pid in ids[:3]:
        response = move(client, officer, pid, "visa_issued")
        assert response.status_code == 200, response.get_json()
        keys.append(response.get_json()["cap"].split("/")[0])
    assert keys == ["test.statutory", "test.statutory", "test.reserved"]
    refused = move(client, officer, ids[3], "visa_issued")
    assert refused.status_code == 409
    detail = refused.get_json()["detail"]
    assert "US-H2B cap reached" in detail and "reserved for nationals of GT" in detail
    session.expire_all()
    assert session.get(Placement, ids[3]).status == "authorized"
    # a withdrawal after the visa does not give the number back
    assert move(client, officer, ids[0], "withdrawn").status_code == 200
    assert move(client, officer, ids[3], "visa_issued").status_code == 409
    # the catalog shows the use
    catalog = client.get("/api/v1/programs").get_json()["items"]
    h2b = next(p for p in catalog if p["code"] == "US-H2B")
    use = {c["id"]: c["use"] for c in h2b["caps"]}
    assert use["test.statutory"]["used"] == 2 and use["test.statutory"]["remaining"] == 0


def test_unused_first_half_numbers_roll_into_the_second_half(session, set_caps):
    set_caps(
        "US-H2B",
        [
            cap("h1", 3, kind="statutory", month_days=["10-01", "03-31"]),
            cap("h2", 3, kind="statutory", month_days=["04-01", "09-30"]),
        ],
    )
    program = next(p for p in programs.get_catalog(session, max_age=0) if p.code == "US-H2B")
    first, second = (
        caps.Pool(c, 2027, *caps.cap_window(c, date(2027, 1, 1))) for c in program.caps
    )
    assert caps.room(first, program, {"h1/2027": 1}) == 2
    assert caps.room(second, program, {"h1/2027": 1, "h2/2027": 3}) == 2  # rolled over
    assert caps.room(first, program, {"h1/2027": 1, "h2/2027": 3}) == 2  # not backwards
    # a round on 2026-12-01 proposes for seasons starting within a year: FY2027 and the
    # first months of FY2028 each bring their statutory numbers
    left = caps.remaining_for_matching(session, date(2026, 12, 1), [program])
    assert left == {"US-H2B": 12}
    assert caps.remaining_for_matching(session, date(2027, 5, 1), [program]) == {"US-H2B": 12}
    assert caps.remaining_for_matching(session, date(2027, 9, 1), [program]) == {"US-H2B": 12}


def test_the_low_wage_share_of_an_employer_is_a_cap(client, auth_header, session):
    """Canada's low-wage stream: at most 10 % low-wage foreign workers at the work location
    (the rule in data/programs/CA-TFWP-LOW.toml), counting each worker placed here."""
    officer = auth_header("officer")
    # 100 employees, 8 low-wage foreign workers: a 9th and a 10th fit (10/102 = 9.8 %), an
    # 11th would make 11/103 = 10.7 %.
    job = vacancy(
        session,
        "CA-TFWP-LOW",
        "CA",
        positions=10,
        employer_name="Maple Foods",
        employer_workforce=100,
        employer_low_wage_tfws=8,
        employer_naics="4451",
    )
    ids = [propose(client, officer, person(session, name=f"W{i}"), job)["id"] for i in range(4)]
    results = []
    for pid in ids:
        walk(client, officer, pid, "authorized")
        results.append(move(client, officer, pid, "visa_issued"))
    assert [r.status_code for r in results] == [200, 200, 409, 409]
    assert "10.7% of the workforce" in results[2].get_json()["detail"]


@pytest.mark.parametrize("to", ["visa_issued"])
def test_unknown_workforce_means_no_share_check(client, auth_header, session, to):
    officer = auth_header("officer")
    job = vacancy(session, "CA-TFWP-LOW", "CA", positions=3)
    pid = propose(client, officer, person(session), job)["id"]
    walk(client, officer, pid, "authorized")
    assert move(client, officer, pid, to).status_code == 200
