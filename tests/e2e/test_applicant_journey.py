"""A person registers on a phone, in Spanish, from the public menu; says what their work is;
reads their profile; reaches each of their pages from the menu; answers an offer; and deletes
their data. Nothing scrolls sideways and every control is a target of at least 24 px."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.e2e.conftest import open_menu

pytestmark = pytest.mark.e2e

# Controls a finger taps (inline links inside a sentence are exempt, WCAG 2.5.8).
SMALL_TARGETS_JS = """
() => Array.from(document.querySelectorAll(
    'button, input:not([type=hidden]), select, textarea, summary, a.button, nav a'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && r.height > 0)
  .filter(([el, r]) => r.width < 24 || r.height < 24)
  .map(([el, r]) => `${el.tagName} ${el.id || el.textContent.trim()} ${r.width}x${r.height}`)
"""


def check_phone_page(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.evaluate(SMALL_TARGETS_JS) == []


def fill_registration(page) -> None:
    page.get_by_label("Correo electrónico").fill("ana.xol@example.org")
    page.get_by_label("Contraseña").fill("mi-clave-de-ana-2027")
    page.get_by_label("Su nombre completo").fill("Ana Xol Caal")
    page.get_by_label("Nacionalidad").select_option("GT")
    page.get_by_label("Fecha de nacimiento").fill(date(date.today().year - 29, 8, 9).isoformat())
    page.get_by_label("Mujer").check()
    page.get_by_label("Departamento donde vive").select_option("GT-AV")
    page.locator("input[name=languages][value=es]").check()
    page.locator("input[name=languages][value=kek]").check()
    page.get_by_label("¿Qué trabajo hizo?").first.fill("cortador de café")
    page.get_by_label("¿Cuántos meses?").first.fill("36")
    # The script adds a fourth row of work; the first three are there without it.
    assert page.locator(".job-row").count() == 3
    page.get_by_role("button", name="Agregar otro trabajo").click()
    row = page.locator(".job-row").nth(3)
    assert row.locator("legend").inner_text() == "Trabajo 4"
    row.get_by_label("¿Qué trabajo hizo?").fill("empacador")
    row.get_by_label("¿Cuántos meses?").fill("6")
    page.get_by_label("Licencia de conducir").check()
    page.get_by_label("Puedo viajar desde").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label("Puedo viajar hasta").fill((date.today() + timedelta(days=300)).isoformat())
    page.get_by_label("Estados Unidos", exact=True).check()
    page.get_by_label("Canadá", exact=True).check()
    page.get_by_label("Leí este texto y estoy de acuerdo").check()


def test_a_person_registers_and_uses_every_page_on_a_phone(live_server, page, session) -> None:
    from pathways.models import Applicant
    from tests.pathways.test_applicant_pages import make_offer

    page.goto(f"{live_server}/")
    open_menu(page, "Registrarme")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Regístrese" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#fee-warning").is_visible()
    # A forgotten box is explained next to it, and nothing typed is lost.
    fill_registration(page)
    page.get_by_label("Leí este texto y estoy de acuerdo").uncheck()
    page.get_by_role("button", name="Crear mi cuenta").click()
    page.locator("#consent-error").wait_for()
    assert "Marque la casilla" in page.locator("#consent-error").inner_text()
    assert page.get_by_label("Su nombre completo").input_value() == "Ana Xol Caal"
    assert page.locator("#jobs-3-title").input_value() == "empacador"
    check_phone_page(page)
    page.get_by_label("Leí este texto y estoy de acuerdo").check()
    page.get_by_role("button", name="Crear mi cuenta").click()

    # "¿Entendimos bien?": the resolver's reading of each job, with alternatives to choose.
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "¿Entendimos bien?"
    first = page.locator("#job-0")
    assert "Peones de explotaciones agrícolas" in first.inner_text()
    assert first.locator("input[type=radio]").count() == 5  # ours, 3 others, none of these
    assert page.locator("#job-1").get_by_label("Sí: Empacadores manuales").is_checked()
    check_phone_page(page)
    page.get_by_role("button", name="Guardar y seguir").click()

    # The profile, in plain words.
    assert page.get_by_role("heading", level=1).inner_text() == "Mi perfil"
    profile = page.locator("main").inner_text()
    for words in [
        "Gracias. Su perfil está listo.",
        "Ana Xol Caal",
        "Alta Verapaz, Guatemala",
        "Español, Q'eqchi'",
        "36 meses",
        "usted lo confirmó",
        "Licencia de conducir",
    ]:
        assert words in profile, words
    check_phone_page(page)

    session.rollback()
    ana = session.exec(select(Applicant).where(Applicant.name == "Ana Xol Caal")).one()
    make_offer(session, ana.id)

    for name, heading_text in [
        ("Mis opciones", "Mis opciones"),
        ("Mis ofertas", "Mis ofertas"),
        ("Mis datos", "Mi consentimiento y mis datos"),
        ("Mi perfil", "Mi perfil"),
        ("Inicio", "Bienvenido"),
    ]:
        open_menu(page, name)
        assert heading_text in page.get_by_role("heading", level=1).inner_text(), name
        check_phone_page(page)
        if name == "Mis opciones":
            assert page.locator("#summary").is_visible()

    # An offer, with why it was suggested, accepted after a confirmation.
    open_menu(page, "Mis ofertas")
    offer = page.locator("article.offer").first
    assert "Su trabajo se parece al del puesto" in offer.inner_text()
    offer.get_by_role("link", name="Aceptar la oferta").click()
    assert page.get_by_role("heading", level=1).inner_text() == "¿Aceptar esta oferta?"
    check_phone_page(page)
    page.get_by_role("button", name="Sí, acepto la oferta").click()
    assert "Aceptada" in page.locator("article.offer").first.inner_text()

    # Deleting the data asks first, then signs the person out.
    open_menu(page, "Mis datos")
    page.get_by_role("link", name="Borrar mis datos").click()
    check_phone_page(page)
    page.get_by_role("button", name="Sí, borrar mis datos").click()
    page.get_by_role("heading", level=1).wait_for()
    assert "Sus datos fueron borrados" in page.locator("main").inner_text()
    assert (
        page.get_by_role("navigation", name="Menú principal")
        .get_by_role("link", name="Registrarme")
        .is_visible()
    )
