"""GET /api/v1/progress: the API.md document, who may read it, and the settings it follows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pathways import create_app
from pathways.services.progress import today
from tests.conftest import test_settings
from tests.pathways.progress_data import days_ago, job, person, placed

API_KEYS = {
    "target", "window", "definition", "counted", "by_destination", "by_program", "by_origin",
    "by_sex", "by_month", "expected_to_date", "forecast",
}  # fmt: skip


@pytest.fixture
def history(session):
    """Five people counted in the last ~eight months, one foreigner, one withdrawn early."""
    h2a, h2b, tvtf = job(session, "US-H2A"), job(session, "US-H2B"), job(session, "MX-TVTF")
    placed(session, person(session, "GT"), h2a, "completed", days_ago(220))
    placed(session, person(session, "GT", sex="M"), h2a, "visa_issued", days_ago(150))
    placed(session, person(session, "SV", subdivision="SV-SS"), h2b, "arrived", days_ago(90))
    placed(session, person(session, "HN", subdivision="HN-CR"), tvtf, "authorized", days_ago(40))
    placed(session, person(session, "HN", sex="M", subdivision=None), h2b, "visa_issued",
           days_ago(10), then=(("withdrawn", days_ago(2)),))  # fmt: skip
    placed(session, person(session, "NI", subdivision=None), h2a, "visa_issued", days_ago(30))
    placed(session, person(session, "GT"), h2a, "accepted", days_ago(20))


def progress_app(database_url, **target):
    return create_app(test_settings(database_url, **target))


def test_officers_admins_and_ministries_read_progress(client, auth_header) -> None:
    for role, country in (("officer", None), ("admin", None), ("ministry", "US"),
                          ("ministry", "GT")):  # fmt: skip
        response = client.get("/api/v1/progress", headers=auth_header(role, country))
        assert response.status_code == 200, (role, country)
        assert set(response.get_json()) >= API_KEYS


def test_applicants_and_strangers_do_not(client, auth_header) -> None:
    anonymous = client.get("/api/v1/progress")
    assert anonymous.status_code == 401
    assert anonymous.headers["Content-Type"].startswith("application/problem+json")
    refused = client.get("/api/v1/progress", headers=auth_header("applicant"))
    assert refused.status_code == 403
    assert refused.get_json()["status"] == 403


def test_the_document_counts_the_window_of_the_settings(app, database_url, auth_header, history):
    start = days_ago(365).replace(day=1)
    configured = progress_app(
        database_url,
        target=1000,
        target_start=start,
        target_end=start.replace(year=start.year + 2) - timedelta(days=1),
    )
    body = configured.test_client().get("/api/v1/progress", headers=auth_header()).get_json()
    assert body["target"] == 1000
    assert body["window"] == {"start": start.isoformat(),
                              "end": (start.replace(year=start.year + 2)
                                      - timedelta(days=1)).isoformat()}  # fmt: skip
    assert body["counted"] == 5
    assert body["by_destination"] == {"US": 4, "CA": 0, "MX": 1}
    assert body["by_program"]["US-H2A"] == 2 and body["by_program"]["MX-TVTF"] == 1
    assert body["by_origin"] == {"SV": 1, "GT": 2, "HN": 2}
    assert body["by_sex"] == {"F": 3, "M": 2, "X": 0}
    assert body["by_subdivision"] == {"GT-QZ": 2, "HN-CR": 1, "HN": 1, "SV-SS": 1}
    assert body["new_vs_returning"] == {"new": 5, "returning": 0}
    months = [m["month"] for m in body["by_month"]]
    assert months[0] == start.strftime("%Y-%m") and months[-1] == today().strftime("%Y-%m")
    assert sum(m["count"] for m in body["by_month"]) == 5
    assert start.isoformat() in body["definition"] and "SV, GT or HN" in body["definition"]
    assert 0 < body["expected_to_date"] < 1000 and body["as_of"] == today().isoformat()
    forecast = body["forecast"]
    assert forecast["projected"] is True
    assert forecast["low"] <= forecast["end_of_window"] <= forecast["high"]
    assert forecast["end_of_window"] >= 5 and forecast["on_track"] is False
    assert forecast["gap"] == 1000 - forecast["end_of_window"]
    assert "Poisson regression" in forecast["method"]
    # the burn-up series ends on the forecast and on the whole target
    assert forecast["by_month"][-1]["cumulative"] == forecast["end_of_window"]
    assert forecast["by_month"][-1]["target_line"] == 1000


def test_other_origins_and_a_later_start_change_the_count(database_url, auth_header, history):
    start = days_ago(100)
    configured = progress_app(database_url, target_start=start, target_origins="HN,NI")
    body = configured.test_client().get("/api/v1/progress", headers=auth_header()).get_json()
    assert body["counted"] == 3  # two Hondurans and the Nicaraguan, inside the last 100 days
    assert body["by_origin"] == {"HN": 2, "NI": 1}
    assert "HN or NI" in body["definition"]


def test_before_the_window_opens_nothing_is_counted_nor_projected(client, auth_header, history):
    # The default window starts next month.
    body = client.get("/api/v1/progress", headers=auth_header()).get_json()
    assert body["counted"] == 0 and body["by_month"] == [] and body["expected_to_date"] == 0
    forecast = body["forecast"]
    assert forecast["projected"] is False
    assert forecast["end_of_window"] == 0 and forecast["high"] is None
    assert "no day of the window has been observed" in forecast["method"]
    assert forecast["by_month"][0]["cumulative"] is None
    assert forecast["by_month"][-1]["target_line"] == body["target"]
