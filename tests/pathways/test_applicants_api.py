"""POST/GET /api/v1/applicants and the rest of an applicant's record, as outside systems use
them: who may register whom, what is validated, what consent, withdrawal and erasure do."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlmodel import select

from pathways.models import Applicant, AuditEvent, Consent, DuplicateFlag
from tests.conftest import ROOT


def body(**overrides):
    data = {
        "name": "María López Pérez",
        "nationality": "GT",
        "birth_date": "1994-05-02",
        "sex": "F",
        "residence": {"country": "GT", "subdivision": "GT-QZ"},
        "languages": ["es", "mam"],
        "experience": [{"title": "cortador de café", "months": 36}],
        "available_from": "2027-03-01",
        "available_to": "2027-11-30",
        "destinations": ["US", "CA"],
        "consent": True,
    }
    data.update(overrides)
    return data


def test_origin_ministry_registers_its_national(client, auth_header, session) -> None:
    response = client.post("/api/v1/applicants", json=body(), headers=auth_header("ministry", "GT"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["nationality"] == "GT" and created["residence"]["subdivision"] == "GT-QZ"
    job = created["experience"][0]
    assert job["isco08"] == "9211" and job["confirmed"] is False and job["confidence"] > 0.5
    session.rollback()
    consent = session.exec(select(Consent)).one()
    assert consent.text_version and consent.lang == "es" and consent.withdrawn_at is None
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "applicant.create")).first()


def test_the_api_example_is_accepted(client, auth_header) -> None:
    """The minimum body of API.md."""
    response = client.post("/api/v1/applicants", json=body(), headers=auth_header("officer"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_date": (date.today() + timedelta(days=3)).isoformat()}, "birth_date"),
        ({"nationality": "ZZ"}, "nationality"),
        ({"languages": ["es", "xxq"]}, "languages.1"),
        ({"available_from": "2027-05-01", "available_to": "2027-04-01"}, "available_to"),
        ({"consent": False}, "consent"),
        ({"residence": {"country": "GT", "subdivision": "GT-XX"}}, "residence"),
        ({"sex": "Q"}, "sex"),
    ],
)
def test_malformed_applicants_get_422_naming_the_field(client, auth_header, session, change, field):
    response = client.post(
        "/api/v1/applicants", json=body(**change), headers=auth_header("officer")
    )
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert any(e["field"].startswith(field) for e in problem["errors"]), problem
    session.rollback()
    assert session.exec(select(Applicant)).first() is None  # nothing stored


def test_who_may_register_whom(client, auth_header) -> None:
    assert client.post("/api/v1/applicants", json=body()).status_code == 401
    us = client.post("/api/v1/applicants", json=body(), headers=auth_header("ministry", "US"))
    assert us.status_code == 403
    sv = client.post("/api/v1/applicants", json=body(), headers=auth_header("ministry", "SV"))
    assert sv.status_code == 403  # a Salvadoran ministry registers Salvadorans


def test_an_applicant_registers_once_and_sees_only_themself(client, auth_header) -> None:
    mine = auth_header("applicant")
    first = client.post("/api/v1/applicants", json=body(), headers=mine)
    assert first.status_code == 201
    again = client.post("/api/v1/applicants", json=body(name="Otra Persona"), headers=mine)
    assert again.status_code == 409
    other = client.post(
        "/api/v1/applicants", json=body(name="Ana Xicará"), headers=auth_header("officer")
    ).get_json()
    assert (
        client.get(f"/api/v1/applicants/{first.get_json()['id']}", headers=mine).status_code == 200
    )
    assert client.get(f"/api/v1/applicants/{other['id']}", headers=mine).status_code == 403


def test_who_may_read_an_applicant(client, auth_header) -> None:
    created = client.post("/api/v1/applicants", json=body(), headers=auth_header("officer"))
    url = f"/api/v1/applicants/{created.get_json()['id']}"
    assert client.get(url, headers=auth_header("ministry", "GT")).status_code == 200
    assert client.get(url, headers=auth_header("ministry", "HN")).status_code == 403
    assert client.get(url, headers=auth_header("ministry", "US")).status_code == 403
    assert client.get(url, headers=auth_header("admin")).status_code == 200
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/applicants/999999", headers=auth_header("admin")).status_code == 404


def test_update_confirms_and_changes_fields(client, auth_header) -> None:
    officer = auth_header("officer")
    created = client.post("/api/v1/applicants", json=body(), headers=officer).get_json()
    url = f"/api/v1/applicants/{created['id']}"
    changed = client.patch(
        url,
        json={
            "experience": [{"title": "cortador de café", "months": 40, "isco08": "6111"}],
            "destinations": ["US"],
        },
        headers=officer,
    )
    assert changed.status_code == 200, changed.get_json()
    data = changed.get_json()
    assert data["experience"][0]["isco08"] == "6111" and data["experience"][0]["confirmed"]
    assert data["destinations"] == ["US"] and data["name"] == "María López Pérez"
    bad = client.patch(url, json={"available_to": "2020-01-01"}, headers=officer)
    assert bad.status_code == 422


def test_consent_withdrawal_and_erasure(client, auth_header, session) -> None:
    officer = auth_header("officer")
    created = client.post("/api/v1/applicants", json=body(phone="+502 5555 0101"), headers=officer)
    url = f"/api/v1/applicants/{created.get_json()['id']}"
    withdrawn = client.post(f"{url}/consent/withdraw", headers=officer).get_json()
    assert withdrawn["status"] == "withdrawn" and withdrawn["consent"]["withdrawn_at"]
    erased = client.delete(url, headers=officer).get_json()
    assert erased["status"] == "deleted"
    assert erased["name"] == "" and erased["phone"] is None
    assert erased["birth_date"] == "1994-01-01"  # the year stays for the counts
    assert erased["nationality"] == "GT" and erased["sex"] == "F"
    assert erased["experience"][0]["title"] == "" and erased["experience"][0]["isco08"] == "9211"
    session.rollback()
    row = session.exec(select(Applicant)).one()
    assert "López" not in str(row.model_dump())


def test_verification_by_the_origin_ministry(client, auth_header) -> None:
    created = client.post("/api/v1/applicants", json=body(), headers=auth_header("officer"))
    url = f"/api/v1/applicants/{created.get_json()['id']}/verify"
    assert client.post(url, headers=auth_header("ministry", "HN")).status_code == 403
    verified = client.post(url, headers=auth_header("ministry", "GT"))
    assert verified.status_code == 200 and verified.get_json()["verified"] is True


def test_the_same_person_registered_twice_is_flagged_not_merged(client, auth_header, session):
    gt = auth_header("ministry", "GT")
    client.post("/api/v1/applicants", json=body(name="José Luis Pérez García"), headers=gt)
    second = client.post("/api/v1/applicants", json=body(name="Jose Luis Garcia Perez"), headers=gt)
    assert second.status_code == 201
    data = second.get_json()
    assert data["duplicates"] and data["duplicates"][0]["status"] == "open"
    flags = client.get("/api/v1/duplicates?status=open&lang=es", headers=gt).get_json()
    assert flags["total"] == 1
    flag = flags["items"][0]
    assert "Misma fecha de nacimiento" in flag["explanation"]
    assert (
        client.get("/api/v1/duplicates", headers=auth_header("ministry", "SV")).get_json()["total"]
        == 0
    )
    session.rollback()
    assert len(session.exec(select(Applicant)).all()) == 2  # never merged
    resolved = client.post(
        f"/api/v1/duplicates/{flag['id']}/resolve", json={"decision": "same"}, headers=gt
    )
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "same"
    again = client.post(
        f"/api/v1/duplicates/{flag['id']}/resolve", json={"decision": "different"}, headers=gt
    )
    assert again.status_code == 409
    session.rollback()
    newer = session.get(Applicant, data["id"])
    assert newer.status == "withdrawn"  # the newer record is no longer matched
    assert session.exec(select(DuplicateFlag)).one().resolved_by_id is not None


def test_ministry_imports_applicants_with_a_row_report(client, auth_header, session) -> None:
    template = (ROOT / "data" / "templates" / "applicants.csv").read_bytes()
    bad = b"GT-BAD-1,Sin Consentimiento,GT,1990-01-01,M,GT-QZ,es,albanil:12,,,US,,,,,es,no,es\n"
    data = template + bad
    gt = auth_header("ministry", "GT")
    report = client.post(
        "/api/v1/applicants/import", data=data, headers={**gt, "Content-Type": "text/csv"}
    ).get_json()
    assert report["received"] == 3 and report["created"] == 2
    assert report["rejected"][0]["row"] == 4
    assert report["rejected"][0]["errors"][0]["field"] == "consent"
    again = client.post(
        "/api/v1/applicants/import",
        data={"file": (io.BytesIO(data), "a.csv")},
        headers=gt,
        content_type="multipart/form-data",
    ).get_json()
    assert again["created"] == 0 and again["unchanged"] == 2
    hn = client.post(
        "/api/v1/applicants/import",
        data=template,
        headers={**auth_header("ministry", "HN"), "Content-Type": "text/csv"},
    ).get_json()
    assert hn["created"] == 0 and len(hn["rejected"]) == 2  # not its nationals
