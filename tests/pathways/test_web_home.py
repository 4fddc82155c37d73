"""Each role lands on its own home page, in its language, with navigation for its role."""

from __future__ import annotations

import pytest


def test_public_home_is_spanish_by_default(client) -> None:
    page = client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="es">' in text
    assert "Nunca pague" in text  # the fee warning, in Spanish


@pytest.mark.parametrize("lang,needle", [("en", "Never pay"), ("fr", "Ne payez jamais")])
def test_language_switch_sticks(client, lang, needle) -> None:
    response = client.get(f"/lang/{lang}?next=/")
    assert response.status_code == 302
    text = client.get("/").get_data(as_text=True)
    assert f'<html lang="{lang}">' in text and needle in text


@pytest.mark.parametrize(
    "role,country,heading",
    [
        ("applicant", None, "Bienvenido"),
        ("ministry", "US", "US"),
        ("ministry", "GT", "GT"),
        ("officer", None, "Program officer"),
        ("admin", None, "Administration"),
    ],
)
def test_role_home_pages(client, login_as, role, country, heading) -> None:
    client.get("/lang/en") if role in {"officer", "admin"} else None
    login_as(role, country)
    page = client.get("/")
    assert page.status_code == 200
    assert heading in page.get_data(as_text=True)


def test_error_pages_are_real_and_translated(client) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "No encontramos esta página" in page.get_data(as_text=True)
    client.get("/lang/fr")
    assert "introuvable" in client.get("/no-such-page").get_data(as_text=True)


def test_pages_have_no_external_assets(client) -> None:
    for path in ["/", "/login", "/api/v1/docs"]:
        text = client.get(path).get_data(as_text=True)
        assert "http://" not in text.replace("http://www.w3.org", "")
        assert 'src="https://' not in text and 'href="https://cdn' not in text
        assert '<meta name="viewport"' in text
