"""Staff journeys in a real browser, in Spanish on a phone, every page reached from the menu:
an origin ministry registers a person, uploads the template file, resolves the duplicate it
creates and verifies someone; an officer starts a matching run, waits for it, publishes it and
finds that in the audit log; the destination ministry then reads its anonymised candidates."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import open_menu

pytestmark = pytest.mark.e2e

TEMPLATE = ROOT / "data" / "templates" / "applicants.csv"


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_origin_ministry_registers_uploads_resolves_and_verifies(
    live_server, page, make_user, sign_in, tmp_path
) -> None:
    sign_in(make_user("ministry", "GT"))
    open_menu(page, "Inscripciones")
    no_sideways_scroll(page)
    # One person through the form: an error first, shown next to its field and in Spanish.
    page.get_by_role("link", name="Inscribir a una persona").click()
    page.get_by_label("Nombre completo").fill("Jose Luis Garcia Perez")
    page.get_by_label("Fecha de nacimiento").fill("1988-11-20")
    page.get_by_label("Hombre").check()
    page.get_by_label("Departamento de residencia").select_option("GT-SM")
    page.get_by_label("Trabajo 1", exact=True).fill("jornalero agrícola")
    page.get_by_label("Meses en el trabajo 1").fill("60")
    page.get_by_role("button", name="Inscribir", exact=True).click()
    consent_error = page.locator("#consent-error")
    assert "consentimiento" in consent_error.inner_text()
    assert page.get_by_label("Nombre completo").input_value() == "Jose Luis Garcia Perez"
    no_sideways_scroll(page)
    page.get_by_label("La persona aceptó").check()
    page.get_by_role("button", name="Inscribir", exact=True).click()
    page.get_by_role("heading", name="Jose Luis Garcia Perez").wait_for()
    assert "San Marcos" in page.locator("dl.facts").inner_text()
    no_sideways_scroll(page)
    # The template file: the same man registered again, and a bad row reported by number.
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    bad = "GT-BAD-1,Sin Consentimiento,GT,1990-01-01,M,GT-QZ,es,albanil:12,,,US,,,,,es,no,es"
    open_menu(page, "Inscripciones")
    page.get_by_role("link", name="Subir un archivo de solicitantes").click()
    path = tmp_path / "personas.csv"
    path.write_text("\n".join([*lines, bad]) + "\n", encoding="utf-8")
    page.get_by_label("Archivo", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Subir").click()
    page.get_by_role("heading", name="Informe de la carga", exact=False).wait_for()
    assert "2 personas inscritas" in page.locator("#upload-summary").inner_text()
    rejected = page.locator("#rejected").inner_text()
    assert "4" in rejected and "consentimiento" in rejected
    no_sideways_scroll(page)
    # The duplicate: both records side by side, resolved as the same person.
    open_menu(page, "Posibles duplicados")
    pair = page.locator("section.pair").first
    assert "José Luis Pérez García" in pair.inner_text()
    assert "Jose Luis Garcia Perez" in pair.inner_text()
    no_sideways_scroll(page)
    pair.get_by_label("Nota (opcional)").fill("Mismo DPI en el registro civil")
    pair.get_by_role("button", name="Misma persona").click()
    assert "ya no participa en el emparejamiento" in page.locator(".flash").inner_text()
    # Verify someone from the list, after confirming.
    open_menu(page, "Inscripciones")
    row = page.locator("#registrations tbody tr").filter(has_text="María Xicará Ajú")
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card on a phone
    row.get_by_role("link", name="Verificar").click()
    page.get_by_role("button", name="Sí, la identidad y los documentos están verificados").click()
    assert "Verificada" in page.locator("#person-verified").inner_text()


def test_officer_runs_matching_and_ministry_reads_candidates(
    app, live_server, page, make_user, sign_in, session
) -> None:
    from pathways import jobs
    from pathways.services import demo, occupations
    from pathways.services.job_handlers import HANDLERS

    settings = app.extensions["pathways_settings"]
    demo.seed_demo(
        session,
        applicants=120,
        vacancies=20,
        seed=5,
        data_dir=settings.data_dir,
        resolver=occupations.get_resolver(session),
    )
    officer = make_user("officer")
    sign_in(officer)
    open_menu(page, "Emparejamiento")
    page.get_by_role("link", name="Iniciar un emparejamiento").click()
    assert page.get_by_label("Tantas personas como sea posible").is_checked()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Iniciar la ejecución").click()
    assert "esperando" in page.locator("#run-status").inner_text()
    # The worker runs the job (here, directly); the page follows and shows the figures.
    jobs.run_worker(
        app.extensions["pathways_engine"], HANDLERS, once=True, poll_seconds=0, settings=settings
    )
    page.locator("#figures").wait_for()
    placed = int(page.locator("#fig-placed").inner_text())
    bound = int(page.locator("#fig-bound").inner_text())
    greedy = int(page.locator("#fig-greedy").inner_text())
    assert greedy <= placed <= bound and placed > 0
    assert page.locator("#empty-causes").is_visible()
    no_sideways_scroll(page)
    page.get_by_role("link", name="Publicar como colocaciones propuestas").click()
    page.get_by_role("button", name="Sí, publicar").click()
    assert f"Se crearon {placed} colocaciones propuestas" in page.locator(".flash").inner_text()
    no_sideways_scroll(page)
    # The audit log shows who published, and filters to that action.
    open_menu(page, "Registro de auditoría")
    page.get_by_label("Acción").select_option("matching_run.publish")
    page.get_by_role("button", name="Filtrar").click()
    rows = page.locator("#audit-events tbody tr")
    assert rows.count() == 1
    assert officer.email in rows.first.inner_text()
    no_sideways_scroll(page)
    # The US ministry sees its candidates, without names.
    page.get_by_role("button", name="Cerrar sesión").click()
    sign_in(make_user("ministry", "US"))
    open_menu(page, "Candidatos")
    table = page.locator("#candidates tbody").inner_text()
    assert "#0" in table and "anonimizado" in table
    no_sideways_scroll(page)
