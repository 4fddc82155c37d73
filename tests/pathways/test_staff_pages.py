"""Staff pages, in Spanish: registrations (origin ministries), possible duplicates, matching
runs (officers) and anonymised candidates (destination ministries)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlmodel import func, select

from pathways import jobs
from pathways.models import Applicant, DuplicateFlag, MatchingRun, Placement
from pathways.services.job_handlers import HANDLERS
from tests.conftest import ROOT, csrf_token
from tests.pathways.conftest import queue_matching_run, seed_demo

TEMPLATE = (ROOT / "data" / "templates" / "applicants.csv").read_bytes()
PERSON = {
    "name": "María Xicará Ajú",
    "birth_date": "1994-05-02",
    "sex": "F",
    "subdivision": "GT-QZ",
    "languages": ["es", "mam"],
    "job1_title": "cortador de café",
    "job1_months": "36",
    "available_from": "2027-03-01",
    "available_to": "2027-11-30",
    "destinations": ["US", "CA"],
    "preferred_lang": "es",
    "phone": "+502 5555 0101",
    "id_document": "2547 12345 0901",
    "consent": "y",
}


def api_body(**changes: Any) -> dict[str, Any]:
    body = {
        "name": "Ana Gómez",
        "nationality": "GT",
        "birth_date": "1990-01-15",
        "sex": "F",
        "residence": {"country": "GT", "subdivision": "GT-QZ"},
        "languages": ["es"],
        "experience": [{"title": "cortador de café", "months": 24}],
        "destinations": ["US"],
        "consent": True,
    }
    body.update(changes)
    return body


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def post_form(client: Any, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kw)


def sign_out(client: Any) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


# ---------------------------------------------------------------------------------------------
# Registrations


def test_an_origin_ministry_sees_only_its_nationals(client, login_as, auth_header) -> None:
    gt = client.post("/api/v1/applicants", json=api_body(), headers=auth_header("ministry", "GT"))
    hn_body = api_body(
        name="Karla Hernández",
        nationality="HN",
        residence={"country": "HN", "subdivision": "HN-CR"},
    )
    hn = client.post("/api/v1/applicants", json=hn_body, headers=auth_header("ministry", "HN"))
    gt_id, hn_id = gt.get_json()["id"], hn.get_json()["id"]
    login_as("ministry", "HN")
    listing = text(client.get("/registrations/"))
    assert "Karla Hernández" in listing and "Ana Gómez" not in listing
    assert "1 persona" in listing
    assert client.get(f"/registrations/{gt_id}").status_code == 403
    assert client.get(f"/registrations/{gt_id}/verify").status_code == 403
    assert client.get(f"/registrations/{hn_id}").status_code == 200
    assert client.get("/candidates/").status_code == 403  # not a destination ministry
    sign_out(client)
    login_as("ministry", "US")
    assert client.get("/registrations/").status_code == 403  # never the register
    assert client.get("/duplicates/").status_code == 403


def test_search_filters_and_paging(client, login_as, auth_header) -> None:
    gt = auth_header("ministry", "GT")
    for i in range(27):
        client.post("/api/v1/applicants", json=api_body(name=f"Persona Prueba {i:02d}"), headers=gt)
    client.post("/api/v1/applicants", json=api_body(name="Tomasa Ixcoy"), headers=gt)
    login_as("ministry", "GT")
    first = text(client.get("/registrations/"))
    assert "28 personas" in first and "Página 1 de 2" in first
    assert "Tomasa Ixcoy" in text(client.get("/registrations/?q=ixcoy"))
    assert "Persona Prueba" not in text(client.get("/registrations/?q=ixcoy"))
    assert "Nadie coincide" in text(client.get("/registrations/?verified=yes"))


def test_verify_asks_first_then_records(client, login_as, auth_header, session) -> None:
    created = client.post(
        "/api/v1/applicants", json=api_body(), headers=auth_header("ministry", "GT")
    ).get_json()
    login_as("ministry", "GT")
    listing = text(client.get("/registrations/"))
    verify = f"/registrations/{created['id']}/verify"
    assert f'href="{verify}"' in listing and "Sin verificar" in listing
    confirm = text(client.get(verify))
    assert "Sí, la identidad y los documentos están verificados" in confirm
    session.rollback()
    assert session.get(Applicant, created["id"]).verified_at is None
    done = post_form(client, verify, {})
    assert done.status_code == 302
    person = text(client.get(done.headers["Location"]))
    assert "quedan registrados como verificados" in person and 'id="person-verified"' in person
    assert "Verificada" in person.split('id="person-verified"')[1][:200]
    session.rollback()
    assert session.get(Applicant, created["id"]).verified_at is not None


def test_register_one_person_with_errors_translated_and_kept(client, login_as, session) -> None:
    login_as("ministry", "GT")
    page = text(client.get("/registrations/new"))
    assert "Quetzaltenango (GT-QZ)" in page and "Guatemala" in page
    bad = {**PERSON, "birth_date": "2090-01-01", "job1_months": "muchos"}
    del bad["consent"]
    response = post_form(client, "/registrations/new", bad)
    assert response.status_code == 400
    page = text(response)
    assert "corrija los campos marcados" in page
    assert 'id="birth_date-error"' in page and "no puede estar en el futuro" in page
    assert 'id="job1_months-error"' in page and "número entero" in page
    assert 'id="consent-error"' in page and "consentimiento" in page
    assert 'value="María Xicará Ajú"' in page and 'value="cortador de café"' in page
    assert "Input should" not in page and "must be true" not in page
    session.rollback()
    assert session.exec(select(Applicant)).first() is None
    response = post_form(client, "/registrations/new", PERSON)
    assert response.status_code == 302, text(response)[:3000]
    person = text(client.get(response.headers["Location"]))
    assert "María Xicará Ajú" in person and "Quetzaltenango" in person
    assert "9211" in person or "ISCO-08" in person  # the occupation understood from the words
    session.rollback()
    row = session.exec(select(Applicant)).one()
    assert (row.nationality, row.residence_subdivision, row.languages) == (
        "GT",
        "GT-QZ",
        ["es", "mam"],
    )


def test_a_ministry_cannot_register_another_nationality(client, login_as) -> None:
    login_as("ministry", "SV")
    response = post_form(client, "/registrations/new", {**PERSON, "subdivision": "GT-QZ"})
    assert response.status_code == 400
    assert 'id="subdivision-error"' in text(response)  # a Guatemalan department, not Salvadoran


def test_upload_the_template_with_a_per_row_report(client, login_as, session) -> None:
    login_as("ministry", "GT")
    page = text(client.get("/registrations/upload"))
    link = re.search(r'href="([^"]+\.csv)"', page)
    assert link, "the upload page links to the template"
    download = client.get(link.group(1))
    assert download.status_code == 200 and download.data == TEMPLATE
    bad = b"GT-BAD-1,Sin Consentimiento,GT,1990-01-01,M,GT-QZ,es,albanil:12,,,US,,,,,es,no,es\n"
    response = client.post(
        "/registrations/upload",
        data={
            "csrf_token": csrf_token(client, "/registrations/upload"),
            "file": (io.BytesIO(TEMPLATE + bad), "personas.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    report = text(response)
    assert "2 personas inscritas" in report
    rejected = report.split('id="rejected"')[1]
    assert '<th scope="row">4</th>' in rejected and "consent" in rejected
    assert "consentimiento" in rejected and "must be true" not in rejected
    session.rollback()
    assert session.exec(select(func.count()).select_from(Applicant)).one() == 2


def test_an_upload_that_is_not_an_applicant_file_is_one_clear_error(client, login_as) -> None:
    login_as("ministry", "GT")
    response = client.post(
        "/registrations/upload",
        data={
            "csrf_token": csrf_token(client, "/registrations/upload"),
            "file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = text(response)
    assert 'role="alert"' in page and "un archivo de personas de Pathways" in page


# ---------------------------------------------------------------------------------------------
# Possible duplicates


def test_the_same_person_twice_is_resolved_as_same(client, login_as, session) -> None:
    login_as("ministry", "GT")
    first = post_form(client, "/registrations/new", {**PERSON, "name": "José Luis Pérez García"})
    variant = {**PERSON, "name": "Jose Luis Garcia Perez", "phone": "", "id_document": ""}
    second = post_form(client, "/registrations/new", variant)
    assert first.status_code == second.status_code == 302
    newer = text(client.get(second.headers["Location"]))
    assert 'id="duplicate-warning"' in newer
    pairs = text(client.get("/duplicates/"))
    assert "José Luis Pérez García" in pairs and "Jose Luis Garcia Perez" in pairs
    assert "misma fecha de nacimiento" in pairs.lower() and "mismo departamento" in pairs
    assert "nombres y apellidos iguales en otro orden" in pairs
    assert pairs.count("Quetzaltenango") == 2
    assert "2547 12345 0901" in pairs  # the document, side by side
    flag = session.exec(select(DuplicateFlag)).one()
    sign_out(client)
    login_as("ministry", "HN")  # a Honduran ministry never sees Guatemalans
    other = text(client.get("/duplicates/"))
    assert "Pérez" not in other and "0 pares" in other
    assert (
        post_form(client, f"/duplicates/{flag.id}/resolve", {"decision": "same"}).status_code == 404
    )
    sign_out(client)
    login_as("ministry", "GT")
    done = post_form(
        client,
        f"/duplicates/{flag.id}/resolve",
        {"decision": "same", "note": "Registro civil consultado"},
    )
    assert done.status_code == 302
    after = text(client.get(done.headers["Location"]))
    assert "la misma persona" in after and "No hay pares" in after
    session.rollback()
    session.expire_all()  # objects read before the requests (no transaction left to roll back)
    newer_id = max(flag.applicant_id, flag.other_id)
    assert session.get(Applicant, newer_id).status == "withdrawn"
    assert session.get(Applicant, min(flag.applicant_id, flag.other_id)).status == "active"
    assert session.get(DuplicateFlag, flag.id).note == "Registro civil consultado"
    history = text(client.get("/duplicates/?status=same"))
    assert "Registro civil consultado" in history


# ---------------------------------------------------------------------------------------------
# Matching


@pytest.fixture
def demo(app, engine) -> Any:
    """Seeded demo data: a few hundred applicants and dozens of vacancies of every program."""

    def seed(applicants: int = 300, vacancies: int = 40) -> None:
        seed_demo(app, engine, applicants=applicants, vacancies=vacancies, seed=11)

    return seed


def run_worker(app) -> None:
    jobs.run_worker(
        app.extensions["pathways_engine"],
        HANDLERS,
        once=True,
        poll_seconds=0,
        settings=app.extensions["pathways_settings"],
    )


def figure(page: str, name: str) -> int:
    found = re.search(rf'id="fig-{name}">([+-]?\d+)<', page)
    assert found, f"no figure {name}"
    return int(found.group(1))


def test_an_officer_runs_matching_and_publishes(app, client, login_as, session, demo) -> None:
    demo()
    login_as("officer")
    form = text(client.get("/matching/new"))
    assert "Visa H-2A: trabajo agrícola temporal en Estados Unidos" in form
    assert "Tantas personas como sea posible" in form
    codes = re.findall(r'name="programs" value="([^"]+)"', form)
    assert len(codes) == 8
    started = post_form(client, "/matching/new", {"programs": codes, "objective": "max_pathways"})
    assert started.status_code == 302
    url = started.headers["Location"]
    waiting = text(client.get(url))
    assert "esperando" in waiting and 'http-equiv="refresh"' in waiting
    assert "run-progress.js" in waiting
    progress = client.get(url.rstrip("/") + ".json").get_json()
    assert progress["status"] == "queued"
    run_worker(app)
    page = text(client.get(url))
    placed, bound, greedy = figure(page, "placed"), figure(page, "bound"), figure(page, "greedy")
    assert 0 < placed <= bound and placed >= greedy
    assert figure(page, "gain") == placed - greedy
    assert 'id="empty-causes"' in page and "Faltan personas" in page
    assert 'id="unmatched-causes"' in page
    assert "primera ejecución terminada" in page
    assert 'id="matches"' in page and "Puntuación" in page
    assert client.get(url + "?page=2").status_code == 200
    # Two ticked matches first, then the rest by program, after a confirmation.
    publish = url + "/publish"
    ticked = re.findall(r'name="match_ids" value="(\d+)"', page)[:2]
    nothing = post_form(client, publish, {"choice": "ticked"})
    assert "Primero marque" in text(client.get(nothing.headers["Location"]))
    two = post_form(client, publish, {"choice": "ticked", "match_ids": ticked})
    assert "Se crearon 2 colocaciones propuestas" in text(client.get(two.headers["Location"]))
    confirm = text(client.get(publish))
    assert "Sí, publicar" in confirm
    chosen = re.findall(r'name="programs" value="([^"]+)" checked', confirm)
    assert chosen
    done = post_form(client, publish, {"choice": "programs", "programs": chosen})
    assert done.status_code == 302
    after = text(client.get(done.headers["Location"]))
    made = int(re.search(r"Se crearon (\d+) colocaciones propuestas", after).group(1))
    assert made == placed - 2
    session.rollback()
    assert session.exec(select(func.count()).select_from(Placement)).one() == placed
    # A second run compares itself with the first.
    again = post_form(client, "/matching/new", {"programs": codes, "objective": "max_score"})
    run_worker(app)
    second = text(client.get(again.headers["Location"]))
    assert "Comparado con la ejecución" in second and 'id="compare-program"' in second
    listing = text(client.get("/matching/"))
    assert listing.count('id="run-') == 2


def test_the_run_form_explains_its_errors(client, login_as, session) -> None:
    login_as("officer")
    response = post_form(
        client,
        "/matching/new",
        {"objective": "max_pathways", "floor_by": "origin", "share_GT": "70", "share_SV": "60"},
    )
    assert response.status_code == 400
    page = text(response)
    assert 'id="programs-error"' in page and 'id="floors-error"' in page
    assert "más del 100" in page
    assert 'value="70"' in page
    assert session.exec(select(MatchingRun)).first() is None


def test_a_fairness_floor_is_reported(app, client, login_as, demo) -> None:
    demo(applicants=120, vacancies=20)
    login_as("admin")
    started = post_form(
        client,
        "/matching/new",
        {
            "programs": ["US-H2A", "US-H2B", "CA-TFWP-AG"],
            "objective": "max_pathways",
            "floor_by": "sex",
            "share_F": "30",
        },
    )
    assert started.status_code == 302
    run_worker(app)
    page = text(client.get(started.headers["Location"]))
    assert 'id="floors"' in page and "Mujer" in page


# ---------------------------------------------------------------------------------------------
# Candidates


def test_a_destination_ministry_sees_anonymised_candidates(
    app, client, login_as, session, demo, make_user
) -> None:
    from pathways.services import matching_runs, placements
    from pathways.services.audit import Actor

    demo(applicants=150, vacancies=30)
    officer = make_user("officer")
    run = queue_matching_run(session, officer)
    run_worker(app)
    session.refresh(run)
    assert run.status == "done", run.error
    assert matching_runs.publish(session, run, user=officer, actor=Actor.system("test")) > 0
    login_as("ministry", "US")
    page = text(client.get("/candidates/"))
    us = session.exec(
        select(Placement)
        .where(Placement.program_code.in_(["US-H2A", "US-H2B"]))  # type: ignore[attr-defined]
        .order_by(Placement.id.desc())  # type: ignore[union-attr]
    ).all()
    assert us and f"#{us[0].id:06d}" in page and "anonimizado" in page
    names = {session.get(Applicant, p.applicant_id).name for p in us}
    assert not any(name in page for name in names)
    assert "CA-" not in page and "Canadá" not in page.split('id="candidates"')[1]
    only_h2b = text(client.get("/candidates/?program=US-H2B"))
    assert "H-2A" not in only_h2b.split('id="candidates"')[1]
    # Once the person accepts the offer, the ministry sees the name.
    chosen = us[0]
    placements.transition(session, chosen, "offered", user=officer)
    placements.transition(session, chosen, "accepted", user=officer)
    accepted = text(client.get("/candidates/?status=accepted"))
    assert session.get(Applicant, chosen.applicant_id).name in accepted
    assert "1 candidato" in accepted
    sign_out(client)
    login_as("ministry", "CA")
    assert session.get(Applicant, chosen.applicant_id).name not in text(client.get("/candidates/"))


# ---------------------------------------------------------------------------------------------
# Menus and home pages


NAV_RE = re.compile(r'<nav[^>]*class="main-nav"[^>]*>(.*?)</nav>', re.S)


@pytest.mark.parametrize(
    "role,country,present,absent",
    [
        (
            "ministry",
            "GT",
            ["Inscripciones", "Posibles duplicados"],
            ["Candidatos", "Emparejamiento"],
        ),
        ("ministry", "US", ["Candidatos"], ["Inscripciones", "Emparejamiento"]),
        (
            "officer",
            None,
            ["Inscripciones", "Posibles duplicados", "Emparejamiento", "Candidatos"],
            [],
        ),
        ("admin", None, ["Inscripciones", "Emparejamiento", "Candidatos"], []),
    ],
)
def test_menu_entries_by_role(client, login_as, role, country, present, absent) -> None:
    login_as(role, country)
    home = text(client.get("/"))
    menu = NAV_RE.search(home).group(1)
    for label in present:
        assert f">{label}</a>" in menu
    for label in absent:
        assert f">{label}</a>" not in menu


def test_home_pages_link_to_the_staff_pages(client, login_as) -> None:
    login_as("ministry", "SV")
    home = text(client.get("/"))
    assert 'href="/registrations/new"' in home and 'href="/registrations/upload"' in home
    sign_out(client)
    login_as("officer")
    home = text(client.get("/"))
    assert 'href="/matching/new"' in home and 'href="/duplicates/"' in home


def test_a_pair_across_nationalities_hides_the_other_countrys_record(
    client, login_as, auth_header, session
) -> None:
    same = {"birth_date": "1991-03-04", "id_document": "1234567890101", "phone": "+502 5555 0199"}
    client.post(
        "/api/v1/applicants",
        json=api_body(name="Rosa Elvira Cux", **same),
        headers=auth_header("ministry", "GT"),
    )
    hn = api_body(
        name="Rosa Elvira Cux",
        nationality="HN",
        residence={"country": "HN", "subdivision": "HN-CR"},
        **same,
    )
    client.post("/api/v1/applicants", json=hn, headers=auth_header("ministry", "HN"))
    if session.exec(select(DuplicateFlag)).first() is None:
        pytest.skip("the duplicate finder does not pair these two records")
    login_as("ministry", "HN")
    page = text(client.get("/duplicates/"))
    assert "1 par" in page and "otro país" in page
    assert page.count("Rosa Elvira Cux") == 1  # only the Honduran record is shown
    assert "Guatemala" not in page.split('class="side-by-side"')[1]


def test_an_officer_registers_any_origin_nationality(client, login_as, session) -> None:
    login_as("officer")
    form = text(client.get("/registrations/new"))
    assert '<optgroup label="El Salvador">' in form
    person = {**PERSON, "nationality": "SV", "subdivision": "SV-SS", "name": "Ana Ruth Mejía"}
    response = post_form(client, "/registrations/new", person)
    assert response.status_code == 302, text(response)[:2000]
    session.rollback()
    row = session.exec(select(Applicant)).one()
    assert (row.nationality, row.residence_subdivision) == ("SV", "SV-SS")
    listing = text(client.get("/registrations/?nationality=SV"))
    assert "Ana Ruth Mejía" in listing
