"""Every message a page can show has its Spanish and French translation, and page-facing
errors (form validation, import rows, file problems) are shown in the reader's language."""

from __future__ import annotations

import io

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT, csrf_token


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_catalog_is_complete(lang: str) -> None:
    path = ROOT / "pathways" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert missing == []
    # Placeholders survive translation (a lost %(name)s would raise when the page renders).
    for message in catalog:
        if message.id and "python-format" in message.flags:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = {p for i in ids for p in _placeholders(i)}
            for text in strings:
                assert _placeholders(text) <= wanted, (message.id, text)


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\((\w+)\)s", text))


BAD_FILE = (
    "external_ref,program,title,positions,worksite_country,worksite_subdivision,"
    "start_date,end_date\n"
    "X-1,US-H2A,,3,US,US-WA,2027-03-01,2027-10-31\n"
    "X-2,US-H2A,Farmworker,3,US,US-WA,someday,2027-10-31\n"
)


def test_import_row_errors_are_translated(client, login_as, session) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/imports/new")
    response = client.post(
        "/ministry/imports/new",
        data={
            "csrf_token": token,
            "format": "csv",
            "file": (io.BytesIO(BAD_FILE.encode()), "v.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "falta el título (title)" in page
    assert "“someday” no es una fecha" in page and "(columna start_date)" in page
    assert "title is empty" not in page


def test_a_file_of_the_wrong_format_is_explained_in_spanish(client, login_as) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/imports/new")
    response = client.post(
        "/ministry/imports/new",
        data={
            "csrf_token": token,
            "format": "oflc-h2a",
            "file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Este archivo no parece" in response.get_data(as_text=True)


def test_vacancy_form_errors_are_translated(client, login_as) -> None:
    login_as("ministry", "US")
    token = csrf_token(client, "/ministry/vacancies/new")
    response = client.post(
        "/ministry/vacancies/new",
        data={
            "csrf_token": token,
            "program": "US-H2B",
            "title": "Landscape laborer",
            "positions": "many",
            "subdivision": "US-WA",
            "start_date": "someday",
            "end_date": "2027-10-31",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Escriba una fecha válida" in text
    assert "Escriba un número entero" in text
    assert "Input should be" not in text
