"""Titles of certified vacancies (an authority assigned their code) teach the resolver."""

from __future__ import annotations

from sqlmodel import select

from matching.certified_titles import CERTIFIED_SOURCE, MAX_WEIGHT, CertifiedTitle, learn_aliases
from pathways.models import OccupationAlias, ReferenceVersion
from pathways.services import occupations
from pathways.services.reference import load_reference
from pathways.settings import PROJECT_ROOT

HEADER = (
    "CASE_NUMBER,CASE_STATUS,EMPLOYER_NAME,JOB_TITLE,SOC_CODE,NBR_WORKERS_REQUESTED,"
    "JOB_START_DATE,JOB_END_DATE,BASIC_RATE_OF_PAY,BASIC_UNIT_OF_PAY,WORKSITE_CITY,"
    "WORKSITE_STATE,WORKSITE_POSTAL_CODE"
)
TITLE = "Calving Season Night Checker"


def _h2a(cases: list[tuple[str, str, str]]) -> bytes:
    rows = [
        f"{ref},Certification,Ranch {i},{title},{soc},2,2027-02-01,2027-05-31,16.00,Hour,"
        f"Buhl,ID,83316"
        for i, (ref, title, soc) in enumerate(cases)
    ]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _import(client, headers, data: bytes, fmt: str = "oflc-h2a") -> dict:
    response = client.post(
        f"/api/v1/vacancies/import?format={fmt}",
        data=data,
        headers=headers,
        content_type="text/csv",
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _learned(session) -> list[OccupationAlias]:
    session.rollback()
    stmt = select(OccupationAlias).where(OccupationAlias.source.startswith(CERTIFIED_SOURCE))
    return list(session.exec(stmt))


def _version(session) -> int:
    session.rollback()
    row = session.get(ReferenceVersion, "occupations")
    session.refresh(row)
    return row.version


def test_an_import_teaches_the_resolver_its_certified_titles(client, auth_header, session):
    resolver = occupations.get_resolver(session, max_age=0)
    assert resolver.resolve(TITLE, lang="en")[0].matched != TITLE  # unknown before
    before = _version(session)
    headers = auth_header("admin")
    report = _import(client, headers, _h2a([("H-300-27001-000001", TITLE, "45-2093.00")]))
    assert report["created"] == 1

    (alias,) = _learned(session)
    assert (alias.text, alias.soc2018, alias.source) == (TITLE, "45-2093", "certified:SOC2018")
    assert alias.isco08 in {c.isco08 for c in resolver.by_code("SOC2018", "45-2093")}
    assert _version(session) == before + 1  # every process rebuilds its resolver

    best = occupations.get_resolver(session, max_age=0).resolve(
        "calving season nite checkers", lang="en"
    )[0]
    assert (best.isco08, best.soc2018[0], best.matched) == (alias.isco08, "45-2093", TITLE)

    # More certified records of the title: the same alias, weighing more; nothing else moves.
    first_weight = alias.weight
    _import(
        client,
        headers,
        _h2a([(f"H-300-27001-00000{i}", TITLE.upper(), "45-2093") for i in (2, 3, 4)]),
    )
    (again,) = _learned(session)
    assert again.id == alias.id and again.weight > first_weight
    assert _version(session) == before + 2

    # Re-running learns nothing new and leaves the version alone.
    result = occupations.learn_from_certified_vacancies(session)
    session.commit()
    assert (result.records, result.added, result.updated, result.removed) == (4, 0, 0, 0)
    assert _version(session) == before + 2

    # Re-loading the reference data keeps what was learned.
    load_reference(session, data_dir=PROJECT_ROOT / "data")
    assert [a.id for a in _learned(session)] == [alias.id]


def test_imports_without_authority_codes_learn_nothing(client, auth_header, session):
    before = _version(session)
    template = (PROJECT_ROOT / "data" / "templates" / "vacancies.csv").read_bytes()
    _import(client, auth_header("admin"), template, fmt="csv")  # an admin's file: not certified
    assert _learned(session) == []
    assert _version(session) == before


def test_learning_pools_spellings_and_drops_minority_codes():
    obs = [
        CertifiedTitle("Farmworker", "en", "SOC2018", "45-2092", "9211", 7, "45-2092"),
        CertifiedTitle("FARMWORKER (Seasonal)", "en", "SOC2018", "45-2092", "9211", 2, "45-2092"),
        CertifiedTitle("Farm worker", "en", "SOC2018", "45-2093", "9212", 1, "45-2093"),
        CertifiedTitle("Farmworker", "es", "SOC2018", "45-2092", "9211", 1, "45-2092"),
    ]
    learned = learn_aliases(obs)
    by_lang = {(a.lang, a.soc2018): a for a in learned}
    # "Farm worker" normalises differently ("farm worker"), so it stands on its own.
    assert set(by_lang) == {("en", "45-2092"), ("en", "45-2093"), ("es", "45-2092")}
    assert by_lang["en", "45-2092"].text == "Farmworker"  # the commonest spelling
    assert by_lang["en", "45-2092"].weight == MAX_WEIGHT  # 9 records: capped
    assert by_lang["es", "45-2092"].weight < by_lang["en", "45-2092"].weight
    minority = [
        CertifiedTitle("Packer", "en", "SOC2018", "53-7064", "9321", 19, "53-7064"),
        CertifiedTitle("Packer", "en", "SOC2018", "45-2092", "9211", 1, "45-2092"),
    ]
    assert [a.soc2018 for a in learn_aliases(minority)] == ["53-7064"]  # 5 % < 20 %
    assert learn_aliases(obs) == learned  # deterministic


def test_learn_titles_command_is_idempotent(client, auth_header, runner, session):
    from pathways.cli import main

    _import(client, auth_header("admin"), _h2a([("H-300-27002-000001", TITLE, "45-2093")]))
    first = runner.invoke(main, ["learn-titles"])
    assert first.exit_code == 0, first.output
    assert "certified titles: 1 records, 1 learned aliases (+0 ~0 -0)" in first.output
    assert len(_learned(session)) == 1


def test_a_ministry_file_teaches_its_own_country_codes(client, auth_header, session):
    header = (PROJECT_ROOT / "data" / "templates" / "vacancies.csv").read_text().splitlines()[0]
    row = (
        "MX-2027-SINCO-001,MX-TVTF,Ayudante de corte de sandía,6,MX,MX-CHP,Tapachula,30700,"
        "Rancho El Sol,es,SINCO2019,9111,320,MXN,day,48,2027-03-01,2027-06-30,no,no,0,es,,open"
    )
    data = f"{header}\n{row}\n".encode()
    _import(client, auth_header("ministry", "MX"), data, fmt="csv")
    (alias,) = _learned(session)
    assert (alias.text, alias.isco08, alias.source) == (
        "Ayudante de corte de sandía",
        "9211",
        "certified:SINCO2019",
    )
