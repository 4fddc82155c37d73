"""Each role signs in through the real login page in a real browser and sees its home page."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

HOME_HEADINGS = {
    ("applicant", None): "Bienvenido",
    ("ministry", "US"): "Ministerio de trabajo · US",
    ("ministry", "HN"): "Ministerio de trabajo · HN",
    ("officer", None): "Oficial de programas",
    ("admin", None): "Administración",
}


@pytest.mark.parametrize(("role", "country"), list(HOME_HEADINGS), ids=lambda v: str(v))
def test_role_signs_in_and_sees_home(live_server, page, make_user, role, country) -> None:
    user = make_user(role, country)
    page.goto(f"{live_server}/lang/es?next=/login")
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    heading = page.get_by_role("heading", level=1)
    assert HOME_HEADINGS[(role, country)] in heading.inner_text()
    assert user.email in page.locator("header").inner_text()
    # The phone-sized page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_wrong_password_shows_an_error(live_server, page, make_user) -> None:
    user = make_user("officer")
    page.goto(f"{live_server}/lang/es?next=/login")
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill("not-the-password")
    page.get_by_role("button", name="Iniciar sesión").click()
    assert "incorrectos" in page.get_by_role("alert").first.inner_text()
