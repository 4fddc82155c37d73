"""The what-if pages, in Spanish by default: compose a scenario from the menu, follow it, read
it beside the baseline (chart and tables), compare two; only officers and admins."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlmodel import select

from pathways import jobs
from pathways.models import Scenario
from pathways.services.job_handlers import HANDLERS
from tests.conftest import ROOT, csrf_token

TODO = ROOT / "translations_todo.json"


@pytest.fixture(autouse=True)
def catalogs_with_new_texts(tmp_path_factory, monkeypatch) -> None:
    """New texts wait in translations_todo.json until they are merged into the catalogs; until
    then the pages are tested with them merged in (afterwards the file is gone)."""
    if not TODO.exists():
        return
    todo = json.loads(TODO.read_text(encoding="utf-8"))
    target = tmp_path_factory.getbasetemp() / "translations-with-todo"
    for lang in ("es", "fr"):
        source = ROOT / "pathways" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with source.open("rb") as handle:
            catalog = read_po(handle)
        for msgid, texts in todo.items():
            if "||" in msgid:
                catalog.add(tuple(msgid.split("||")), tuple(texts[lang]))
            else:
                catalog.add(msgid, texts[lang])
        out = Path(target / lang / "LC_MESSAGES")
        out.mkdir(parents=True, exist_ok=True)
        with (out / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)
    monkeypatch.setattr("pathways.app.TRANSLATIONS_DIR", target)


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def menu_link(page: str, label: str) -> str:
    nav = page[page.index('class="main-nav"') :]
    nav = nav[: nav.index("</nav>")]
    found = re.search(r'<a href="([^"]+)">' + re.escape(label) + "</a>", nav)
    assert found, f"no menu entry {label!r}"
    return found.group(1)


def work(app: Any) -> None:
    settings = app.extensions["pathways_settings"]
    jobs.run_worker(
        app.extensions["pathways_engine"], HANDLERS, once=True, poll_seconds=0, settings=settings
    )


def create(client, **fields: Any) -> Any:
    data = {"csrf_token": csrf_token(client, "/scenarios/new"), **fields}
    return client.post("/scenarios/new", data=data)


def test_an_officer_composes_a_scenario_from_the_menu_in_spanish(client, login_as, app, session):
    login_as("officer")
    home = text_of(client.get("/"))
    listing = client.get(menu_link(home, "Simulador de políticas"))
    assert listing.status_code == 200
    text = text_of(listing)
    assert '<html lang="es">' in text and "Escenarios guardados" in text
    form = text_of(client.get("/scenarios/new"))
    # Plain words: program names, countries and occupations by name, in Spanish.
    for words in [
        "Abrir un programa a más nacionalidades",
        "Más visas H-2B (Estados Unidos)",
        "Programa de Trabajadores Agrícolas Temporales (PTAT) de Canadá",
        " Guatemala</label>",
        " El Salvador</label>",
    ]:
        assert words in form, words
    assert "<style" not in form and ' style="' not in form
    response = create(
        client,
        name="Abrir el PTAT",
        open_on="1",
        open_program="CA-SAWP",
        open_nationalities=["GT", "HN"],
        h2b_on="1",
        h2b_amount="5000",
    )
    assert response.status_code == 302
    session.rollback()
    saved = session.exec(select(Scenario)).one()
    assert saved.name == "Abrir el PTAT"
    assert saved.changes == [
        {"type": "open_program", "program": "CA-SAWP", "nationalities": ["GT", "HN"]},
        {"type": "h2b_supplemental", "amount": 5000, "reserved_for": []},
    ]
    waiting = text_of(client.get(response.headers["Location"]))
    assert "en espera" in waiting and "<progress" in waiting
    assert "scenario-progress.js" in waiting and 'http-equiv="refresh"' in waiting
    progress = client.get(f"/scenarios/{saved.id}.json").get_json()
    assert progress["status"] == "queued"
    listing = text_of(client.get("/scenarios/"))
    assert "Abrir el PTAT" in listing and "<progress" in listing
    assert "Abrir Programa de Trabajadores Agrícolas Temporales (PTAT) de Canadá" in listing
    assert "5000 visas H-2B más" in listing or "5.000 visas H-2B más" in listing


def test_form_errors_are_shown_next_to_the_field_and_nothing_is_saved(client, login_as, session):
    login_as("officer")
    nothing = create(client, name="vacío")
    assert nothing.status_code == 400 and "Elija al menos un cambio." in text_of(nothing)
    negative = create(client, name="negativo", h2b_on="1", h2b_amount="-20")
    page = text_of(negative)
    assert negative.status_code == 400
    assert re.search(r'id="h2b_amount-error">[^<]*mayor que 0', page), page[-3000:]
    pointless = create(
        client,
        name="ya abierto",
        open_on="1",
        open_program="CA-TFWP-AG",
        open_nationalities=["GT"],
    )
    assert pointless.status_code == 400
    assert 'id="open_nationalities-error"' in text_of(pointless)
    assert "ya admite" in text_of(pointless)
    session.rollback()
    assert session.exec(select(Scenario)).first() is None


def _results_state(client, auth_header) -> None:
    admin = auth_header("admin")
    vacancy = {
        "program": "CA-SAWP",
        "title": "Harvesting labourer",
        "positions": 4,
        "worksite": {"country": "CA", "subdivision": "CA-ON"},
        "occupation_code": {"system": "NOC2021", "code": "85101"},
        "start_date": "2027-04-01",
        "end_date": "2027-10-15",
    }
    assert client.post("/api/v1/vacancies", json=vacancy, headers=admin).status_code == 201
    for k in range(4):
        person = {
            "name": f"Persona {k}",
            "nationality": "GT",
            "birth_date": f"1990-01-0{k + 1}",
            "sex": "F",
            "residence": {"country": "GT"},
            "experience": [{"title": "jornalero", "months": 24, "isco08": "9211"}],
            "available_from": "2027-03-01",
            "available_to": "2027-11-30",
            "consent": True,
        }
        assert client.post("/api/v1/applicants", json=person, headers=admin).status_code == 201


def test_results_beside_the_baseline_with_chart_tables_and_causes(
    client, login_as, auth_header, app
):
    _results_state(client, auth_header)
    login_as("officer")
    first = create(
        client,
        name="Abrir el PTAT",
        open_on="1",
        open_program="CA-SAWP",
        open_nationalities=["GT"],
    )
    second = create(client, name="Más visas", h2b_on="1", h2b_amount="100")
    work(app)
    work(app)
    page = text_of(client.get(first.headers["Location"]))
    assert "Personas colocadas" in page
    # the headline: 0 as things are, 4 with the change
    matched = page[page.index('id="matched"') :]
    assert '<p class="big">4</p>' in matched[:400] and "+4" in matched[:600]
    # chart with a text alternative, and the same figures in a table
    assert '<svg role="img"' in page and "<title id=" in page
    row = re.search(r'<tr data-key="CA-SAWP">(.*?)</tr>', page, re.S)
    assert row and re.findall(r">(\+?\d+)</td>", row.group(1)) == ["0", "4", "+4"]
    # why places stay empty: the rules cause went away
    causes = page[page.index('id="causes"') :]
    assert "nadie puede ir según las reglas del programa" in causes
    assert "ca-sawp.nationality" in page
    # both on the list, then side by side
    listing = text_of(client.get("/scenarios/"))
    assert "0 → 4 (+4)" in listing
    ids = re.findall(r'name="ids" value="(\d+)"', listing)
    compared = client.get("/scenarios/compare", query_string={"ids": ids})
    text = text_of(compared)
    assert compared.status_code == 200 and "Comparación de escenarios" in text
    assert "Abrir el PTAT" in text and "Más visas" in text
    assert 'id="same-state"' in text and "los mismos datos" in text
    assert second.status_code == 302


def test_only_officers_and_admins_reach_the_pages(client, login_as):
    assert client.get("/scenarios/").status_code == 302  # to the login page
    login_as("ministry", "US")
    assert client.get("/scenarios/").status_code == 403
    assert client.get("/scenarios/new").status_code == 403


def test_an_applicant_is_refused(client, login_as):
    login_as("applicant")
    assert client.get("/scenarios/").status_code == 403
    assert client.get("/scenarios/compare?ids=1&ids=2").status_code == 403


def test_the_pages_speak_english_and_french_too(client, login_as):
    login_as("admin")
    client.get("/lang/en")
    assert "New scenario" in text_of(client.get("/scenarios/"))
    client.get("/lang/fr")
    assert "Nouveau scénario" in text_of(client.get("/scenarios/"))
