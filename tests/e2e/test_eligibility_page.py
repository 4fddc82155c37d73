"""A person fills the Spanish eligibility form on a phone and reads the result cards."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.conftest import open_menu

pytestmark = pytest.mark.e2e
MENU_NAME = "Revisar mis opciones"


def fill_as_guatemalan_adult(page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    open_menu(page, MENU_NAME)
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("#nationality").select_option("GT")
    page.locator("#birth_date").fill(date(date.today().year - 30, 3, 14).isoformat())
    page.locator("input[name=languages][value=es]").check()
    page.locator("input[name=languages][value=quc]").check()
    page.locator("#experience").fill("cortador de café")
    page.locator("#experience_months").fill("36")
    page.locator("input[name=destinations][value=CA]").check()
    page.locator("input[name=destinations][value=US]").check()
    page.locator("form button[type=submit]").last.click()
    page.locator("#program-CA-SAWP").wait_for()


def test_guatemalan_adult_reads_result_cards_on_a_phone(live_server, page) -> None:
    fill_as_guatemalan_adult(page, live_server)
    cards = page.locator("article.result")
    assert cards.count() == 8
    sawp, tfwp_ag = page.locator("#program-CA-SAWP"), page.locator("#program-CA-TFWP-AG")
    assert sawp.get_attribute("data-status") == "not_eligible"
    assert tfwp_ag.get_attribute("data-status") == "eligible"
    # The program names come from the catalog in Spanish; the failed rule links its source.
    assert "Programa de Trabajadores Agrícolas Temporales" in sawp.inner_text()
    assert sawp.locator("a[href^='https://']").first.is_visible()
    # Passed reasons are folded away; the fee warning is visible above the results.
    assert not sawp.locator("details").first.evaluate("d => d.open")
    warning = page.locator("#fee-warning")
    assert warning.is_visible()
    assert warning.bounding_box()["y"] < page.locator("#program-US-H2A").bounding_box()["y"]
    assert "Peones de explotaciones agrícolas" in page.locator("#answer").inner_text()
    # The phone-sized page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_result_cards_read_in_spanish(live_server, page) -> None:
    fill_as_guatemalan_adult(page, live_server)
    assert "No cumple" in page.locator("#program-CA-SAWP .status").inner_text()
    assert "Puede solicitar" in page.locator("#program-CA-TFWP-AG .status").inner_text()
    assert "Nunca pague" in page.locator("#fee-warning").inner_text()
    assert page.get_by_label("Nacionalidad").count() == 1


def test_errors_are_announced_next_to_the_field(live_server, page) -> None:
    page.goto(f"{live_server}/")
    open_menu(page, MENU_NAME)
    page.locator("#birth_date").fill(date(date.today().year + 1, 1, 1).isoformat())
    page.locator("form button[type=submit]").last.click()
    page.locator("#birth_date-error").wait_for()
    assert "birth_date-error" in page.locator("#birth_date").get_attribute("aria-describedby")
    assert page.locator("#nationality-error").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_cook_reads_a_short_summary_first(live_server, page) -> None:
    page.goto(f"{live_server}/")
    open_menu(page, MENU_NAME)
    page.locator("#nationality").select_option("HN")
    page.locator("#birth_date").fill(date(date.today().year - 28, 7, 1).isoformat())
    page.locator("#experience").fill("cocinero")
    page.locator("form button[type=submit]").last.click()
    summary = page.locator("#summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "Puede solicitar" in text and "No es para usted por ahora" in text
    # The summary is the first thing after the fee warning, above every card.
    assert summary.bounding_box()["y"] < page.locator("#program-US-H2A").bounding_box()["y"]
    assert page.locator("#program-US-H2A").get_attribute("data-status") == "not_eligible"
    assert page.locator("#program-US-H2B").get_attribute("data-status") == "eligible"
    # The job offer's conditions are folded away until opened.
    later = page.locator("#program-US-H2B details.later")
    assert not later.evaluate("d => d.open")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
