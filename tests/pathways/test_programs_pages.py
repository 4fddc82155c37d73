"""The programs page (officers, admins, ministries) and adding a rule version from the web."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import _empty_tables, csrf_token, test_settings

PROGRAMS = [
    "US-H2A",
    "US-H2B",
    "CA-TFWP-AG",
    "CA-SAWP",
    "CA-TFWP-LOW",
    "CA-TFWP-HIGH",
    "MX-TVTF",
    "MX-RT-WORK",
]
NEW_RULE_PATH = "/programs/MX-TVTF/rules/new"


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    """The app with no catalog cache, so a new rule version is in force at once; web-added
    versions are removed afterwards (reference tables outlive a test)."""
    from pathways import create_app
    from pathways.models import ProgramRule
    from pathways.services import programs

    application = create_app(test_settings(database_url, catalog_cache_seconds=0))
    yield application
    engine = application.extensions["pathways_engine"]
    with engine.begin() as conn:
        conn.execute(delete(ProgramRule).where(ProgramRule.origin == "web"))
    with application.app_context():
        from sqlmodel import Session

        from pathways.services.reference import bump_version

        with Session(engine) as s:
            bump_version(s, "programs", f"cleanup-{date.today().isoformat()}-{id(application)}")
            s.commit()
    programs._catalog.clear()
    _empty_tables(engine)


def _rule_rows(engine: Any, rule_id: str) -> list[Any]:
    from pathways.models import ProgramRule

    with engine.connect() as conn:
        return list(
            conn.execute(
                select(ProgramRule.effective_from, ProgramRule.origin, ProgramRule.loaded_by_id)
                .where(ProgramRule.rule_id == rule_id)
                .order_by(ProgramRule.effective_from)
            )
        )


def _audit_count(engine: Any, action: str) -> int:
    from pathways.models import AuditEvent

    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()


def _version_rows(html: str, rule_id: str) -> list[str]:
    start = html.index(f'data-rule="{rule_id}"')
    table = html[start : html.index("</table>", start)]
    return re.findall(r"<tr class=.*?</tr>", table, flags=re.S)


def _new_version(client: Any, path: str = NEW_RULE_PATH, **overrides: Any) -> Any:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    data = {
        "csrf_token": csrf_token(client, path),
        "rule_id": "mx-tvtf.nationality",
        "effective_from": tomorrow,
        "scope": "applicant",
        "basis": "law",
        "certainty": "official",
        "on_fail": "not_eligible",
        "on_missing": "needs_review",
        "source": "https://www.diputados.gob.mx/LeyesBiblio/pdf/LMigra.pdf",
        "text_es": "Ser de Guatemala, Belice u Honduras.",
        "text_en": "Be a national of Guatemala, Belize or Honduras.",
        "text_fr": "Être ressortissant du Guatemala, du Belize ou du Honduras.",
        "remedy_es": "Solo para personas de Guatemala, Belice y Honduras.",
        "remedy_en": "Only for nationals of Guatemala, Belize and Honduras.",
        "remedy_fr": "Réservée aux ressortissants du Guatemala, du Belize et du Honduras.",
        "condition": json.dumps(
            {"fact": "applicant.nationality", "op": "in", "values": ["GT", "BZ", "HN"]}
        ),
    }
    data.update(overrides)
    return client.post(path, data=data)


def _tvtf_status(client: Any, nationality: str, as_of: str) -> str:
    response = client.post(
        "/api/v1/eligibility",
        json={
            "nationality": nationality,
            "birth_date": "1990-05-02",
            "lang": "en",
            "as_of": as_of,
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    result = next(r for r in response.get_json()["results"] if r["program"] == "MX-TVTF")
    return result["status"]


def test_officer_sees_every_program_with_rule_history(client, login_as) -> None:
    client.get("/lang/en")
    login_as("officer")
    page = client.get("/programs/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    positions = [html.index(f'id="{code}"') for code in PROGRAMS]
    assert positions == sorted(positions)  # catalog order
    assert "Border Worker Visitor Card (Mexico)" in html
    assert "https://www.diputados.gob.mx/LeyesBiblio/pdf/LMigra.pdf" in html
    assert "Caps and their current use" in html and "33000" in html  # H-2B statutory cap
    rows = _version_rows(html, "mx-tvtf.nationality")
    assert len(rows) == 1 and 'data-state="in_force"' in rows[0]
    assert "2012-11-09" in rows[0] and "data file" in rows[0] and "official" in rows[0]
    assert html.count('data-state="in_force"') > 30
    # An officer reads; only admins and destination ministries add versions.
    assert "/rules/new" not in html
    assert client.get(NEW_RULE_PATH).status_code == 403


def test_programs_page_is_for_staff_only(client, login_as) -> None:
    response = client.get("/programs/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as("applicant")
    assert client.get("/programs/").status_code == 403
    assert client.get(NEW_RULE_PATH).status_code == 403


@pytest.mark.parametrize(
    ("role", "country"), [("admin", None), ("ministry", "MX"), ("ministry", "GT")]
)
def test_staff_roles_see_the_page(client, login_as, role, country) -> None:
    login_as(role, country)
    assert client.get("/programs/").status_code == 200


def test_admin_adds_a_version_that_applies_from_its_date(client, login_as, engine) -> None:
    client.get("/lang/en")
    admin = login_as("admin")
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    assert _tvtf_status(client, "HN", tomorrow.isoformat()) == "not_eligible"

    form = client.get(NEW_RULE_PATH + "?rule=mx-tvtf.nationality").get_data(as_text=True)
    assert "&#34;GT&#34;" in form or '"GT"' in form  # prefilled with the current condition
    response = _new_version(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/programs/#MX-TVTF")

    rows = _rule_rows(engine, "mx-tvtf.nationality")
    assert [(r.effective_from, r.origin) for r in rows] == [
        (date(2012, 11, 9), "data"),
        (tomorrow, "web"),
    ]
    assert rows[1].loaded_by_id == admin.id
    assert _audit_count(engine, "rule.add_version") == 1

    html = client.get("/programs/").get_data(as_text=True)
    assert "Saved: a new version of mx-tvtf.nationality" in html
    old, new = _version_rows(html, "mx-tvtf.nationality")
    assert 'data-state="in_force"' in old and f"superseded from {tomorrow.isoformat()}" in old
    assert today.isoformat() in old  # its last day is today
    assert 'data-state="future"' in new and "web form" in new and admin.email in new

    # The API follows the version in force on `as_of`.
    assert _tvtf_status(client, "HN", tomorrow.isoformat()) == "eligible"
    assert _tvtf_status(client, "HN", today.isoformat()) == "not_eligible"
    assert _tvtf_status(client, "GT", today.isoformat()) == "eligible"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"condition": "{not json"}, "condition", "not valid JSON"),
        ({"condition": "[1, 2]"}, "condition", "JSON object"),
        (
            {"condition": json.dumps({"fact": "applicant.shoe_size", "op": "eq", "value": 1})},
            "condition",
            "not saved",
        ),
        (
            {
                "condition": json.dumps(
                    {"fact": "vacancy.worksite_country", "op": "eq", "value": "MX"}
                )
            },
            "scope",
            "job-offer",
        ),
        ({"certainty": "uncertain"}, "certainty", "uncertain"),
        ({"effective_from": "2012-11-09"}, "effective_from", "overlap"),
        ({"effective_from": "2010-01-01"}, "effective_from", "overlap"),
        ({"effective_to": "2000-01-01"}, "effective_to", "before the start"),
        ({"source": "http://example.org/rule"}, "source", "https://"),
        ({"text_fr": ""}, "text_fr", "required"),
        ({"remedy_fr": ""}, "remedy_fr", "Spanish, English and French"),
        ({"effective_from": ""}, "effective_from", "first day"),
        ({"rule_id": "__new__", "new_rule_id": "us-h2a.age"}, "new_rule_id", "mx-tvtf."),
        ({"rule_id": "not-a-rule"}, "rule_id", ""),
    ],
)
def test_invalid_versions_are_refused_and_nothing_is_saved(
    client, login_as, engine, overrides, field, message
) -> None:
    client.get("/lang/en")
    login_as("admin")
    before = _rule_rows(engine, "mx-tvtf.nationality")
    response = _new_version(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The rule was not saved" in html
    assert f'id="{field}-error"' in html
    assert message in html
    assert _rule_rows(engine, "mx-tvtf.nationality") == before
    assert _audit_count(engine, "rule.add_version") == 0


def test_a_new_rule_id_can_be_added(client, login_as, engine) -> None:
    login_as("admin")
    response = _new_version(
        client,
        rule_id="__new__",
        new_rule_id="mx-tvtf.age-maximum",
        condition=json.dumps({"fact": "applicant.age", "op": "le", "value": 70}),
        certainty="uncertain",
        on_fail="needs_review",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert [r.origin for r in _rule_rows(engine, "mx-tvtf.age-maximum")] == ["web"]


def test_post_without_csrf_is_refused(client, login_as, engine) -> None:
    login_as("admin")
    before = _rule_rows(engine, "mx-tvtf.nationality")
    response = client.post(NEW_RULE_PATH, data={"rule_id": "mx-tvtf.nationality"})
    assert response.status_code == 400
    assert _rule_rows(engine, "mx-tvtf.nationality") == before


def test_destination_ministry_only_for_its_own_programs(client, login_as, engine) -> None:
    client.get("/lang/en")
    login_as("ministry", "US")
    html = client.get("/programs/").get_data(as_text=True)
    assert "/programs/US-H2A/rules/new" in html and "/programs/CA-SAWP/rules/new" not in html
    assert client.get("/programs/CA-SAWP/rules/new").status_code == 403
    refused = _new_version(client, path="/programs/CA-SAWP/rules/new")
    assert refused.status_code in (400, 403)  # no form for it: CSRF page fetch is refused too
    response = _new_version(
        client,
        path="/programs/US-H2A/rules/new",
        rule_id="us-h2a.age",
        condition=json.dumps({"fact": "applicant.age", "op": "ge", "value": 18}),
        source="https://www.ecfr.gov/current/title-20/chapter-V/part-655",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert [r.origin for r in _rule_rows(engine, "us-h2a.age")][-1] == "web"
    assert client.get("/programs/NO-SUCH/rules/new").status_code == 404
