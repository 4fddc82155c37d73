"""Ministry pages: list, create and edit vacancies, upload files with a per-row report."""

from __future__ import annotations

import io

from sqlmodel import select

from pathways import jobs
from pathways.models import ImportBatch, Vacancy
from pathways.services.job_handlers import HANDLERS
from tests.conftest import ROOT, csrf_token

TEMPLATE = (ROOT / "data" / "templates" / "vacancies.csv").read_bytes()
FORM = {
    "program": "US-H2B",
    "title": "Landscape laborer",
    "title_lang": "en",
    "code_system": "SOC2018",
    "code": "37-3011",
    "employer": "Evergreen Landscapes LLC",
    "positions": "12",
    "subdivision": "US-VA",
    "city": "Richmond",
    "start_date": "2027-04-01",
    "end_date": "2027-11-30",
    "wage_amount": "17.50",
    "wage_currency": "USD",
    "wage_per": "hour",
    "hours_per_week": "40",
    "experience_months": "3",
    "languages": "en, es",
    "external_ref": "H-400-27001-000001",
}


def test_create_vacancy_through_the_form(client, login_as, session) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/vacancies/new")
    response = client.post("/ministry/vacancies/new", data={**FORM, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session.rollback()
    row = session.exec(select(Vacancy)).one()
    assert (row.isco08, row.positions, row.wage_amount_minor) == ("9214", 12, 1750)
    assert row.languages == ["en", "es"]
    listing = client.get("/ministry/vacancies").get_data(as_text=True)
    assert "Landscape laborer" in listing and "9214" in listing


def test_form_errors_are_shown_next_to_fields(client, login_as, session) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/vacancies/new")
    bad = {**FORM, "positions": "0", "end_date": "2026-01-01", "csrf_token": token}
    response = client.post("/ministry/vacancies/new", data=bad)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="v-positions-error"' in text and 'id="v-end_date-error"' in text
    assert 'value="Landscape laborer"' in text  # nothing the user typed is lost
    session.rollback()
    assert session.exec(select(Vacancy)).first() is None


def test_edit_and_close(client, login_as, session) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/vacancies/new")
    client.post("/ministry/vacancies/new", data={**FORM, "csrf_token": token})
    session.rollback()
    row = session.exec(select(Vacancy)).one()
    edit = f"/ministry/vacancies/{row.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="Evergreen Landscapes LLC"' in page
    token = csrf_token(client, edit)
    assert (
        client.post(edit, data={**FORM, "positions": "30", "csrf_token": token}).status_code == 302
    )
    # "Close" in the list asks first; only the confirmation closes the vacancy.
    listing = client.get("/ministry/vacancies").get_data(as_text=True)
    close = f"/ministry/vacancies/{row.id}/close"
    assert f'href="{close}"' in listing
    confirm = client.get(close).get_data(as_text=True)
    assert "Landscape laborer" in confirm and "Sí, cerrarla" in confirm
    session.rollback()
    session.refresh(row)
    assert row.status == "open"
    client.post(close, data={"csrf_token": csrf_token(client, close)})
    session.rollback()
    session.refresh(row)
    assert (row.positions, row.status) == (30, "closed")
    assert "ya está cerrada" in client.get(close).get_data(as_text=True)


def test_other_countries_vacancies_are_off_limits(client, login_as, session, make_user) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/vacancies/new")
    client.post("/ministry/vacancies/new", data={**FORM, "csrf_token": token})
    session.rollback()
    row = session.exec(select(Vacancy)).one()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("ministry", "CA")
    assert client.get(f"/ministry/vacancies/{row.id}/edit").status_code == 403
    assert "Landscape laborer" not in client.get("/ministry/vacancies").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("ministry", "GT")
    assert client.get("/ministry/vacancies").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("officer")
    assert client.get("/ministry/vacancies").status_code == 403


def test_small_upload_imports_at_once_with_report(client, login_as) -> None:
    login_as("admin")
    token = csrf_token(client, "/ministry/imports/new")
    bad_row = TEMPLATE.decode("utf-8-sig").splitlines()[1].replace(",", ",", 1)
    broken = bad_row.split(",")
    broken[0] = "BAD-ROW"
    data = TEMPLATE + (",".join(broken[:3] + ["not-a-number"] + broken[4:]) + "\n").encode()
    response = client.post(
        "/ministry/imports/new",
        data={"csrf_token": token, "format": "csv", "file": (io.BytesIO(data), "vacancies.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rows with errors" in report or "Filas con errores" in report


def test_wrong_format_upload_is_one_clear_error(client, login_as) -> None:
    login_as("admin")
    token = csrf_token(client, "/ministry/imports/new")
    response = client.post(
        "/ministry/imports/new",
        data={"csrf_token": token, "format": "lmia", "file": (io.BytesIO(TEMPLATE), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)


def test_large_upload_goes_to_the_worker_with_progress(
    client, login_as, engine, monkeypatch, session
) -> None:
    from pathways.web import ministry

    monkeypatch.setattr(ministry, "INLINE_IMPORT_BYTES", 10)
    login_as("admin")
    token = csrf_token(client, "/ministry/imports/new")
    response = client.post(
        "/ministry/imports/new",
        data={"csrf_token": token, "format": "csv", "file": (io.BytesIO(TEMPLATE), "big.csv")},
        content_type="multipart/form-data",
    )
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert "<progress" in page and "import-progress.js" in page
    assert client.get(status_url + ".json").get_json()["status"] == "queued"
    assert (
        jobs.run_worker(
            engine,
            HANDLERS,
            once=True,
            poll_seconds=0,
            settings=client.application.extensions["pathways_settings"],
        )
        == 1
    )
    progress = client.get(status_url + ".json").get_json()
    assert progress["status"] == "done" and progress["created"] >= 2
    assert progress["processed"] == progress["received"]
    session.rollback()
    assert session.exec(select(ImportBatch)).one().content is None  # the file is not kept
