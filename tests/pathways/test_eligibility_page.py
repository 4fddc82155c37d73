"""The public eligibility page: Spanish by default, plain-language cards, nothing stored."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token

CARD_RE = re.compile(
    r'<article class="card result [a-z_]+" id="program-([A-Z0-9-]+)"[^>]*data-status="([a-z_]+)"'
)
PROGRAMS = [
    "US-H2A",
    "US-H2B",
    "CA-TFWP-AG",
    "CA-SAWP",
    "CA-TFWP-LOW",
    "CA-TFWP-HIGH",
    "MX-TVTF",
    "MX-RT-WORK",
]


def adult_birth_date() -> str:
    return date(date.today().year - 32, 5, 2).isoformat()


def minor_birth_date() -> str:
    today = date.today()
    return (
        date(today.year - 17, 1, 1).isoformat()
        if today.month > 1
        else date(today.year - 18, 12, 31).isoformat()
    )


def submit(client, **answers):
    data = {"csrf_token": csrf_token(client, "/eligibility"), **answers}
    return client.post("/eligibility", data=data)


def cards(response) -> dict[str, str]:
    return dict(CARD_RE.findall(response.get_data(as_text=True)))


def card_html(response, code: str) -> str:
    text = response.get_data(as_text=True)
    start = text.index(f'id="program-{code}"')
    return text[start : text.index("</article>", start)]


def guatemalan(**extra):
    return {
        "nationality": "GT",
        "birth_date": adult_birth_date(),
        "languages": ["es", "quc"],
        "experience": "cortador de café",
        "experience_months": "36",
        **extra,
    }


def test_form_is_spanish_by_default_with_the_fee_warning(client) -> None:
    page = client.get("/eligibility")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="es">' in text
    assert 'id="fee-warning"' in text
    # The region's countries come first, every country is listed with its Spanish name.
    assert text.index('value="GT"') < text.index('value="HN"') < text.index('value="SV"')
    assert text.index('value="MX"') < text.index('value="AF"')
    assert ">Afganistán</option>" in text and ">Estados Unidos</option>" in text
    # Every field has a visible label; checkbox groups are fieldsets with a legend.
    for name in [
        "nationality",
        "birth_date",
        "other_language",
        "experience",
        "experience_months",
        "available_from",
        "available_to",
    ]:
        assert f'<label for="{name}"' in text, name
    for code in ["es", "en", "fr", "quc", "mam", "kek", "cak", "cab"]:
        assert f'type="checkbox" value="{code}"' in text, code
    assert text.count("<legend>") >= 4
    assert ">K&#39;iche&#39;</label>" in text or ">K'iche'</label>" in text


def test_form_speaks_spanish(client) -> None:
    text = client.get("/eligibility").get_data(as_text=True)
    assert "Nunca pague" in text
    assert "Nacionalidad" in text and "Fecha de nacimiento" in text


def test_guatemalan_adult_sees_eight_cards(client) -> None:
    response = submit(client, **guatemalan(destinations=["US", "CA", "MX"]))
    assert response.status_code == 200
    found = cards(response)
    assert list(found) == PROGRAMS
    assert found["CA-SAWP"] == "not_eligible"
    assert found["CA-TFWP-AG"] == "eligible"
    assert found["MX-TVTF"] == "eligible"
    text = response.get_data(as_text=True)
    # Program names and rule texts come from the catalog, in Spanish.
    assert "Tarjeta de Visitante Trabajador Fronterizo (México)" in text
    assert "Peones de explotaciones agrícolas" in text  # the resolved occupation
    # A failed reason comes first with a link to its official source; passed ones are folded.
    sawp = card_html(response, "CA-SAWP")
    failed = sawp.index("<h4>")
    assert '<a href="https://' in sawp[failed : sawp.index("<details")]
    assert "<ol>" in sawp  # next steps
    # The fee warning stands above the results, and a short summary above the cards.
    assert text.index('id="fee-warning"') < text.index('id="summary"')
    assert text.index('id="summary"') < text.index('id="program-US-H2A"')


def test_cards_speak_spanish(client) -> None:
    response = submit(client, **guatemalan())
    assert "No cumple" in card_html(response, "CA-SAWP")
    assert "Puede solicitar" in card_html(response, "CA-TFWP-AG")
    assert "Fuente oficial" in card_html(response, "CA-SAWP")
    assert "Entendimos que su trabajo es: Peones de explotaciones agrícolas" in response.get_data(
        as_text=True
    )


def summary_html(response) -> str:
    text = response.get_data(as_text=True)
    start = text.index('id="summary"')
    return text[start : text.index("</div>", start)]


def test_a_cook_and_a_farm_worker_get_different_answers(client) -> None:
    farm = cards(submit(client, **guatemalan(experience="trabajador agrícola")))
    cook = cards(submit(client, **guatemalan(experience="cocinero de restaurante")))
    assert farm["US-H2A"] == "eligible" and cook["US-H2A"] == "not_eligible"
    assert farm["US-H2B"] == "not_eligible" and cook["US-H2B"] == "eligible"
    assert farm["CA-TFWP-AG"] == "eligible" and cook["CA-TFWP-AG"] == "not_eligible"
    assert farm["CA-TFWP-HIGH"] == "not_eligible"
    assert farm != cook
    # Neither is told "you can apply" to most programs: the work has to fit the program.
    assert sum(s == "eligible" for s in farm.values()) <= 5
    assert sum(s == "eligible" for s in cook.values()) <= 5


def test_the_summary_comes_first_and_names_the_programs(client) -> None:
    response = submit(client, **guatemalan(experience="trabajador agrícola"))
    summary = summary_html(response)
    assert "Puede solicitar" in summary and "No es para usted por ahora" in summary
    assert summary.index("Puede solicitar") < summary.index("No es para usted por ahora")
    assert 'href="#program-US-H2A"' in summary
    # The rules' date in the local format, never ISO.
    today = date.today()
    assert today.isoformat() not in summary
    assert str(today.year) in summary and " de " in summary


def test_job_offer_conditions_are_folded_away(client) -> None:
    h2a = card_html(submit(client, **guatemalan(experience="trabajador agrícola")), "US-H2A")
    folded = h2a[h2a.index('<details class="later">') :]
    assert "vivienda gratis" in folded  # a condition of the offer, inside the fold
    assert "vivienda gratis" not in h2a[: h2a.index("<details")]
    # Immigration history is not asked on the form, so no step asks the person to give it.
    assert "historial migratorio" not in h2a[h2a.index("<ol>") : h2a.index("</ol>")]


def test_without_a_job_description_nothing_that_depends_on_it_is_eligible(client) -> None:
    found = cards(submit(client, **guatemalan(experience="", experience_months="")))
    for code in ("US-H2A", "US-H2B", "CA-TFWP-AG", "CA-TFWP-HIGH"):
        assert found[code] == "needs_review", code
    text = card_html(submit(client, **guatemalan(experience="")), "US-H2A")
    assert "el trabajo que usted hace" in text


def test_no_code_is_shown_to_the_applicant(client) -> None:
    form = client.get("/eligibility").get_data(as_text=True)
    assert "ISO" not in form
    response = submit(client, **guatemalan())
    visible = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    for code in PROGRAMS:
        assert code not in visible, code


def test_mexican_adult_can_apply_to_sawp(client) -> None:
    found = cards(submit(client, **guatemalan(nationality="MX")))
    assert found["CA-SAWP"] == "eligible"
    assert found["MX-TVTF"] == "not_eligible"


def test_a_17_year_old_is_never_eligible_and_told_so_once(client) -> None:
    response = submit(client, **guatemalan(birth_date=minor_birth_date()))
    found = cards(response)
    assert len(found) == 8
    assert set(found.values()) == {"not_eligible"}
    text = response.get_data(as_text=True)
    assert 'class="status eligible"' not in text
    for code in PROGRAMS:
        card = card_html(response, code)
        # One age requirement, failed; never an age requirement met next to it.
        start = card.index("Lo que no cumple")
        failed = card[start : card.index("</ul>", start)]
        assert "18 años" in failed
        assert "16 años o más" not in card
        # No step invites a minor to look for offers or apply.
        steps = card[card.index("<ol>") : card.index("</ol>")]
        assert "Busque ofertas" not in steps and "18 años" in steps


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"birth_date": (date.today() + timedelta(days=1)).isoformat()}, "birth_date"),
        ({"nationality": ""}, "nationality"),
        ({"nationality": "ZZ"}, "nationality"),
        ({"birth_date": "not-a-date"}, "birth_date"),
        ({"birth_date": ""}, "birth_date"),
        ({"available_from": "2027-05-01", "available_to": "2027-03-01"}, "available_to"),
        ({"other_language": "xqz"}, "other_language"),
        ({"other_language": "k'iche'"}, "other_language"),
        ({"other_language": "Mam"}, "other_language"),
        ({"experience_months": "-3"}, "experience_months"),
        ({"experience_months": "many"}, "experience_months"),
        ({"languages": ["klingon"]}, "languages"),
        ({"destinations": ["FR"]}, "destinations"),
    ],
)
def test_bad_answers_are_shown_next_to_the_field(client, answers, field) -> None:
    response = submit(client, **guatemalan(**answers))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in text
    assert re.search(rf'aria-describedby="[^"]*{field}-error', text), field
    assert "data-status=" not in text  # no results on a bad form


def test_missing_nationality_field_entirely(client) -> None:
    answers = guatemalan()
    del answers["nationality"]
    response = submit(client, **answers)
    assert response.status_code == 400
    assert 'id="nationality-error"' in response.get_data(as_text=True)


def test_post_without_csrf_is_refused(client) -> None:
    response = client.post("/eligibility", data=guatemalan())
    assert response.status_code == 400
    assert "data-status=" not in response.get_data(as_text=True)


def _row_counts(engine) -> dict[str, int]:
    from pathways.db import metadata

    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def test_an_anonymous_check_stores_nothing(client, engine) -> None:
    before = _row_counts(engine)
    assert "audit_event" in before and "program_rule" in before
    response = submit(client, **guatemalan(destinations=["US", "CA"]))
    assert response.status_code == 200 and len(cards(response)) == 8
    assert _row_counts(engine) == before
    with client.session_transaction() as flask_session:
        # Only the CSRF secret the form needs (and, once chosen, the language).
        assert set(flask_session.keys()) <= {"csrf_token", "lang"}
        assert "GT" not in str(dict(flask_session))


def test_page_weight_is_under_100_kb(client) -> None:
    page = client.get("/eligibility").get_data(as_text=True)
    result = submit(client, **guatemalan(destinations=["US", "CA", "MX"])).get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', result)
    assert assets, "the stylesheet is linked"
    asset_bytes = sum(len(client.get(a).data) for a in set(assets))
    for html in (page, result):
        total = len(html.encode()) + asset_bytes
        assert total < 100 * 1024, total
    assert "<img" not in result


def test_language_switch_keeps_the_page(client) -> None:
    text = client.get("/eligibility").get_data(as_text=True)
    assert "/lang/en?next=/eligibility" in text
    response = client.get("/lang/en?next=/eligibility")
    assert response.status_code == 302 and response.headers["Location"].endswith("/eligibility")
    page = client.get("/eligibility").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Never pay to get a job abroad" in page and "Nationality" in page
    result = submit(client, **guatemalan())
    text = result.get_data(as_text=True)
    assert "Border Worker Visitor Card (Mexico)" in text
    assert "Does not qualify" in card_html(result, "CA-SAWP")
    assert "You can apply" in card_html(result, "CA-TFWP-AG")
    assert "Official source" in card_html(result, "CA-SAWP")
    assert "We understood that your work is: Crop farm labourers" in text


def test_french_switch_shows_french_catalog_texts(client) -> None:
    client.get("/lang/fr?next=/eligibility")
    result = submit(client, **guatemalan())
    text = result.get_data(as_text=True)
    assert '<html lang="fr">' in text
    assert "Carte de visiteur travailleur frontalier (Mexique)" in text
    assert cards(result)["CA-SAWP"] == "not_eligible"


def test_french_page_is_translated(client) -> None:
    client.get("/lang/fr?next=/eligibility")
    result = submit(client, **guatemalan())
    text = result.get_data(as_text=True)
    assert "Nationalité" in text
    assert "Source officielle" in card_html(result, "CA-SAWP")


def test_checks_are_rate_limited_like_the_api(database_url) -> None:
    from pathways import create_app
    from tests.conftest import test_settings

    app = create_app(
        test_settings(database_url, ratelimit_enabled=True, eligibility_rate_limit="2/minute")
    )
    client = app.test_client()
    statuses = [submit(client, **guatemalan()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/eligibility").status_code == 200  # reading the form is never limited
    app.extensions["pathways_engine"].dispose()


def test_other_languages_are_chosen_by_name(client) -> None:
    text = client.get("/eligibility").get_data(as_text=True)
    assert "Q&#39;anjob&#39;al</option>" in text or "Q'anjob'al</option>" in text
    assert ">Portugués</option>" in text
    response = submit(client, **guatemalan(other_language="kjb"))
    assert response.status_code == 200 and len(cards(response)) == 8
