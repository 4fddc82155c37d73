"""The applicant's own pages, in Spanish: register, confirm what we understood, read and change
the profile, see options and offers, answer an offer, withdraw consent and delete the data."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD, csrf_token

EMAIL = "maria.lopez@example.org"
NEW_PASSWORD = "mi-clave-secreta-2027"


def year_ago(years: int) -> str:
    return date(date.today().year - years, 5, 2).isoformat()


def answers(**changes: Any) -> dict[str, Any]:
    """A Guatemalan coffee picker's registration, as the form posts it."""
    data: dict[str, Any] = {
        "email": EMAIL,
        "password": NEW_PASSWORD,
        "name": "María López Pérez",
        "nationality": "GT",
        "birth_date": year_ago(32),
        "sex": "F",
        "department": "GT-QZ",
        "languages": ["es", "quc"],
        "jobs-0-title": "cortador de café",
        "jobs-0-months": "36",
        "jobs-1-title": "",
        "jobs-1-months": "",
        "jobs-2-title": "",
        "jobs-2-months": "",
        "licences": ["driver"],
        "available_from": (date.today() + timedelta(days=60)).isoformat(),
        "available_to": (date.today() + timedelta(days=300)).isoformat(),
        "destinations": ["US", "CA"],
        "returning_programs": [],
        "named_by": "",
        "consent": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def register(client, **changes: Any):
    data = {"csrf_token": csrf_token(client, "/registro"), **answers(**changes)}
    return client.post("/registro", data=data)


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def main_of(response) -> str:
    text = text_of(response)
    return text[text.index("<main") : text.index("</main>")]


def error_of(response, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', text_of(response), re.S)
    assert match, f"no error next to {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("⚠", "").strip()


def value_of(response, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', text_of(response))
    return match.group(1) if match else None


def checked(response, name: str) -> set[str]:
    return set(
        re.findall(rf'<input checked[^>]*name="{name}"[^>]*value="([^"]+)"', text_of(response))
    )


def reload(session, row: Any) -> None:
    """Read ``row`` again as the app left it (end the test's read snapshot first)."""
    session.rollback()
    session.refresh(row)


def post(client, path: str, **data: Any):
    return client.post(path, data={"csrf_token": csrf_token(client, "/mi-perfil/datos"), **data})


@pytest.fixture
def registered(client, session):
    """A person who registered through the page (and is signed in)."""
    response = register(client)
    assert response.status_code == 302, text_of(response)[:2000]
    from pathways.models import Applicant

    session.rollback()
    return session.exec(select(Applicant).where(Applicant.name == "María López Pérez")).one()


# ---------------------------------------------------------------------------------------------
# Registration


def test_registration_is_reached_from_the_public_home_and_menu(client) -> None:
    home = text_of(client.get("/"))
    assert 'href="/registro">Registrarme</a>' in home
    nav = home[home.index('class="main-nav"') :]
    assert "Registrarme" in nav[: nav.index("</nav>")]
    page = client.get("/registro")
    text = text_of(page)
    assert page.status_code == 200 and '<html lang="es">' in text
    assert "Regístrese para encontrar trabajo legal" in text
    assert "Nunca pague" in text  # the fee warning
    # Plain names, no codes: sex, departments by name, licences and countries by name.
    for words in ["Mujer", "Hombre", "Otro", "Quetzaltenango", "Licencia de conducir"]:
        assert words in text, words
    assert ">Estados Unidos</label>" in text and ">Canadá</label>" in text
    # The region comes first in the nationality list; three rows of work without a script.
    assert text.index('value="GT"') < text.index('value="AF"')
    assert 'name="jobs-2-title"' in text and 'name="jobs-3-title"' not in text
    # The consent text, honest and versioned, with a box to tick.
    from pathways.services.applicants import CONSENT_VERSION

    assert f"Versión de este texto: {CONSENT_VERSION}" in text
    assert "retirar su consentimiento o borrar sus datos cuando quiera" in text
    assert 'type="checkbox" value="y"' in text
    # No inline style or script: the Content-Security-Policy forbids them.
    assert "<style" not in text and ' style="' not in text
    assert re.search(r"<script(?![^>]*\ssrc=)", text) is None
    assert page.headers["Cache-Control"] == "no-store"


def test_registration_creates_account_record_and_consent(client, session) -> None:
    from pathways.models import Applicant, Consent, User
    from pathways.services.applicants import CONSENT_VERSION

    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mi-perfil/trabajos")
    session.rollback()
    user = session.exec(select(User).where(User.email == EMAIL)).one()
    assert user.role == "applicant"
    row = session.exec(select(Applicant).where(Applicant.user_id == user.id)).one()
    assert (row.nationality, row.residence_country, row.residence_subdivision) == (
        "GT",
        "GT",
        "GT-QZ",
    )
    assert row.languages == ["es", "quc"] and row.destinations == ["US", "CA"]
    assert row.certifications == [{"name": "Licencia de conducir", "licence": "driver"}]
    assert row.experience[0]["title"] == "cortador de café" and row.experience[0]["months"] == 36
    consent = session.exec(select(Consent).where(Consent.applicant_id == row.id)).one()
    assert (consent.text_version, consent.lang, consent.withdrawn_at) == (
        CONSENT_VERSION,
        "es",
        None,
    )
    # Signed in: "¿Entendimos bien?" shows what the resolver understood, in Spanish.
    page = client.get(response.headers["Location"])
    text = main_of(page)
    assert page.status_code == 200
    assert "¿Entendimos bien?" in text
    assert "Usted escribió: “cortador de café”" in text
    assert "Peones de explotaciones agrícolas" in text
    assert "9211" not in re.sub(r'value="\d{4}"', "", text)  # codes only as form values


def test_choosing_an_alternative_confirms_it(client, registered, session) -> None:
    page = text_of(client.get("/mi-perfil/trabajos"))
    options = re.findall(r'name="job-0" id="job-0-\d" value="(\d{4})"', page)
    assert options[0] == "9211" and 3 <= len(options) - 1 <= 3  # the current one + 3 others
    other = options[1]
    response = client.post(
        "/mi-perfil/trabajos",
        data={"csrf_token": csrf_token(client, "/mi-perfil/trabajos"), "job-0": other},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/mi-perfil")
    reload(session, registered)
    job = registered.experience[0]
    assert (job["isco08"], job["confirmed"]) == (other, True)
    profile = client.get("/mi-perfil")
    assert "Gracias. Su perfil está listo." in text_of(profile)
    assert "usted lo confirmó" in main_of(profile)


def test_saying_yes_confirms_what_we_understood(client, registered, session) -> None:
    client.post(
        "/mi-perfil/trabajos",
        data={"csrf_token": csrf_token(client, "/mi-perfil/trabajos"), "job-0": "9211"},
    )
    reload(session, registered)
    assert registered.experience[0]["confirmed"] is True


def test_bad_input_is_explained_next_to_each_field_and_kept(client, session) -> None:
    from pathways.models import Applicant, User

    response = register(
        client,
        birth_date=(date.today() + timedelta(days=3)).isoformat(),
        consent=None,
        available_from="2027-09-01",
        available_to="2027-03-01",
        **{"jobs-1-title": "albañil", "jobs-1-months": ""},
    )
    assert response.status_code == 400
    assert error_of(response, "birth_date") == "La fecha de nacimiento no puede ser en el futuro."
    assert error_of(response, "consent") == (
        "Marque la casilla si está de acuerdo: sin su consentimiento no podemos guardar sus datos."
    )
    assert error_of(response, "available_to") == (
        "El fin de la disponibilidad es anterior a su inicio."
    )
    assert error_of(response, "jobs-1-months") == "Escriba cuántos meses hizo este trabajo."
    # Each error is linked to its field for screen readers, and listed at the top.
    text = text_of(response)
    assert 'aria-describedby="birth_date-error"' in text
    assert "Por favor, revise sus respuestas" in text
    assert '<a href="#jobs-1-months">Trabajo 2: ¿Cuántos meses?</a>' in text
    # Nothing typed is lost (the password neither), and nothing was stored.
    assert value_of(response, "name") == "María López Pérez"
    assert value_of(response, "email") == EMAIL
    assert value_of(response, "password") == NEW_PASSWORD
    assert value_of(response, "jobs-0-title") == "cortador de café"
    assert value_of(response, "jobs-1-title") == "albañil"
    assert value_of(response, "available_from") == "2027-09-01"
    assert checked(response, "languages") == {"es", "quc"}
    assert checked(response, "destinations") == {"US", "CA"}
    assert checked(response, "sex") == {"F"}
    assert '<option selected value="GT">' in text or '<option value="GT" selected>' in text
    assert '<option selected value="GT-QZ">' in text or '<option value="GT-QZ" selected>' in text
    session.rollback()
    assert session.exec(select(User).where(User.email == EMAIL)).first() is None
    assert session.exec(select(Applicant)).first() is None


def test_missing_answers_are_named_in_spanish(client) -> None:
    response = register(
        client, email="", password="corta", name="", nationality="", sex=None, department=""
    )
    assert response.status_code == 400
    assert error_of(response, "email") == "Escriba su correo electrónico."
    assert error_of(response, "password") == "La contraseña debe tener al menos 10 caracteres."
    assert error_of(response, "name") == "Escriba su nombre."
    assert error_of(response, "nationality") == "Elija su nacionalidad de la lista."
    assert error_of(response, "sex") == "Elija una de las opciones."


def test_a_taken_email_is_explained_and_nothing_is_stored(client, make_user, session) -> None:
    from pathways.models import Applicant

    make_user("applicant", email=EMAIL)
    response = register(client)
    assert response.status_code == 400
    assert error_of(response, "email") == (
        "Ya existe una cuenta con este correo. Inicie sesión con él o use otro correo."
    )
    assert value_of(response, "name") == "María López Pérez"
    session.rollback()
    assert session.exec(select(Applicant)).first() is None


def test_an_account_without_a_record_completes_its_registration(client, login_as, session) -> None:
    from pathways.models import Applicant

    user = login_as("applicant")
    profile = client.get("/mi-perfil")
    assert profile.status_code == 200 and "Llenar mis datos" in text_of(profile)
    page = text_of(client.get("/registro"))
    assert 'name="email"' not in page and 'name="password"' not in page
    response = register(client, email=None, password=None)
    assert response.status_code == 302
    session.rollback()
    assert session.exec(select(Applicant).where(Applicant.user_id == user.id)).one()
    assert client.get("/registro").status_code == 302  # registered: the profile instead


# ---------------------------------------------------------------------------------------------
# Profile


def test_profile_reads_in_plain_words(client, registered, session) -> None:
    page = client.get("/mi-perfil")
    text = main_of(page)
    assert page.status_code == 200
    for words in [
        "María López Pérez",
        "Guatemala",
        "Quetzaltenango, Guatemala",
        "Mujer",
        "Español, K'iche'",
        "cortador de café",
        "36 meses",
        "Entendimos: Peones de explotaciones agrícolas",
        "Licencia de conducir",
        "Estados Unidos, Canadá",
        "Su ministerio de trabajo todavía no revisó sus documentos.",
    ]:
        assert words in text, words
    for code in ["GT-QZ", ">GT<", "quc", "driver", "9211", "US-H2A"]:
        assert code not in text, code
    for path in [
        "/mi-perfil/opciones",
        "/mi-perfil/ofertas",
        "/mi-perfil/editar",
        "/mi-perfil/datos",
    ]:
        assert f'href="{path}"' in text_of(page), path
    # Once the ministry has checked the documents, the person reads it.
    from pathways.services import applicants
    from pathways.services.audit import Actor

    officer = _officer(session)
    applicants.verify(session, registered, actor=Actor.system("test"), user=officer)
    assert "Su ministerio de trabajo revisó sus documentos." in main_of(client.get("/mi-perfil"))


def _officer(session):
    from pathways.services import accounts
    from pathways.services.audit import Actor

    return accounts.create_user(
        session,
        email="officer@example.org",
        role="officer",
        password=PASSWORD,
        actor=Actor.system("test"),
    )


def test_profile_edit_keeps_confirmed_work_and_asks_about_new_work(client, registered, session):
    client.post(
        "/mi-perfil/trabajos",
        data={"csrf_token": csrf_token(client, "/mi-perfil/trabajos"), "job-0": "6112"},
    )
    form = client.get("/mi-perfil/editar")
    assert value_of(form, "jobs-0-title") == "cortador de café"
    assert checked(form, "destinations") == {"US", "CA"}
    data = {
        "csrf_token": csrf_token(client, "/mi-perfil/editar"),
        **{
            k: v
            for k, v in answers().items()
            if k not in {"email", "password", "name", "nationality", "birth_date", "sex", "consent"}
        },
        "destinations": ["MX"],
        "department": "GT-SM",
        "jobs-1-title": "albañil",
        "jobs-1-months": "12",
        "named_by": "Valle Verde Orchards LLC",
    }
    response = client.post("/mi-perfil/editar", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mi-perfil/trabajos")  # a new job to check
    reload(session, registered)
    assert registered.destinations == ["MX"] and registered.residence_subdivision == "GT-SM"
    assert [n["employer"] for n in registered.named_by] == ["Valle Verde Orchards LLC"]
    first, second = registered.experience
    assert (first["isco08"], first["confirmed"]) == ("6112", True)  # still what they chose
    assert second["title"] == "albañil" and second["confirmed"] is False
    check = client.get("/mi-perfil/trabajos")
    assert "Sus cambios están guardados." in text_of(check)
    assert "Albañiles" in main_of(check)


def test_profile_edit_errors_stay_on_the_page(client, registered) -> None:
    data = {
        "csrf_token": csrf_token(client, "/mi-perfil/editar"),
        "jobs-0-title": "cortador de café",
        "jobs-0-months": "muchos",
        "available_from": "2027-09-01",
        "available_to": "2027-03-01",
    }
    response = client.post("/mi-perfil/editar", data=data)
    assert response.status_code == 400
    assert error_of(response, "jobs-0-months") == "Escriba un número entero."
    assert error_of(response, "available_to") == (
        "El fin de la disponibilidad es anterior a su inicio."
    )
    assert value_of(response, "jobs-0-months") == "muchos"


# ---------------------------------------------------------------------------------------------
# Options


def test_options_show_the_summary_and_the_cards(client, registered) -> None:
    page = client.get("/mi-perfil/opciones")
    text = main_of(page)
    assert page.status_code == 200
    assert "Usamos su trabajo principal: Peones de explotaciones agrícolas (36 meses)." in text
    assert 'id="summary"' in text and "Puede solicitar" in text
    assert 'id="fee-warning"' in text
    assert text.index('id="fee-warning"') < text.index('id="summary"')
    cards = dict(re.findall(r'id="program-([A-Z0-9-]+)"[^>]*data-status="([a-z_]+)"', text))
    assert cards["CA-TFWP-AG"] == "eligible"
    assert cards["CA-SAWP"] == "not_eligible"  # Guatemala is not a SAWP country


# ---------------------------------------------------------------------------------------------
# Offers


def make_offer(session, applicant_id: int, *, status: str = "offered") -> int:
    from matching.scoring import COMPONENTS, explain
    from pathways.models import Match, MatchingRun, Vacancy
    from pathways.services import placements

    vacancy = Vacancy(
        program_code="US-H2A",
        employer_name="Valle Verde Orchards LLC",
        title="Farmworker, apple harvest",
        title_lang="en",
        isco08="9211",
        positions=5,
        worksite_country="US",
        worksite_subdivision="US-WA",
        worksite_city="Yakima",
        wage_amount_minor=1877,
        wage_currency="USD",
        wage_per="hour",
        hours_per_week=40,
        start_date=date.today() + timedelta(days=90),
        end_date=date.today() + timedelta(days=240),
        housing_provided=True,
        source="test",
    )
    run = MatchingRun(status="done")
    session.add_all([vacancy, run])
    session.flush()
    placement = placements.propose(session, applicant_id, vacancy.id, run_id=run.id, user=None)
    parts = dict.fromkeys(COMPONENTS, 0.0) | {"occupation": 1.0, "experience": 0.8, "language": 1}
    session.add(
        Match(
            run_id=run.id,
            applicant_id=applicant_id,
            vacancy_id=vacancy.id,
            score=0.7,
            review=True,
            explanation=explain(parts, 0.7, lang="es", review=True),
            placement_id=placement.id,
        )
    )
    session.commit()
    if status == "offered":
        placements.transition(session, placement, "offered", user=None)
    return int(placement.id)


def placement_status(session, placement_id: int) -> str:
    from pathways.models import Placement

    session.rollback()
    return session.get(Placement, placement_id).status


def test_offers_show_the_job_and_why_it_was_suggested(client, registered, session) -> None:
    offer_id = make_offer(session, registered.id)
    page = client.get("/mi-perfil/ofertas")
    text = main_of(page)
    assert page.status_code == 200
    card = text[text.index(f'id="offer-{offer_id}"') :]
    for words in [
        "Peones de explotaciones agrícolas",
        "Farmworker, apple harvest",
        "Valle Verde Orchards LLC",
        "Yakima, Washington, Estados Unidos",
        "18,77 dólares estadounidenses por hora",
        "Oferta del empleador: puede aceptarla",
        "Por qué le proponemos este trabajo",
        "Su trabajo se parece al del puesto",
        "Habla el idioma del lugar de trabajo",
        "Una persona debe revisar todavía una regla del programa",
        "Aceptar la oferta",
        "No me interesa",
    ]:
        assert words in card, words
    assert "Nunca pague" in text and text.index('id="fee-warning"') < text.index("offer-")


def test_accepting_an_offer_asks_first_then_accepts(client, registered, session) -> None:
    offer_id = make_offer(session, registered.id)
    ask = client.get(f"/mi-perfil/ofertas/{offer_id}/aceptar")
    assert ask.status_code == 200
    assert "¿Aceptar esta oferta?" in text_of(ask) and "Sí, acepto la oferta" in text_of(ask)
    assert placement_status(session, offer_id) == "offered"  # asking changed nothing
    done = client.post(
        f"/mi-perfil/ofertas/{offer_id}/aceptar",
        data={"csrf_token": csrf_token(client, "/mi-perfil/ofertas")},
    )
    assert done.status_code == 302
    assert placement_status(session, offer_id) == "accepted"
    page = text_of(client.get("/mi-perfil/ofertas"))
    assert "Usted aceptó la oferta." in page
    assert "Aceptada: se está preparando el permiso de trabajo" in page
    assert "Aceptar la oferta" not in page


def test_declining_a_proposal_withdraws_it(client, registered, session) -> None:
    offer_id = make_offer(session, registered.id, status="proposed")
    page = text_of(client.get("/mi-perfil/ofertas"))
    assert "Propuesta: el empleador todavía debe confirmar" in page
    assert "Aceptar la oferta" not in page  # only an employer's offer can be accepted
    assert "¿No le interesa esta oferta?" in text_of(
        client.get(f"/mi-perfil/ofertas/{offer_id}/rechazar")
    )
    client.post(
        f"/mi-perfil/ofertas/{offer_id}/rechazar",
        data={"csrf_token": csrf_token(client, "/mi-perfil/ofertas")},
    )
    assert placement_status(session, offer_id) == "withdrawn"
    assert "Cerrada: esta oferta ya no está abierta" in text_of(client.get("/mi-perfil/ofertas"))
    # A closed offer cannot be answered again.
    again = client.post(
        f"/mi-perfil/ofertas/{offer_id}/aceptar",
        data={"csrf_token": csrf_token(client, "/mi-perfil/ofertas")},
    )
    assert again.status_code == 302
    assert "Esta oferta ya no se puede responder." in text_of(client.get("/mi-perfil/ofertas"))


def test_nobody_answers_someone_elses_offer(client, registered, session) -> None:
    from pathways.schemas.applicants import ApplicantCreate
    from pathways.services import applicants, occupations
    from pathways.services.audit import Actor

    other = applicants.register(
        session,
        ApplicantCreate.model_validate(
            {
                "name": "José Pérez",
                "nationality": "HN",
                "birth_date": year_ago(40),
                "sex": "M",
                "residence": {"country": "HN"},
                "consent": True,
            }
        ),
        actor=Actor.system("test"),
        user=_officer(session),  # registered by an officer: a record of someone else
        resolver=occupations.get_resolver(session),
    )
    offer_id = make_offer(session, other.id)
    assert client.get(f"/mi-perfil/ofertas/{offer_id}/aceptar").status_code == 404
    token = csrf_token(client, "/mi-perfil/ofertas")
    for answer in ("aceptar", "rechazar"):
        response = client.post(
            f"/mi-perfil/ofertas/{offer_id}/{answer}", data={"csrf_token": token}
        )
        assert response.status_code == 404
    assert placement_status(session, offer_id) == "offered"
    assert f'id="offer-{offer_id}"' not in text_of(client.get("/mi-perfil/ofertas"))


# ---------------------------------------------------------------------------------------------
# Consent and data


def test_withdrawing_and_giving_consent_again(client, registered, session) -> None:
    from pathways.models import Consent

    page = text_of(client.get("/mi-perfil/datos"))
    assert "no recibirá ofertas nuevas" in page  # the consequence, said before the button
    response = post(client, "/mi-perfil/datos/consentimiento", give="no")
    assert response.status_code == 302
    reload(session, registered)
    assert registered.status == "withdrawn"
    assert (
        session.exec(select(Consent).where(Consent.applicant_id == registered.id))
        .one()
        .withdrawn_at
    )
    page = text_of(client.get("/mi-perfil/datos"))
    assert "Usted retiró su consentimiento." in page
    assert "Volver a dar mi consentimiento" in text_of(client.get("/mi-perfil"))
    post(client, "/mi-perfil/datos/consentimiento", give="yes")
    reload(session, registered)
    assert registered.status == "active"
    consents = session.exec(select(Consent).where(Consent.applicant_id == registered.id)).all()
    assert len(consents) == 2 and consents[-1].withdrawn_at is None
    assert "Gracias. Puede volver a recibir ofertas." in text_of(client.get("/mi-perfil/datos"))


def test_deleting_my_data_erases_it_and_signs_me_out(client, registered, session) -> None:
    from pathways.models import User

    ask = text_of(client.get("/mi-perfil/datos/borrar"))
    assert "¿Borrar mis datos?" in ask and "Lo que borramos" in ask
    assert "Lo que guardamos, sin su nombre" in ask
    response = post(client, "/mi-perfil/datos/borrar")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = text_of(client.get("/"))
    assert "Sus datos fueron borrados y se cerró su sesión." in home
    assert "Registrarme" in home  # signed out
    reload(session, registered)
    assert registered.status == "deleted" and registered.name == ""
    assert session.get(User, registered.user_id).active is False
    assert client.get("/mi-perfil").status_code == 302  # to the sign-in page
    token = csrf_token(client, "/login")
    login = client.post(
        "/login", data={"email": EMAIL, "password": NEW_PASSWORD, "csrf_token": token}
    )
    assert login.status_code == 400  # the account is gone


# ---------------------------------------------------------------------------------------------
# Who sees what


def test_pages_show_only_the_signed_in_persons_record(client, registered, app) -> None:
    other = app.test_client()
    response = register(other, email="jose@example.org", name="José Pérez Gómez")
    assert response.status_code == 302
    for path in ["/mi-perfil", "/mi-perfil/editar", "/mi-perfil/datos"]:
        mine = text_of(client.get(path))
        theirs = text_of(other.get(path))
        assert "José Pérez Gómez" not in mine, path
        assert "María López Pérez" not in theirs, path
    assert "José Pérez Gómez" in main_of(other.get("/mi-perfil"))


@pytest.mark.parametrize(
    "path",
    [
        "/mi-perfil",
        "/mi-perfil/opciones",
        "/mi-perfil/ofertas",
        "/mi-perfil/datos",
        "/mi-perfil/editar",
        "/mi-perfil/trabajos",
        "/mi-perfil/datos/borrar",
    ],
)
def test_pages_need_an_applicant(client, login_as, path) -> None:
    assert client.get(path).status_code == 302  # anonymous: to the sign-in page
    login_as("officer")
    assert client.get(path).status_code == 403


def test_menu_of_an_applicant(client, registered) -> None:
    home = text_of(client.get("/"))
    nav = home[home.index('class="main-nav"') :]
    nav = nav[: nav.index("</nav>")]
    for label, path in [
        ("Mi perfil", "/mi-perfil"),
        ("Mis opciones", "/mi-perfil/opciones"),
        ("Mis ofertas", "/mi-perfil/ofertas"),
        ("Mis datos", "/mi-perfil/datos"),
    ]:
        assert f'<a href="{path}">{label}</a>' in nav, label
    assert "Registrarme" not in nav and "Revisar mis opciones" not in nav
    body = main_of(client.get("/"))
    assert 'href="/mi-perfil/ofertas"' in body and 'href="/mi-perfil/datos"' in body


def test_every_consent_version_is_written_in_every_language() -> None:
    from pathways.services.applicants import CONSENT_VERSION
    from pathways.web.consent import CONSENT_TEXTS

    assert CONSENT_VERSION in CONSENT_TEXTS
    for version, texts in CONSENT_TEXTS.items():
        assert set(texts) == {"es", "en", "fr"}, version
        assert len({len(t) for t in texts.values()}) == 1, version  # the same paragraphs


def test_registration_reads_in_english_and_french(client) -> None:
    assert "Register to find legal work" in text_of(client.get("/registro?lang=en"))
    assert "We keep what you write in this form" in text_of(client.get("/registro"))
    assert "Inscrivez-vous pour trouver un travail légal" in text_of(
        client.get("/registro?lang=fr")
    )


def test_saving_the_profile_keeps_what_the_form_does_not_show(client, session) -> None:
    """A record made by a ministry or the API may hold more than the form offers."""
    from pathways.schemas.applicants import ApplicantCreate
    from pathways.services import accounts, applicants, occupations

    data = ApplicantCreate.model_validate(
        {
            "name": "Juana Tum",
            "nationality": "GT",
            "birth_date": year_ago(45),
            "sex": "F",
            "residence": {"country": "GT", "subdivision": "GT-HU"},
            "languages": ["es", "kjb", "pt"],
            "experience": [{"title": "cortador de café", "months": 24}],
            "certifications": [
                {"name": "Curso de poda", "licence": None},
                {"name": "Licencia", "licence": "driver"},
            ],
            "named_by": [{"employer": "Finca A"}, {"employer": "Finca B", "vacancy_ref": "X-1"}],
            "consent": True,
        }
    )
    applicants.register_self(
        session,
        data,
        email="juana@example.org",
        password=PASSWORD,
        resolver=occupations.get_resolver(session),
    )
    token = csrf_token(client, "/login")
    client.post(
        "/login", data={"email": "juana@example.org", "password": PASSWORD, "csrf_token": token}
    )
    form = client.get("/mi-perfil/editar")
    assert checked(form, "languages") == {"es", "kjb", "pt"}
    assert ">Portugués</label>" in text_of(form)
    response = client.post(
        "/mi-perfil/editar",
        data={
            "csrf_token": csrf_token(client, "/mi-perfil/editar"),
            "department": "GT-HU",
            "languages": ["es", "kjb", "pt"],
            "jobs-0-title": "cortador de café",
            "jobs-0-months": "24",
            "licences": ["driver"],
            "destinations": ["CA"],
            "named_by": "Finca A",
        },
    )
    assert response.status_code == 302
    session.rollback()
    row = applicants.own_record(session, accounts.find_user(session, "juana@example.org"))
    assert row.languages == ["es", "kjb", "pt"] and row.destinations == ["CA"]
    assert {c["name"] for c in row.certifications} >= {"Curso de poda"}
    assert [n["employer"] for n in row.named_by] == ["Finca A", "Finca B"]


def test_a_registration_without_work_goes_straight_to_the_profile(client) -> None:
    response = register(client, **{"jobs-0-title": "", "jobs-0-months": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/mi-perfil")
    profile = text_of(client.get("/mi-perfil"))
    assert "Gracias. Su perfil está listo." in profile
    assert "Todavía no escribió ningún trabajo." in profile
