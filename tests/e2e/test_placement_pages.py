"""An officer, in Spanish on a phone, reaches the placements from the menu, ticks a whole crew
and moves it at once, then opens one placement and records its next step with a past date; the
origin ministry follows the same placement without being able to move it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pathways.services import placements
from pathways.services.audit import Actor
from tests.e2e.conftest import open_menu
from tests.pathways.placement_rows import person, proposed_earlier, vacancy

pytestmark = pytest.mark.e2e


def test_an_officer_moves_a_crew_and_a_ministry_follows(
    live_server, page, browser, make_user, sign_in, session
) -> None:
    officer = make_user("officer")
    job = vacancy(session, positions=5, title="Empacador de mariscos")
    crew = []
    for name in ("Ana Pérez", "Luis Gómez", "Marta Cruz"):
        created = placements.create(
            session, person(session, "SV", name=name), job, user=officer, actor=Actor.system("e2e")
        )
        crew.append(created.id)
        proposed_earlier(session, created.id, days=7)  # proposed last week
    sign_in(officer)
    open_menu(page, "Colocaciones")
    page.get_by_label("Marcar todas en esta página").check()
    page.get_by_label("Nuevo estado").select_option(label="Ofrecida")
    page.get_by_label("Fecha en que ocurrió").fill((date.today() - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Mover").click()
    page.get_by_text("3 colocaciones pasaron a «Ofrecida»").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # One of them accepts two days ago: recorded today, dated when it happened.
    page.get_by_role("link", name="Luis Gómez").click()
    page.get_by_label("Aceptada").check()
    happened = date.today() - timedelta(days=2)
    page.get_by_label("Fecha en que ocurrió").fill(happened.isoformat())
    page.get_by_role("button", name="Registrar").click()
    page.get_by_text("La colocación ahora está en «Aceptada»").wait_for()
    history = page.get_by_role("table").inner_text()
    assert "Ofrecida → Aceptada" in history and officer.email in history
    # The origin ministry of the person follows it, and has no button to move it.
    follower = browser.new_context(locale="es-SV", viewport={"width": 390, "height": 844})
    other = follower.new_page()
    from tests.conftest import PASSWORD

    ministry = make_user("ministry", "SV")
    other.goto(f"{live_server}/login")
    other.get_by_label("Correo electrónico").fill(ministry.email)
    other.get_by_label("Contraseña").fill(PASSWORD)
    other.get_by_role("button", name="Iniciar sesión").click()
    other.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Colocaciones", exact=True
    ).click()
    other.get_by_role("link", name="Luis Gómez").click()
    other.get_by_role("heading", name="Luis Gómez · Aceptada").wait_for()
    assert other.get_by_role("button", name="Registrar").count() == 0
    follower.close()
