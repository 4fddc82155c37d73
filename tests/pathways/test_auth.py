"""Login, tokens and roles: 401 when we don't know you, 403 when you may not."""

from __future__ import annotations

from sqlmodel import select

from pathways.models import ApiToken, AuditEvent
from tests.conftest import PASSWORD, csrf_token


def test_missing_and_bad_tokens_are_401(client) -> None:
    for headers in ({}, {"Authorization": "Bearer pw_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        body = response.get_json(force=True)
        assert body["status"] == 401 and body["title"] and body["detail"] and body["type"]


def test_token_identifies_and_records_last_use(client, auth_header, session) -> None:
    headers = auth_header("ministry", "US")
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["role"] == "ministry"
    assert response.get_json()["country"] == "US"
    session.rollback()
    token = session.exec(select(ApiToken)).one()
    assert token.last_used_at is not None
    assert token.token_hash not in headers["Authorization"]  # only a digest is stored


def test_wrong_role_is_403(client, auth_header) -> None:
    response = client.get("/api/v1/audit-events", headers=auth_header("applicant"))
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert client.get("/api/v1/audit-events", headers=auth_header("officer")).status_code == 200


def test_revoked_token_is_401(client, session, make_user) -> None:
    from pathways.services import accounts
    from pathways.services.audit import Actor

    user = make_user("officer")
    issued = accounts.issue_token(session, user, actor=Actor.system("test"))
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert accounts.revoke_token(session, user, issued.record.id, actor=Actor.system("test"))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_login_requires_csrf(client, make_user) -> None:
    user = make_user("officer")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert (
        "csrf" in response.get_data(as_text=True).lower()
        or "form" in response.get_data(as_text=True).lower()
    )


def test_sign_in_is_audited(client, login_as, session) -> None:
    user = login_as("officer")
    session.rollback()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "user.login")).all()
    assert [e.actor_id for e in events] == [user.id]


def test_wrong_password_is_refused(client, make_user) -> None:
    user = make_user("officer")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": "nope-nope-nope", "csrf_token": token}
    )
    assert response.status_code == 400
    assert client.get("/account/tokens").status_code == 302  # still signed out


def test_passwords_are_hashed_with_a_kdf(make_user) -> None:
    user = make_user("admin")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_pages_redirect_anonymous_and_refuse_wrong_role(client, login_as) -> None:
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as("applicant")
    assert client.get("/account/tokens").status_code == 403


def test_token_page_creates_lists_and_revokes(client, login_as, session) -> None:
    login_as("officer")
    token = csrf_token(client, "/account/tokens")
    page = client.post("/account/tokens", data={"name": "ministry sync", "csrf_token": token})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "ministry sync" in text and "pw_" in text
    row = session.exec(select(ApiToken)).one()
    token = csrf_token(client, "/account/tokens")
    done = client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": token})
    assert done.status_code == 302
    session.rollback()  # end the test's read snapshot before looking again
    session.refresh(row)
    assert row.revoked_at is not None
    actions = {e.action for e in session.exec(select(AuditEvent))}
    assert {"token.issue", "token.revoke"} <= actions


def test_sign_out_needs_post_and_csrf(client, login_as) -> None:
    login_as("officer")
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/tokens").status_code == 302


def test_ministry_scoped_to_its_country() -> None:
    from flask import Flask
    from werkzeug.exceptions import Forbidden

    from pathways.auth import ensure_country
    from pathways.models import User

    ministry = User(email="m@x.org", role="ministry", country="US")
    with Flask(__name__).app_context():
        ensure_country(ministry, "US")
        try:
            ensure_country(ministry, "CA")
        except Forbidden:
            pass
        else:
            raise AssertionError("a US ministry acted for Canada")
        ensure_country(User(email="o@x.org", role="officer"), "CA")


def test_nul_characters_are_refused_not_stored(client, make_user) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": "a\x00b@example.org", "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code == 400
    api = client.get("/api/v1/occupations/resolve?title=farm%00worker")
    assert api.status_code == 422
    assert api.get_json()["errors"][0]["field"] == "query.title"


def test_an_expired_token_is_401(client, session, make_user) -> None:
    from datetime import timedelta

    from pathways.db import utcnow
    from pathways.services import accounts
    from pathways.services.audit import Actor

    issued = accounts.issue_token(session, make_user("officer"), actor=Actor.system("t"), days=1)
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    row = session.get(ApiToken, issued.record.id)
    assert row.expires_at - utcnow() < timedelta(days=1, minutes=1)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_login_is_throttled_per_account_across_addresses(database_url, make_user) -> None:
    """Ten wrong passwords for one account, from ten addresses, lock that account's login for
    a while (even with the right password); other accounts are not affected."""
    from pathways.app import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, ratelimit_enabled=True))
    target, other = make_user("officer"), make_user("officer")

    def attempt(user, password: str, address: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_token(client, "/login")
        data = {"email": user.email, "password": password, "csrf_token": token}
        return client.post("/login", data=data).status_code

    assert [attempt(target, "wrong-password", f"10.0.0.{i}") for i in range(10)] == [400] * 10
    assert attempt(target, PASSWORD, "10.0.1.1") == 429
    assert attempt(other, PASSWORD, "10.0.1.1") == 302


def test_login_is_throttled_per_address_across_accounts(database_url, make_user) -> None:
    """One address trying many accounts is stopped after 20 attempts a minute; another
    address signs in as usual."""
    from pathways.app import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, ratelimit_enabled=True))
    users = [make_user("officer") for _ in range(3)]

    def attempt(email: str, address: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_token(client, "/login")
        data = {"email": email, "password": "wrong-password", "csrf_token": token}
        return client.post("/login", data=data).status_code

    # Different accounts each time (none reaches its own limit of 10): only the address counts.
    emails = [f"guess{i}@example.org" for i in range(20)]
    assert [attempt(e, "10.9.0.1") for e in emails] == [400] * 20
    assert attempt(users[0].email, "10.9.0.1") == 429
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.0.2"
    token = csrf_token(client, "/login")
    signed_in = client.post(
        "/login", data={"email": users[1].email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
