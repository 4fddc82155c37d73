"""A destination ministry posts a vacancy with occupation suggestions and uploads a file."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, ROOT

pytestmark = pytest.mark.e2e


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/lang/en?next=/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_post_a_vacancy_with_suggestions(live_server, page, make_user) -> None:
    _sign_in(page, live_server, make_user("ministry", "US"))
    page.goto(f"{live_server}/ministry/vacancies/new")
    page.get_by_label("Program").select_option("US-H2A")
    page.get_by_label("Job title").fill("Apple picker")
    suggestion = page.locator("#title-occupation")
    suggestion.wait_for(state="visible")
    page.wait_for_function("document.getElementById('title-occupation').textContent.length > 0")
    assert "ISCO-08 9211" in suggestion.inner_text()
    page.get_by_label("Positions").fill("15")
    page.get_by_label("State or province").select_option("US-WA")
    page.get_by_label("City").fill("Wenatchee")
    page.get_by_label("Start date").fill("2027-08-01")
    page.get_by_label("End date").fill("2027-10-31")
    page.get_by_label("Wage", exact=True).fill("19.82")
    page.get_by_role("button", name="Save").click()
    row = page.locator("tbody tr").filter(has_text="Apple picker")
    assert "9211" in row.inner_text() and "19.82 USD/hour" in row.inner_text()


def test_upload_shows_the_row_report(live_server, page, make_user, tmp_path) -> None:
    template = (ROOT / "data" / "templates" / "vacancies.csv").read_text(encoding="utf-8-sig")
    lines = template.splitlines()
    bad = lines[1].split(",")
    bad[0], bad[3] = "BAD-1", "lots"
    path = tmp_path / "vacancies.csv"
    path.write_text("\n".join([*lines, ",".join(bad)]) + "\n", encoding="utf-8")
    _sign_in(page, live_server, make_user("admin"))
    page.goto(f"{live_server}/ministry/imports/new")
    page.get_by_label("Format").select_option("csv")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", level=1).wait_for()
    assert "finished" in page.locator("#import-status").inner_text()
    report = page.locator("#rejected").inner_text()
    assert "positions" in report and str(len(lines) + 1) in report
