"""API conventions of API.md: problem+json errors, health, the OpenAPI document, request ids."""

from __future__ import annotations

import json
import logging

from tests.conftest import csrf_token


def test_healthz_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_is_gone(app, monkeypatch) -> None:
    from pathways.api import meta

    def broken(_engine):
        raise OSError("connection refused")

    monkeypatch.setattr(meta, "ping", broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_unknown_api_path_and_method_are_problems(client) -> None:
    for response, status in [
        (client.get("/api/v1/nothing-here"), 404),
        (client.delete("/api/v1/me"), 405),
    ]:
        assert response.status_code == status
        assert response.content_type == "application/problem+json"
        body = response.get_json(force=True)
        assert set(body) >= {"type", "title", "status", "detail"}


def test_openapi_document_declares_every_code(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["paths"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            if op.get("security"):  # absent: public (the document sets no global security)
                assert {"401", "403"} <= codes, f"{method} {path}"
            json_body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "$ref" in json_body.get("schema", {}):
                assert {"400", "422"} <= codes, f"{method} {path}"
            for code, response in op["responses"].items():
                if int(code) >= 400:
                    assert "application/problem+json" in response["content"]


def test_token_and_json_syntax_are_checked_before_the_schema(client) -> None:
    # flask-openapi validates a body before the view runs unless told otherwise: the API
    # answers 401 before looking at the body, 400 for broken JSON, whatever the Content-Type.
    assert client.post("/api/v1/vacancies", data=b"{").status_code == 401
    assert client.post("/api/v1/eligibility", data=b"{").status_code == 400
    body = json.dumps({"nationality": "GT", "birth_date": "1994-05-02"})
    assert client.post("/api/v1/eligibility", data=body).status_code == 200


def test_docs_page_works_offline(client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "apidocs.js" in text
    script = client.get("/static/js/apidocs.js").get_data(as_text=True)
    assert "openapi.json" in script and "https://" not in script


def test_one_log_line_per_request_without_personal_data(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="pathways.request")
    response = client.get(
        "/healthz?name=Maria+Lopez&birth_date=1994-05-02", headers={"X-Request-ID": "req-12345678"}
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "pathways.request"]
    assert len(lines) == 1
    line = lines[0]
    assert "request_id=req-12345678" in line and "status=200" in line and "duration_ms=" in line
    assert "Maria" not in line and "1994" not in line
    assert response.headers["X-Request-ID"] == "req-12345678"


def test_forged_request_id_is_replaced(client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "bad id; with <spaces>"})
    assert response.headers["X-Request-ID"] != "bad id; with <spaces>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_every_html_form_has_csrf(client, login_as) -> None:
    assert csrf_token(client, "/login")
    login_as("officer")
    assert csrf_token(client, "/account/tokens")
