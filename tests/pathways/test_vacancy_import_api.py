"""Bulk import through the API: per-row report, idempotent, all-or-nothing, size limit."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from pathways.models import ImportBatch, Vacancy
from tests.conftest import ROOT, shared_data

TEMPLATE = (ROOT / "data" / "templates" / "vacancies.csv").read_bytes()


def _count(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Vacancy)).one()


def _csv(rows: list[str]) -> bytes:
    header = TEMPLATE.decode("utf-8-sig").splitlines()[0]
    return ("\n".join([header, *rows]) + "\n").encode()


def test_template_imports_and_reimport_creates_nothing(client, auth_header, session) -> None:
    headers = auth_header("admin")
    first = client.post(
        "/api/v1/vacancies/import?format=csv",
        data=TEMPLATE,
        headers=headers,
        content_type="text/csv",
    )
    assert first.status_code == 200, first.get_json()
    report = first.get_json()
    assert report["received"] == report["created"] + report["updated"] + report["unchanged"] + len(
        report["rejected"]
    )
    assert report["created"] >= 2
    again = client.post(
        "/api/v1/vacancies/import?format=csv",
        data=TEMPLATE,
        headers=headers,
        content_type="text/csv",
    ).get_json()
    assert again["created"] == 0 and again["unchanged"] == report["created"]
    assert _count(session) == report["created"]


def test_bad_rows_are_reported_and_the_rest_imports(client, auth_header, session) -> None:
    good = TEMPLATE.decode("utf-8-sig").splitlines()[1]
    header = TEMPLATE.decode("utf-8-sig").splitlines()[0].split(",")
    cells = good.split(",")
    ref = header.index("external_ref")
    broken = list(cells)
    broken[ref] = "BROKEN-1"
    broken[header.index("positions")] = "zero"
    fine = list(cells)
    fine[ref] = "FINE-1"
    data = _csv([",".join(broken), ",".join(fine)])
    report = client.post(
        "/api/v1/vacancies/import?format=csv", data=data, headers=auth_header("admin")
    ).get_json()
    assert report["received"] == 2 and report["created"] == 1
    assert report["rejected"][0]["row"] == 2
    assert report["rejected"][0]["errors"][0]["field"] == "positions"


def test_wrong_format_is_one_clear_error(client, auth_header) -> None:
    response = client.post(
        "/api/v1/vacancies/import?format=oflc-h2a", data=TEMPLATE, headers=auth_header("admin")
    )
    assert response.status_code == 422
    body = response.get_json()
    assert "OFLC H-2A" in body["detail"] or "oflc" in body["detail"].lower()


def test_unknown_format_and_empty_file(client, auth_header) -> None:
    headers = auth_header("admin")
    assert (
        client.post(
            "/api/v1/vacancies/import?format=xls", data=TEMPLATE, headers=headers
        ).status_code
        == 422
    )
    assert (
        client.post("/api/v1/vacancies/import?format=csv", data=b"", headers=headers).status_code
        == 422
    )


def test_multipart_upload(client, auth_header) -> None:
    import io

    response = client.post(
        "/api/v1/vacancies/import?format=csv",
        data={"file": (io.BytesIO(TEMPLATE), "vacancies.csv")},
        headers=auth_header("admin"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and response.get_json()["created"] >= 2


def test_ministry_rows_outside_its_country_are_rejected(client, auth_header) -> None:
    report = client.post(
        "/api/v1/vacancies/import?format=csv", data=TEMPLATE, headers=auth_header("ministry", "HN")
    ).get_json()
    assert report["created"] == 0
    assert all(r["errors"][0]["field"] == "worksite.country" for r in report["rejected"])


def test_file_over_the_limit_is_413(database_url, auth_header) -> None:
    from pathways import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, max_upload_mb=1))
    response = app.test_client().post(
        "/api/v1/vacancies/import?format=csv",
        data=b"x" * (1024 * 1024 + 10),
        headers=auth_header("admin"),
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_crash_mid_import_leaves_nothing(client, auth_header, session, monkeypatch) -> None:
    from pathways.services import vacancies

    calls = {"n": 0}
    real = vacancies.normalize

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(vacancies, "normalize", flaky)
    response = client.post(
        "/api/v1/vacancies/import?format=csv", data=TEMPLATE, headers=auth_header("admin")
    )
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert _count(session) == 0
    batch = session.exec(select(ImportBatch)).one()
    assert batch.status == "failed" and "nothing was saved" in batch.error


@pytest.mark.slow
def test_real_h2a_disclosure_imports_every_row(client, auth_header) -> None:
    data = shared_data("us_oflc", "h2a_disclosure_fy2022_q1.csv").read_bytes()
    report = client.post(
        "/api/v1/vacancies/import?format=oflc-h2a", data=data, headers=auth_header("ministry", "US")
    ).get_json()
    assert report["received"] == 2995
    assert report["received"] == (
        report["created"] + report["updated"] + report["unchanged"] + len(report["rejected"])
    )
    assert report["created"] >= 2900
    # Certified FY2022 rows describe work that is over: kept as closed history (the denied
    # and withdrawn cases were closed already).
    assert 2800 < report["history"] < report["created"]


def test_past_disclosure_rows_are_history_not_open_demand(client, auth_header, session) -> None:
    from pathways.services import dashboard

    data = shared_data("us_oflc", "h2a_disclosure_fy2022_q1.csv").read_bytes()
    before = dashboard.vacancy_summary(session)["positions"]
    report = client.post(
        "/api/v1/vacancies/import?format=oflc-h2a", data=data, headers=auth_header("admin")
    ).get_json()
    assert report["created"] > 2900 and report["history"] > 2800
    session.rollback()
    assert dashboard.vacancy_summary(session)["positions"] == before
    open_rows = session.exec(select(Vacancy).where(Vacancy.status == "open")).all()
    assert open_rows == []
    listing = client.get("/api/v1/vacancies?status=open", headers=auth_header("admin")).get_json()
    assert listing["total"] == 0


def test_a_vacancy_cannot_be_posted_with_work_already_over(client, auth_header) -> None:
    body = {
        "program": "US-H2A",
        "title": "Farmworker",
        "positions": 3,
        "worksite": {"country": "US", "subdivision": "US-WA"},
        "start_date": "2024-04-01",
        "end_date": "2024-10-31",
    }
    response = client.post("/api/v1/vacancies", json=body, headers=auth_header("ministry", "US"))
    assert response.status_code == 422
    assert any(e["field"] == "end_date" for e in response.get_json()["errors"])
