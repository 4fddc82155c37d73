"""The audit log page: every write with who made it, readable by admins and officers."""

from __future__ import annotations

from pathways.services import accounts
from pathways.services.audit import Actor


def test_an_admin_reads_who_changed_what_and_filters_it(client, login_as, session, make_user):
    ministry = make_user("ministry", "US")
    accounts.issue_token(session, ministry, actor=Actor(user_id=ministry.id, label="user"))
    admin = login_as("admin")
    page = client.get("/audit/", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Registro de auditoría" in html
    # The token issue by the ministry and the admin's own sign-in, each with its author.
    assert "token.issue" in html and ministry.email in html
    assert "user.login" in html and admin.email in html
    only_tokens = client.get("/audit/?action=token.issue").get_data(as_text=True)
    assert ministry.email in only_tokens and "<code>user.login</code>" not in only_tokens
    # An unknown filter value is ignored, not an error.
    assert client.get("/audit/?action=nonsense&page=0").status_code == 200


def test_the_audit_log_is_in_the_menu_of_officers_and_admins_only(client, login_as) -> None:
    from tests.pathways.test_navigation import menu

    login_as("ministry", "US")
    assert "Registro de auditoría" not in menu(client)
    client.post("/logout", data={"csrf_token": ""})
    login_as("officer")
    assert menu(client)["Registro de auditoría"] == "/audit/"
