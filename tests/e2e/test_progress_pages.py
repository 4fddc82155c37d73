"""On a phone, in Spanish: a ministry reaches the progress dashboard from the menu, sees the
burn-up chart and its tables without scrolling sideways, and downloads a table; anyone reaches
the public page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import open_menu
from tests.pathways.progress_data import days_ago, job, person, placed

pytestmark = pytest.mark.e2e


def test_a_ministry_follows_progress_on_a_phone(live_server, page, make_user, sign_in, session):
    h2a = job(session, "US-H2A")
    for i in range(3):
        placed(session, person(session, "GT"), h2a, "visa_issued", days_ago(3 + i))
    sign_in(make_user("ministry", "GT"))
    open_menu(page, "Progreso")
    assert page.get_by_role("heading", level=1).inner_text() == "Avance hacia la meta"
    chart = page.get_by_role("img", name="Vías nuevas contadas, mes a mes, frente a la meta")
    assert chart.is_visible() and chart.bounding_box()["width"] <= 390
    # the page itself never scrolls sideways; the tables become cards
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # The default window opens next month: the visas of these days are not counted yet.
    cards = page.locator('table[data-table="origin"] tr[data-code="GT"]')
    assert cards.inner_text().split() == ["Guatemala", "0", "—"]
    assert "Todavía no hay proyección" in page.content()
    with page.expect_download() as download:
        name = re.compile(r"Descargar esta tabla \(CSV\)\W+Por nacionalidad")
        page.get_by_role("link", name=name).click()
    assert download.value.suggested_filename.startswith("progress-origin-")
    open_menu(page, "Plazas vacías")
    assert "Todavía no ha terminado ninguna ronda" in page.content()


def test_the_public_page_reads_on_a_phone(live_server, page):
    page.goto(f"{live_server}/")
    open_menu(page, "Transparencia")
    assert page.get_by_role("heading", level=1).inner_text() == "Transparencia: nuevas vías legales"
    page.get_by_role("heading", name="Por qué algunas cifras están ocultas").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
