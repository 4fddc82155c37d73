"""Security headers on every kind of response: pages, API, static files, errors."""

from __future__ import annotations

import pytest

from pathways.app import create_app
from tests.conftest import test_settings


@pytest.mark.parametrize(
    "path", ["/", "/login", "/api/v1/programs", "/static/css/site.css", "/no-such-page"]
)
def test_every_response_carries_the_security_headers(client, path) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # off unless set


def test_hsts_is_sent_when_set(database_url) -> None:
    app = create_app(test_settings(database_url, hsts_seconds=31536000))
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_templates_have_no_inline_script_or_style() -> None:
    """The policy refuses them; the browser tests catch what a template builds at run time."""
    from tests.conftest import ROOT

    for template in (ROOT / "pathways" / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "<style" not in text, template
        assert ' style="' not in text and " onclick=" not in text, template


def test_exported_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    import csv
    import io

    from pathways.exports import csv_bytes

    data = csv_bytes(
        ["title", "positions", "note"],
        [['=HYPERLINK("http://x")', 12, "+1 555"], ["@SUM(A1)", -3, "-cmd|' /C calc'!A0"]],
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "12", "'+1 555"]
    assert rows[2] == ["'@SUM(A1)", "-3", "'-cmd|' /C calc'!A0"]  # a negative number stays


def test_the_vacancy_export_neutralises_formulas() -> None:
    from pathways.imports import ParsedVacancy, write_template

    vacancy = ParsedVacancy(
        external_ref="X-1",
        program="US-H2A",
        title="=1+1",
        positions=3,
        worksite_country="US",
        source="api",
        employer_name="@evil",
    )
    text = write_template([vacancy]).decode("utf-8-sig")
    assert ",'=1+1," in text and ",'@evil," in text and ",3," in text


def test_the_session_cookie_is_secure_httponly_and_samesite_in_production(
    database_url, make_user
) -> None:
    from tests.conftest import PASSWORD, csrf_token

    app = create_app(test_settings(database_url, env="production"))
    user = make_user("officer")
    client = app.test_client()
    token = csrf_token(client, "/login")
    signed_in = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    cookies = signed_in.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    flags = {part.strip().split("=")[0].lower() for part in session_cookie.split(";")}
    assert {"secure", "httponly", "samesite"} <= flags, session_cookie
    assert "SameSite=Lax" in session_cookie
