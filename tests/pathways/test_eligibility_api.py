"""POST /api/v1/eligibility and GET /api/v1/programs, as outside systems call them."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

PROGRAMS = [
    "US-H2A",
    "US-H2B",
    "CA-TFWP-AG",
    "CA-SAWP",
    "CA-TFWP-LOW",
    "CA-TFWP-HIGH",
    "MX-TVTF",
    "MX-RT-WORK",
]


def _adult(years: int = 30) -> str:
    return date(date.today().year - years, 5, 2).isoformat()


def _statuses(client, **body) -> dict[str, str]:
    response = client.post("/api/v1/eligibility", json=body)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["program"] for r in results] == PROGRAMS  # every program once, catalog order
    return {r["program"]: r["status"] for r in results}


@pytest.mark.parametrize("nationality", ["GT", "HN", "SV"])
def test_central_american_adults(client, nationality) -> None:
    status = _statuses(client, nationality=nationality, birth_date=_adult(), isco08="9211")
    assert status["CA-SAWP"] == "not_eligible"
    assert status["CA-TFWP-AG"] == "eligible"
    assert status["US-H2A"] == "eligible"
    assert status["US-H2B"] == "not_eligible"  # farm work is H-2A's, not H-2B's
    assert status["MX-TVTF"] == ("eligible" if nationality == "GT" else "not_eligible")
    # Without the person's work, the programs that depend on it cannot say "eligible".
    unknown = _statuses(client, nationality=nationality, birth_date=_adult())
    assert unknown["US-H2A"] == unknown["US-H2B"] == unknown["CA-TFWP-AG"] == "needs_review"


def test_mexican_farm_worker_can_join_sawp(client) -> None:
    status = _statuses(
        client, nationality="MX", birth_date=_adult(), isco08="9211", experience_months=24
    )
    assert status["CA-SAWP"] == "eligible"
    # Without farm experience the ministry must check it first.
    assert _statuses(client, nationality="MX", birth_date=_adult())["CA-SAWP"] == "needs_review"


def test_minor_is_never_eligible(client) -> None:
    birth = (date.today() - timedelta(days=17 * 365 + 30)).isoformat()
    assert "eligible" not in set(_statuses(client, nationality="GT", birth_date=birth).values())


@pytest.mark.parametrize(
    "as_of,expected", [("2024-12-01", "needs_review"), ("2025-02-01", "eligible")]
)
def test_h2_country_list_changes_on_2025_01_17(client, as_of, expected) -> None:
    status = _statuses(
        client, nationality="CN", birth_date="1990-01-01", as_of=as_of, isco08="9214"
    )
    assert status["US-H2A"] == expected and status["US-H2B"] == expected


def test_reasons_are_sourced_and_in_the_requested_language(client) -> None:
    response = client.post(
        "/api/v1/eligibility", json={"nationality": "HN", "birth_date": _adult(), "lang": "fr"}
    ).get_json()
    sawp = next(r for r in response["results"] if r["program"] == "CA-SAWP")
    failed = [r for r in sawp["reasons"] if r["passed"] is False]
    assert failed and all(r["source"].startswith("https://") for r in failed)
    assert sawp["next_steps"]
    spanish = client.post(
        "/api/v1/eligibility", json={"nationality": "HN", "birth_date": _adult(), "lang": "es"}
    ).get_json()
    sawp_es = next(r for r in spanish["results"] if r["program"] == "CA-SAWP")
    assert sawp_es["reasons"][0]["message"] != sawp["reasons"][0]["message"]


def test_occupation_title_is_resolved(client) -> None:
    body = client.post(
        "/api/v1/eligibility",
        json={
            "nationality": "GT",
            "birth_date": _adult(),
            "occupation_title": "cortador de café",
            "lang": "es",
        },
    ).get_json()
    assert body["occupation"]["isco08"] == "9211"


def test_a_check_stores_nothing(client, session) -> None:
    from sqlalchemy import func, select

    from pathways.db import metadata

    def counts():
        session.rollback()
        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar()
            for t in metadata.sorted_tables
        }

    before = counts()
    _statuses(client, nationality="SV", birth_date=_adult(), occupation_title="albañil")
    assert counts() == before


@pytest.mark.parametrize(
    "body,fields",
    [
        ({"nationality": "XX", "birth_date": "1990-01-01"}, {"nationality"}),
        ({"nationality": "GT", "birth_date": "1990-02-30"}, {"birth_date"}),
        (
            {"nationality": "GT", "birth_date": (date.today() + timedelta(days=3)).isoformat()},
            {"birth_date"},
        ),
        ({"nationality": "GT"}, {"birth_date"}),
        (
            {"nationality": 12, "birth_date": True, "languages": "es"},
            {"nationality", "birth_date", "languages"},
        ),
        (
            {"nationality": "GT", "birth_date": "1990-01-01", "destinations": ["FR"]},
            {"destinations.0"},
        ),
        (
            {
                "nationality": "GT",
                "birth_date": "1990-01-01",
                "available_from": "2027-05-01",
                "available_to": "2027-01-01",
            },
            {"available_to"},
        ),
        (
            {"nationality": "GT", "birth_date": "1990-01-01", "experience_months": -1},
            {"experience_months"},
        ),
        ({"nationality": "GT", "birth_date": "1990-01-01", "lang": "de"}, {"lang"}),
    ],
)
def test_bad_input_is_422_naming_each_field(client, body, fields) -> None:
    response = client.post("/api/v1/eligibility", json=body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert {e["field"] for e in response.get_json()["errors"]} >= fields


@pytest.mark.parametrize(
    "raw,status",
    [
        (b"", 422),
        (b"{", 400),
        (b"[1, 2]", 422),
        (b"null", 422),
        (b"\xff\xfe", 400),
        (json.dumps("GT").encode(), 422),
    ],
)
def test_malformed_bodies_never_500(client, raw, status) -> None:
    response = client.post("/api/v1/eligibility", data=raw, content_type="application/json")
    assert response.status_code == status
    assert response.content_type == "application/problem+json"


def test_catalog_lists_rules_sources_and_caps(client) -> None:
    body = client.get("/api/v1/programs?lang=es").get_json()
    assert [p["code"] for p in body["items"]] == PROGRAMS
    h2b = next(p for p in body["items"] if p["code"] == "US-H2B")
    statutory = [c for c in h2b["caps"] if c["kind"] == "statutory"]
    assert sum(c["amount"] for c in statutory) == 66000
    assert all("use" in c and c["use"]["used"] == 0 for c in h2b["caps"])
    nationality = [r for r in h2b["rules"] if r["id"] == "us-h2b.nationality"]
    assert len(nationality) >= 2  # both versions, with their dates
    assert all(r["source"].startswith("https://") for p in body["items"] for r in p["rules"])
    in_force = client.get("/api/v1/programs?as_of=2026-01-01").get_json()["items"]
    h2b_now = next(p for p in in_force if p["code"] == "US-H2B")
    assert len([r for r in h2b_now["rules"] if r["id"] == "us-h2b.nationality"]) == 1
