"""A destination ministry, in Spanish on a phone, reaches its vacancies from the menu, posts one
with occupation suggestions, sees the list as cards, closes one after confirming, and uploads a
file with a per-row report."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import CONTRAST_JS, open_menu

pytestmark = pytest.mark.e2e


def post_vacancy(page, title: str) -> None:
    page.get_by_role("link", name="Nueva vacante").click()
    page.get_by_label("Programa").select_option("US-H2A")
    page.get_by_label("Nombre del puesto").fill(title)
    suggestion = page.locator("#title-occupation")
    suggestion.wait_for(state="visible")
    page.wait_for_function("document.getElementById('title-occupation').textContent.length > 0")
    assert "9211" in suggestion.inner_text()
    page.get_by_label("Puestos").fill("15")
    page.get_by_label("Estado o provincia").select_option("US-WA")
    page.get_by_label("Ciudad").fill("Wenatchee")
    page.get_by_label("Fecha de inicio").fill("2027-08-01")
    page.get_by_label("Fecha de fin").fill("2027-10-31")
    page.get_by_label("Salario", exact=True).fill("19.82")
    page.get_by_role("button", name="Guardar").click()
    page.get_by_role("heading", level=1).wait_for()


def test_post_list_and_close_from_the_menu_on_a_phone(
    live_server, page, make_user, sign_in
) -> None:
    sign_in(make_user("ministry", "US"))
    open_menu(page, "Vacantes")
    post_vacancy(page, "Apple picker")
    row = page.locator("tbody tr").filter(has_text="Apple picker")
    text = row.inner_text()
    assert "9211" in text and "19,82 USD" in text  # local number format
    assert "1 ago 2027" in text or "1 de ago" in text  # local date format, not ISO
    # On a phone the table reads as cards: nothing scrolls sideways, each cell is labelled.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    labels = row.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert any("Puestos" in label for label in labels)
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    # "Cerrar" is visible: contrast of at least 4.5:1 against the row, and a real target.
    close = row.get_by_role("link", name="Cerrar")
    assert close.is_visible()
    assert close.evaluate(CONTRAST_JS, "color") >= 4.5  # noqa: PLR2004
    box = close.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    # Closing asks first; "No" keeps the vacancy open, "Sí" closes it.
    close.click()
    page.get_by_role("link", name="No, dejarla abierta").click()
    assert "abierta" in page.locator("tbody tr").filter(has_text="Apple picker").inner_text()
    page.locator("tbody tr").filter(has_text="Apple picker").get_by_role(
        "link", name="Cerrar"
    ).click()
    page.get_by_role("button", name="Sí, cerrarla").click()
    assert "La vacante se cerró" in page.locator(".flash").inner_text()
    assert "cerrada" in page.locator("tbody tr").filter(has_text="Apple picker").inner_text()


def test_focus_is_visible_and_targets_are_big_enough(live_server, page, make_user, sign_in) -> None:
    sign_in(make_user("ministry", "US"))
    open_menu(page, "Vacantes")
    # Keyboard focus on a link in the page body: the ring contrasts at least 3:1.
    link = page.get_by_role("link", name="Nueva vacante")
    link.focus()
    assert link.evaluate(CONTRAST_JS, "outlineColor") >= 3
    assert link.evaluate("el => parseFloat(getComputedStyle(el).outlineWidth)") >= 2
    # Every link and button of the menus, lists and forms is at least 24 x 24 px.
    targets = "nav a, nav button, td a, td button, .actions a, button, .pager a"
    small = page.evaluate(
        """() => [...document.querySelectorAll(TARGETS)]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([t]) => t)""".replace("TARGETS", repr(targets))
    )
    assert small == []


def test_upload_shows_the_row_report_in_spanish(
    live_server, page, make_user, sign_in, tmp_path
) -> None:
    template = (ROOT / "data" / "templates" / "vacancies.csv").read_text(encoding="utf-8-sig")
    lines = template.splitlines()
    bad = lines[1].split(",")
    bad[0], bad[3] = "BAD-1", "lots"
    path = tmp_path / "vacancies.csv"
    path.write_text("\n".join([*lines, ",".join(bad)]) + "\n", encoding="utf-8")
    sign_in(make_user("ministry", "US"))
    open_menu(page, "Vacantes")
    page.get_by_role("link", name="Subir un archivo").click()
    page.get_by_label("Formato").select_option("csv")
    page.get_by_label("Archivo", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Subir").click()
    page.get_by_role("heading", level=1).wait_for()
    assert (
        "terminó" in page.locator("#import-status").inner_text()
        or page.locator("#rejected").is_visible()
    )
    report = page.locator("#rejected").inner_text()
    assert "“lots” no es un número" in report and str(len(lines) + 1) in report
