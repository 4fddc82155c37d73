"""The officer dashboard, its CSV files, the gap view and the public page: in Spanish, for the
right people, and showing the same figures as the API."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlmodel import Session

from pathways import create_app, jobs
from pathways.services import demo, occupations
from pathways.services.job_handlers import HANDLERS
from tests.conftest import PASSWORD, csrf_token, test_settings
from tests.pathways.progress_data import days_ago, job, person, placed

ROW_RE = re.compile(r'<tr data-code="([^"]+)">(.*?)</tr>', re.S)
CELL_RE = re.compile(r'<td data-label="[^"]*" data-column="([^"]+)">([^<]*)</td>')


def number(text: str) -> int | None:
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits else None


def html_table(page: str, key: str) -> dict[str, dict[str, str]]:
    """code → {column: text} of the table ``key`` of a page."""
    block = re.search(rf'<table class="records" data-table="{key}">(.*?)</table>', page, re.S)
    assert block, f"no table {key}"
    return {
        code: {column: text.strip() for column, text in CELL_RE.findall(cells)}
        for code, cells in ROW_RE.findall(block.group(1))
    }


def csv_table(response) -> dict[str, dict[str, str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))
    return {row["code"]: row for row in rows}


@pytest.fixture
def window(database_url):
    """An app whose 24-month window started on the first of the month a year ago."""
    start = days_ago(365).replace(day=1)
    end = start.replace(year=start.year + 2) - timedelta(days=1)
    return create_app(test_settings(database_url, target=2000, target_start=start, target_end=end))


def sign_in(app, make_user, role="officer", country=None):
    client = app.test_client()
    user = make_user(role, country)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def history(session):
    h2a, h2b, sawp = job(session, "US-H2A"), job(session, "US-H2B"), job(session, "CA-SAWP")
    for i in range(14):
        placed(session, person(session, "GT", subdivision="GT-QZ"), h2a, "completed",
               days_ago(200 + i))  # fmt: skip
    for i in range(12):
        placed(session, person(session, "HN", sex="M", subdivision="HN-CR", returning=("US-H2B",)),
               h2b, "visa_issued", days_ago(60 + i))  # fmt: skip
    for i in range(3):
        placed(session, person(session, "SV", sex="X", subdivision="SV-SS"), sawp, "arrived",
               days_ago(20 + i))  # fmt: skip
    placed(session, person(session, "NI", subdivision=None), h2a, "visa_issued", days_ago(30))


def test_the_dashboard_shows_the_figures_in_spanish(app, window, make_user, history) -> None:
    client = sign_in(window, make_user)
    page = client.get("/progress/").get_data(as_text=True)
    assert "<h1>Avance hacia la meta</h1>" in page
    assert (
        number(re.search(r'id="counted">.*?class="big"[^>]*>([^<]+)<', page, re.S).group(1)) == 29
    )
    assert "Cómo se cuentan las vías" in page and "Guatemala" in page
    assert "<svg" in page and "<style" not in page
    # every table is there, with its CSV link
    for key in ("month", "destination", "program", "origin", "department", "sex", "returning"):
        assert f'data-table="{key}"' in page and f"/progress/{key}.csv" in page
    departments = html_table(page, "department")
    assert (
        number(departments["GT-QZ"]["people"]) == 14 and number(departments["SV-SS"]["people"]) == 3
    )


def test_api_page_chart_and_csv_agree(app, window, make_user, auth_header, history) -> None:
    client = sign_in(window, make_user)
    api = window.test_client().get("/api/v1/progress", headers=auth_header()).get_json()
    page = client.get("/progress/").get_data(as_text=True)
    for key, counts in (("destination", api["by_destination"]), ("program", api["by_program"]),
                        ("origin", api["by_origin"]), ("sex", api["by_sex"]),
                        ("department", api["by_subdivision"]),
                        ("returning", api["new_vs_returning"])):  # fmt: skip
        html = html_table(page, key)
        exported = csv_table(client.get(f"/progress/{key}.csv"))
        assert {code: number(row["people"]) for code, row in html.items()} == counts, key
        assert {code: int(row["people"]) for code, row in exported.items()} == counts, key
    months = {m["month"]: m["count"] for m in api["by_month"]}
    html = html_table(page, "month")
    exported = csv_table(client.get("/progress/month.csv"))
    for month, count in months.items():
        assert number(html[month]["counted"]) == count == int(exported[month]["counted"])
    # the chart's points are the cumulative counts; its last forecast point the API's
    points = dict(re.findall(r'data-month="([\d-]+)" data-value="(\d+)"', page))
    running = 0
    for month, count in months.items():
        running += count
        assert int(points[month]) == running == int(exported[month]["cumulative"])
    forecast = re.findall(r'data-month="([\d-]+)" data-forecast="(\d+)"', page)
    assert int(forecast[-1][1]) == api["forecast"]["end_of_window"]
    assert (
        int(exported[api["forecast"]["by_month"][-1]["month"]]["forecast"])
        == (api["forecast"]["end_of_window"])
    )


@pytest.mark.parametrize("role,country", [("ministry", "US"), ("ministry", "HN"), ("admin", None)])
def test_ministries_and_admins_see_the_dashboard(client, login_as, role, country) -> None:
    login_as(role, country)
    assert client.get("/progress/").status_code == 200
    assert client.get("/progress/gap").status_code == 200
    assert client.get("/progress/sex.csv").status_code == 200


def test_applicants_and_strangers_do_not(client, login_as) -> None:
    assert client.get("/progress/").status_code == 302  # to the sign-in page
    assert client.get("/progress/month.csv").status_code == 302
    login_as("applicant")
    assert client.get("/progress/").status_code == 403
    assert client.get("/progress/gap").status_code == 403


def test_an_unknown_table_is_not_found(client, login_as) -> None:
    login_as("officer")
    assert client.get("/progress/salaries.csv").status_code == 404
    assert client.get("/progress/gap/programs.csv").status_code == 404  # no run yet


def test_before_the_window_the_dashboard_says_so(client, login_as, history) -> None:
    login_as("officer")
    page = client.get("/progress/").get_data(as_text=True)  # the default window: next month
    assert "Todavía no hay proyección" in page
    assert 'data-value="0"' in page


def test_the_gap_view_without_a_run_says_where_to_start_one(client, login_as) -> None:
    login_as("officer")
    page = client.get("/progress/gap").get_data(as_text=True)
    assert "Todavía no ha terminado ninguna ronda de emparejamiento" in page
    assert "/api/v1/docs" in page or "/matching/new" in page


def test_the_gap_view_explains_the_latest_run(app, engine, client, login_as, auth_header) -> None:
    settings = app.extensions["pathways_settings"]
    with Session(engine) as session:
        resolver = occupations.get_resolver(session)
        demo.seed_demo(session, applicants=300, vacancies=40, seed=5,
                       data_dir=settings.data_dir, resolver=resolver)  # fmt: skip
    run = client.post("/api/v1/matching/runs", json={}, headers=auth_header()).get_json()
    jobs.run_worker(engine, HANDLERS, once=True, poll_seconds=0, settings=settings)
    stats = client.get(f"/api/v1/matching/runs/{run['id']}", headers=auth_header()).get_json()
    stats = stats["stats"]
    login_as("officer")
    page = client.get("/progress/gap").get_data(as_text=True)
    assert f"Ronda de emparejamiento {run['id']}" in page
    programs = html_table(page, "programs")
    exported = csv_table(client.get("/progress/gap/programs.csv"))
    for code, causes in stats["empty_by_program"].items():
        assert number(programs[code]["empty"]) == sum(causes.values())
        for cause, n in causes.items():
            assert (
                number(programs[code][f"empty_{cause}"])
                == n
                == int(exported[code][f"empty_{cause}"])
            )
    people = html_table(page, "applicants")
    for origin, causes in stats["unmatched_by_origin"].items():
        assert number(people[origin]["without_offer"]) == sum(causes.values())
    # plain-language causes, in Spanish
    assert "Nadie registrado tiene esta ocupación" in page or "Ningún solicitante" in page


def test_the_public_page_hides_small_cells(database_url, window, history) -> None:
    client = window.test_client()
    page = client.get("/transparency/").get_data(as_text=True)
    assert "Transparencia: nuevas vías legales" in page
    assert "Cifras al" in page
    origins = html_table(page, "origin")
    assert number(origins["GT"]["people"]) == 14 and origins["SV"]["people"] == "&lt;10"
    # one small cell would be total minus the others: the next smallest goes too
    assert origins["HN"]["people"] == "—"
    sexes = html_table(page, "sex")
    assert sexes["X"]["people"] == "&lt;10" and sexes["M"]["people"] == "—"
    # no names, only totals
    assert "Testperson" not in page
    assert "Cómo se protegen" in page or "Por qué algunas cifras" in page


def test_the_public_page_is_in_the_menu_for_everyone(client) -> None:
    assert "/transparency/" in client.get("/").get_data(as_text=True)
