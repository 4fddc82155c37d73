"""The vacancy API: create, list, get, update, close — normalised and scoped per ministry."""

from __future__ import annotations

import pytest
from sqlmodel import select

from pathways.models import AuditEvent, Vacancy

BODY = {
    "program": "US-H2A",
    "title": "Farmworker",
    "positions": 10,
    "worksite": {"country": "US", "subdivision": "US-WA", "city": "Yakima"},
    "wage": {"amount": 17.13, "currency": "USD", "per": "hour"},
    "start_date": "2027-04-01",
    "end_date": "2027-10-31",
    "external_ref": "H-300-25308-367094",
}


@pytest.fixture
def us(auth_header):
    return auth_header("ministry", "US")


def test_create_returns_normalised_vacancy(client, us, session) -> None:
    response = client.post("/api/v1/vacancies", json=BODY, headers=us)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["program"] == "US-H2A" and body["positions"] == 10
    assert body["occupation"]["isco08"] == "9211"
    assert 0 < body["occupation"]["confidence"] <= 1
    assert body["wage"] == {"amount": 17.13, "currency": "USD", "per": "hour"}
    assert body["wage_hourly_usd"]["amount"] == 17.13
    assert body["worksite"]["subdivision"] == "US-WA"
    row = session.exec(select(Vacancy)).one()
    assert row.wage_amount_minor == 1713  # money in integer minor units
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "vacancy.create")).one()


def test_monthly_and_foreign_wages_are_normalised(client, auth_header) -> None:
    mx = auth_header("ministry", "MX")
    body = {
        **BODY,
        "program": "MX-RT-WORK",
        "title": "Soldador",
        "title_lang": "es",
        "worksite": {"country": "MX", "subdivision": "MX-NLE", "city": "Monterrey"},
        "wage": {"amount": 12000, "currency": "MXN", "per": "month"},
        "hours_per_week": 48,
        "external_ref": "MX-1",
    }
    response = client.post("/api/v1/vacancies", json=body, headers=mx)
    assert response.status_code == 201, response.get_json()
    out = response.get_json()
    assert out["wage_hourly"]["currency"] == "MXN"
    assert 50 < out["wage_hourly"]["amount"] < 65  # 12,000 / (48 × 52/12)
    assert 2 < out["wage_hourly_usd"]["amount"] < 5
    assert out["occupation"]["isco08"] == "7212"


def test_ministry_posts_only_for_its_country(client, auth_header) -> None:
    ca = auth_header("ministry", "CA")
    response = client.post("/api/v1/vacancies", json=BODY, headers=ca)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert (
        client.post("/api/v1/vacancies", json=BODY, headers=auth_header("officer")).status_code
        == 403
    )


@pytest.mark.parametrize(
    "change,field",
    [
        ({"positions": 0}, "positions"),
        ({"program": "US-H2Z"}, "program"),
        ({"worksite": {"country": "CA"}}, "body"),
        ({"worksite": {"country": "US", "subdivision": "CA-ON"}}, "worksite"),
        ({"end_date": "2027-01-01"}, "end_date"),
        ({"wage": {"amount": -3, "currency": "USD", "per": "hour"}}, "wage.amount"),
        ({"wage": {"amount": 3, "currency": "dollars", "per": "hour"}}, "wage.currency"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_vacancy_is_422_naming_the_field(client, us, change, field) -> None:
    response = client.post("/api/v1/vacancies", json={**BODY, **change}, headers=us)
    assert response.status_code == 422, response.get_json()
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert any(f.startswith(field) for f in fields), fields


def test_duplicate_external_ref_is_409(client, us) -> None:
    assert client.post("/api/v1/vacancies", json=BODY, headers=us).status_code == 201
    again = client.post("/api/v1/vacancies", json=BODY, headers=us)
    assert again.status_code == 409


def test_list_filters_and_pages(client, us, auth_header) -> None:
    for i in range(7):
        client.post(
            "/api/v1/vacancies",
            json={
                **BODY,
                "external_ref": f"R{i}",
                "title": "Landscape laborer" if i % 2 else "Farmworker",
                "program": "US-H2B" if i % 2 else "US-H2A",
            },
            headers=us,
        )
    officer = auth_header("officer")
    page = client.get("/api/v1/vacancies?per_page=3&page=2", headers=officer).get_json()
    assert page["total"] == 7 and len(page["items"]) == 3
    h2b = client.get("/api/v1/vacancies?program=US-H2B", headers=officer).get_json()
    assert h2b["total"] == 3 and {v["program"] for v in h2b["items"]} == {"US-H2B"}
    crops = client.get("/api/v1/vacancies?isco08=9211", headers=officer).get_json()
    assert crops["total"] == 4
    bad = client.get("/api/v1/vacancies?per_page=100000", headers=officer)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "query.per_page"


def test_get_update_close(client, us, auth_header) -> None:
    created = client.post("/api/v1/vacancies", json=BODY, headers=us).get_json()
    url = f"/api/v1/vacancies/{created['id']}"
    assert client.get(url, headers=us).get_json()["external_ref"] == BODY["external_ref"]
    patched = client.patch(
        url,
        json={"positions": 25, "wage": {"amount": 18.5, "currency": "USD", "per": "hour"}},
        headers=us,
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["positions"] == 25
    assert patched.get_json()["wage"]["amount"] == 18.5
    assert patched.get_json()["title"] == "Farmworker"
    bad = client.patch(url, json={"end_date": "2020-01-01"}, headers=us)
    assert bad.status_code == 422
    other = client.post(f"{url}/close", headers=auth_header("ministry", "MX"))
    assert other.status_code == 403
    closed = client.post(f"{url}/close", headers=us)
    assert closed.get_json()["status"] == "closed"
    assert client.get(url, headers=auth_header("applicant")).status_code == 404
    assert client.get("/api/v1/vacancies/999999", headers=us).status_code == 404


def test_dates_are_iso_8601(client, us) -> None:
    body = client.post("/api/v1/vacancies", json=BODY, headers=us).get_json()
    assert body["start_date"] == "2027-04-01" and body["end_date"] == "2027-10-31"
    assert body["created_at"][:4].isdigit() and "T" in body["created_at"]
