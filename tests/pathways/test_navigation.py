"""Every menu link of every role leads to a page that answers 200, in the role's own menu."""

from __future__ import annotations

import re

import pytest

NAV_RE = re.compile(r'<nav[^>]*class="main-nav"[^>]*>(.*?)</nav>', re.S)
HREF_RE = re.compile(r'<a href="([^"]+)">([^<]+)</a>')

ROLES = [
    ("anonymous", None),
    ("applicant", None),
    ("ministry", "US"),
    ("ministry", "CA"),
    ("ministry", "MX"),
    ("ministry", "GT"),
    ("ministry", "SV"),
    ("ministry", "HN"),
    ("officer", None),
    ("admin", None),
]


def menu(client) -> dict[str, str]:
    page = client.get("/").get_data(as_text=True)
    match = NAV_RE.search(page)
    assert match, "the page has no main menu"
    return {label.strip(): href for href, label in HREF_RE.findall(match.group(1))}


@pytest.mark.parametrize("role,country", ROLES, ids=[f"{r}-{c or ''}" for r, c in ROLES])
def test_every_menu_link_answers(client, login_as, role, country) -> None:
    if role != "anonymous":
        login_as(role, country)
    links = menu(client)
    assert links, "an empty menu"
    for label, href in links.items():
        response = client.get(href)
        assert response.status_code == 200, f"{role} {country}: '{label}' → {href}"


def test_destination_ministry_reaches_vacancies_and_upload_from_the_menu(client, login_as) -> None:
    login_as("ministry", "US")
    vacancies = client.get(menu(client)["Vacantes"]).get_data(as_text=True)
    upload = re.search(r'href="([^"]*/ministry/imports/new[^"]*)"', vacancies)
    assert upload, "the vacancies page links to the upload page"
    assert client.get(upload.group(1)).status_code == 200


def test_origin_ministry_menu_has_no_vacancy_posting(client, login_as) -> None:
    login_as("ministry", "GT")
    assert "Vacantes" not in menu(client)


def test_a_menu_entry_without_a_page_stops_start_up(database_url, monkeypatch) -> None:
    from pathways import create_app
    from pathways.web import navigation
    from tests.conftest import test_settings

    broken = navigation.MenuEntry("ministry.vacancies", "Vacancies", navigation.everyone)
    monkeypatch.setattr(navigation, "MENU", [*navigation.MENU, broken])
    with pytest.raises(RuntimeError, match="ministry.vacancies"):
        create_app(test_settings(database_url))
