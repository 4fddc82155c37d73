"""Hostile and broken files get a clear 4xx and change nothing: spreadsheets and archives are
never opened (a zip bomb stays a few kilobytes), JSON nested too deeply is refused, binary
files are named for what they are, oversized uploads are cut off, other encodings are read."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import func, select

from pathways.models import Applicant, Vacancy


def zip_bomb() -> bytes:
    """A few kilobytes that would expand to 200 MB: what an .xlsx is, on the outside."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 200_000_000)
    return buf.getvalue()


DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize(
    ("fmt", "data", "expected"),
    [
        ("oflc-h2a", zip_bomb(), "spreadsheet or zip archive"),
        ("csv", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "Excel 97-2003"),
        ("csv", b"%PDF-1.7\n...", "PDF document"),
        ("csv", b"external_ref,program\x00\x00\x01", "NUL bytes"),
        ("jsonld", DEEP, "nested too deeply"),
        ("seasonaljobs", DEEP, "nested too deeply"),
    ],
)
def test_a_hostile_vacancy_file_is_refused_with_a_reason(
    client, auth_header, session, fmt, data, expected
) -> None:
    assert len(data) < 1_000_000
    response = client.post(
        f"/api/v1/vacancies/import?format={fmt}",
        data=data,
        headers={**auth_header("ministry", "US"), "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert expected in response.get_json()["detail"]
    assert session.exec(select(func.count()).select_from(Vacancy)).one() == 0


def test_a_spreadsheet_of_applicants_is_refused_not_opened(client, auth_header, session) -> None:
    response = client.post(
        "/api/v1/applicants/import",
        data=zip_bomb(),
        headers={**auth_header("ministry", "GT"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    assert "spreadsheet" in response.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Applicant)).one() == 0


def test_deeply_nested_json_bodies_are_refused(client) -> None:
    response = client.post(
        "/api/v1/eligibility",
        data=b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_oversized_uploads_are_cut_off(database_url, auth_header) -> None:
    from pathways.app import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, max_upload_mb=1))
    response = app.test_client().post(
        "/api/v1/vacancies/import?format=csv",
        data=b"x" * (2 * 1024 * 1024),
        headers={**auth_header("ministry", "US"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_a_utf16_spreadsheet_export_is_read(client, auth_header) -> None:
    from tests.conftest import ROOT

    template = (ROOT / "data" / "templates" / "vacancies.csv").read_text(encoding="utf-8")
    response = client.post(
        "/api/v1/vacancies/import?format=csv",
        data=template.encode("utf-16"),
        headers={**auth_header("ministry", "US"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["created"] >= 1
