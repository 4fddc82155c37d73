"""Eligibility scenarios against the real catalog in data/programs/ (no Flask, no DB)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.eligibility import (
    ApplicantFacts,
    Status,
    VacancyFacts,
    evaluate_program,
    evaluate_programs,
    rules_in_force,
)
from tests.matching.catalog import ORDER, load_catalog

CATALOG = load_catalog()
BY_CODE = {p.code: p for p in CATALOG}
E, N, R = Status.ELIGIBLE, Status.NOT_ELIGIBLE, Status.NEEDS_REVIEW
TODAY = date(2026, 11, 28)


def adult(nationality: str, **kw) -> ApplicantFacts:
    base = dict(
        nationality=nationality,
        birth_date=date(1994, 5, 2),
        # garden and horticultural labourers: work that fits both H-2A and H-2B
        isco08="9214",
        experience_months=24,
        prior_immigration_violation=False,
    )
    base.update(kw)
    return ApplicantFacts(**base)


def status(
    code: str, applicant: ApplicantFacts, as_of: date = TODAY, vacancy: VacancyFacts | None = None
) -> Status:
    return evaluate_program(BY_CODE[code], applicant, as_of=as_of, vacancy=vacancy).status


# ------------------------------------------------------------ applicant-only scenarios


@pytest.mark.parametrize(
    "nationality, birth, as_of, code, expected",
    [
        # Central Americans: SAWP closed, Agricultural Stream open
        ("GT", date(1994, 5, 2), TODAY, "CA-SAWP", N),
        ("HN", date(1994, 5, 2), TODAY, "CA-SAWP", N),
        ("SV", date(1994, 5, 2), TODAY, "CA-SAWP", N),
        ("GT", date(1994, 5, 2), TODAY, "CA-TFWP-AG", E),
        ("HN", date(1994, 5, 2), TODAY, "CA-TFWP-AG", E),
        ("SV", date(1994, 5, 2), TODAY, "CA-TFWP-AG", E),
        ("MX", date(1994, 5, 2), TODAY, "CA-SAWP", E),
        ("JM", date(1994, 5, 2), TODAY, "CA-SAWP", E),
        # H-2 country list: before / during / after the 2024 list and the 2025 final rule
        ("CN", date(1990, 1, 1), date(2024, 12, 1), "US-H2A", R),
        ("CN", date(1990, 1, 1), date(2025, 2, 1), "US-H2A", E),
        ("IN", date(1990, 1, 1), date(2024, 12, 1), "US-H2B", R),
        ("IN", date(1990, 1, 1), date(2025, 2, 1), "US-H2B", E),
        ("CN", date(1990, 1, 1), date(2025, 1, 16), "US-H2A", R),
        ("CN", date(1990, 1, 1), date(2025, 1, 17), "US-H2A", E),
        ("CN", date(1990, 1, 1), date(2024, 11, 6), "US-H2A", R),  # earlier lists unknown
        ("GT", date(1990, 1, 1), date(2024, 12, 1), "US-H2A", E),
        ("GT", date(1990, 1, 1), date(2024, 12, 1), "US-H2B", E),
        ("PY", date(1990, 1, 1), date(2024, 12, 1), "US-H2A", E),
        ("PY", date(1990, 1, 1), date(2024, 12, 1), "US-H2B", R),  # H-2A-only country
        ("PH", date(1990, 1, 1), date(2024, 12, 1), "US-H2B", E),
        # TVTF: Guatemala and Belize only
        ("GT", date(1994, 5, 2), TODAY, "MX-TVTF", E),
        ("BZ", date(1994, 5, 2), TODAY, "MX-TVTF", E),
        ("HN", date(1994, 5, 2), TODAY, "MX-TVTF", N),
        ("SV", date(1994, 5, 2), TODAY, "MX-TVTF", N),
        ("HN", date(1994, 5, 2), TODAY, "MX-RT-WORK", E),
        ("MX", date(1994, 5, 2), TODAY, "MX-RT-WORK", N),
        # minors: Pathways proposes only adults, in every program
        ("MX", date(2009, 6, 1), TODAY, "CA-SAWP", N),
        ("GT", date(2009, 6, 1), TODAY, "MX-TVTF", N),
        ("GT", date(2009, 6, 1), TODAY, "US-H2A", N),
        ("GT", date(2012, 6, 1), TODAY, "MX-TVTF", N),
        ("GT", date(2012, 6, 1), TODAY, "CA-TFWP-AG", N),
        # 18th birthday exactly on as_of
        ("MX", date(2008, 11, 28), TODAY, "CA-SAWP", E),
        ("MX", date(2008, 11, 29), TODAY, "CA-SAWP", N),
    ],
)
def test_applicant_scenarios(nationality, birth, as_of, code, expected) -> None:
    assert status(code, adult(nationality, birth_date=birth), as_of) is expected


def test_seventeen_year_old_is_never_eligible() -> None:
    kid = adult("MX", birth_date=date(2009, 6, 1))
    for as_of in (date(2024, 12, 1), date(2025, 8, 1), TODAY):
        results = evaluate_programs(CATALOG, kid, as_of=as_of)
        assert all(r.status is not E for r in results), as_of


@settings(max_examples=300, deadline=None)
@given(
    as_of=st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)),
    age_days=st.integers(min_value=0, max_value=18 * 365),
    nationality=st.sampled_from(["GT", "SV", "HN", "MX", "BZ", "JM", "CN"]),
)
def test_no_one_under_18_is_ever_eligible(as_of: date, age_days: int, nationality: str) -> None:
    birth = as_of - timedelta(days=age_days)
    if (as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))) >= 18:
        return
    applicant = adult(nationality, birth_date=birth)
    for result in evaluate_programs(CATALOG, applicant, as_of=as_of):
        assert result.status is not E, (result.program, birth, as_of)


def test_prior_violation_means_review_never_refusal() -> None:
    person = adult("GT", prior_immigration_violation=True)
    results = {r.program: r.status for r in evaluate_programs(CATALOG, person, as_of=TODAY)}
    assert results["US-H2A"] is R and results["CA-TFWP-AG"] is R and results["MX-TVTF"] is R


def test_missing_birth_date_needs_review() -> None:
    person = ApplicantFacts(nationality="GT", birth_date=None)
    results = evaluate_programs(CATALOG, person, as_of=TODAY, lang="en")
    tvtf = next(r for r in results if r.program == "MX-TVTF")
    assert tvtf.status is R
    assert any("birth date" in r.message for r in tvtf.reasons if r.passed is None)


def test_sawp_season_availability() -> None:
    late = adult("MX", available_from=date(2027, 12, 16), available_to=date(2027, 12, 31))
    assert status("CA-SAWP", late) is N
    spring = adult("MX", available_from=date(2027, 3, 1), available_to=date(2027, 11, 30))
    assert status("CA-SAWP", spring) is E


def test_sawp_needs_farm_experience() -> None:
    assert status("CA-SAWP", adult("MX", isco08="5120")) is R
    assert status("CA-SAWP", adult("MX", experience_months=None)) is R


# ------------------------------------------------------------ results shape and texts


def test_every_program_appears_once_in_catalog_order() -> None:
    results = evaluate_programs(CATALOG, adult("GT"), as_of=TODAY)
    assert [r.program for r in results] == ORDER


@pytest.mark.parametrize("lang", ["es", "en", "fr"])
def test_messages_in_each_language(lang: str) -> None:
    results = evaluate_programs(CATALOG, adult("HN"), as_of=TODAY, lang=lang)
    sawp = next(r for r in results if r.program == "CA-SAWP")
    failed = [r for r in sawp.reasons if r.passed is False]
    assert failed and all(r.message and r.source.startswith("https://") for r in failed)
    expected = {"es": "abierto a todas", "en": "open to all", "fr": "ouvert à toutes"}[lang]
    assert any(expected in step for step in sawp.next_steps)


def test_unknown_language_falls_back_to_english() -> None:
    result = evaluate_program(BY_CODE["CA-SAWP"], adult("GT"), as_of=TODAY, lang="quc")
    assert "Be a citizen of Mexico" in result.reasons[0].message


def test_every_failed_reason_has_a_source() -> None:
    people = [
        adult(n, birth_date=b)
        for n in ("GT", "SV", "HN", "CN")
        for b in (date(1990, 1, 1), date(2012, 1, 1))
    ]
    offer = VacancyFacts(
        worksite_country="US",
        agricultural=True,
        housing_provided=False,
        start_date=date(2027, 1, 1),
        end_date=date(2028, 6, 30),
    )
    for person in people:
        for vacancy in (None, offer):
            for result in evaluate_programs(
                CATALOG, person, as_of=date(2024, 12, 1), vacancy=vacancy
            ):
                for reason in result.reasons:
                    if reason.passed is False:
                        assert reason.source.startswith("https://"), reason.rule


def test_to_dict_matches_the_api_shape() -> None:
    result = evaluate_program(BY_CODE["US-H2A"], adult("GT"), as_of=TODAY, lang="es")
    d = result.to_dict()
    assert set(d) == {"program", "destination", "status", "reasons", "next_steps"}
    assert d["status"] == "eligible" and d["destination"] == "US"
    assert set(d["reasons"][0]) == {"rule", "passed", "message", "source"}
    assert all(isinstance(s, str) for s in d["next_steps"])


def test_offer_rules_without_an_offer_do_not_change_the_status() -> None:
    result = evaluate_program(BY_CODE["US-H2A"], adult("GT"), as_of=TODAY, lang="en")
    pending = [r for r in result.reasons if r.rule == "us-h2a.housing"]
    assert pending[0].passed is None and "Depends on the job offer" in pending[0].message
    assert result.status is E
    assert any("job offer" in s for s in result.next_steps)


def test_destination_outside_preferences_keeps_status_and_says_so() -> None:
    person = adult("GT", destinations=("US",))
    result = evaluate_program(BY_CODE["CA-TFWP-AG"], person, as_of=TODAY, lang="en")
    assert result.status is E
    assert result.reasons[-1].rule == "ca-tfwp-ag.destination-preference"
    assert result.reasons[-1].passed is None
    assert "Canada" in result.next_steps[-1]


# ------------------------------------------------------------ with a job offer

H2A_OFFER = VacancyFacts(
    program="US-H2A",
    worksite_country="US",
    worksite_subdivision="US-WA",
    agricultural=True,
    housing_provided=True,
    transport_provided=True,
    start_date=date(2027, 4, 1),
    end_date=date(2027, 10, 31),
)


def test_h2a_offer_rules() -> None:
    from dataclasses import replace

    assert status("US-H2A", adult("GT"), vacancy=H2A_OFFER) is E
    assert status("US-H2A", adult("GT"), vacancy=replace(H2A_OFFER, housing_provided=False)) is N
    assert status("US-H2A", adult("GT"), vacancy=replace(H2A_OFFER, agricultural=False)) is N
    assert status("US-H2A", adult("GT"), vacancy=replace(H2A_OFFER, housing_provided=None)) is R
    long_job = replace(H2A_OFFER, end_date=date(2028, 9, 30))
    assert status("US-H2A", adult("GT"), vacancy=long_job) is R  # uncertain rule: review
    # the offer is for H-2A: other programs are judged without it
    assert status("CA-TFWP-AG", adult("GT"), vacancy=H2A_OFFER) is E


def test_h2b_offer_rules() -> None:
    offer = VacancyFacts(
        program="US-H2B",
        worksite_country="US",
        agricultural=False,
        temporary_need="seasonal",
        start_date=date(2027, 4, 1),
        end_date=date(2027, 10, 31),
    )
    from dataclasses import replace

    assert status("US-H2B", adult("SV"), vacancy=offer) is E
    assert status("US-H2B", adult("SV"), vacancy=replace(offer, agricultural=True)) is N
    assert status("US-H2B", adult("SV"), vacancy=replace(offer, temporary_need="permanent")) is N
    assert status("US-H2B", adult("SV"), vacancy=replace(offer, temporary_need=None)) is E


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2027, 3, 1), date(2027, 10, 31), E),  # exactly 8 months
        (date(2027, 3, 1), date(2027, 11, 1), N),  # a day over 8 months
        (date(2027, 5, 1), date(2027, 12, 15), E),  # ends on the last allowed day
        (date(2027, 5, 1), date(2027, 12, 16), N),  # ends after December 15
        (date(2027, 11, 1), date(2028, 2, 1), N),  # crosses the new year
    ],
)
def test_sawp_offer_dates(start: date, end: date, expected: Status) -> None:
    offer = VacancyFacts(
        program="CA-SAWP", worksite_country="CA", agricultural=True, start_date=start, end_date=end
    )
    assert status("CA-SAWP", adult("MX"), vacancy=offer) is expected


@pytest.mark.parametrize(
    "noc, as_of, expected",
    [("85101", TODAY, E), ("65201", TODAY, N), ("65201", date(2022, 11, 15), E)],
)
def test_agricultural_stream_occupations(noc: str, as_of: date, expected: Status) -> None:
    offer = VacancyFacts(
        program="CA-TFWP-AG",
        worksite_country="CA",
        noc2021=noc,
        agricultural=True,
        housing_provided=True,
        start_date=date(2027, 1, 1),
        end_date=date(2028, 6, 30),
    )
    assert status("CA-TFWP-AG", adult("GT"), as_of=as_of, vacancy=offer) is expected


def low_offer(**kw) -> VacancyFacts:
    base = dict(
        program="CA-TFWP-LOW",
        worksite_country="CA",
        worksite_subdivision="CA-ON",
        cma=None,
        wage_hourly=20.0,
        currency="CAD",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 8, 31),
        employer_workforce=100,
        employer_low_wage_tfws=5,
        naics="7225",
        agricultural=False,
    )
    base.update(kw)
    return VacancyFacts(**base)


@pytest.mark.parametrize(
    "as_of, vacancy, expected",
    [
        # wage thresholds: Ontario 34.07 (from 2024-11-08), 36.00 (from 2025-06-27)
        (date(2025, 6, 26), low_offer(wage_hourly=35.0), N),
        (date(2025, 6, 27), low_offer(wage_hourly=35.0), E),
        (date(2024, 11, 7), low_offer(wage_hourly=35.0), R),  # earlier table unknown
        (date(2026, 6, 26), low_offer(), E),
        (date(2026, 6, 27), low_offer(), R),  # newer table unknown
        (date(2025, 8, 1), low_offer(currency="USD"), R),
        # CMA refusal windows
        (date(2025, 4, 3), low_offer(cma="Kingston"), E),  # not on the 15-CMA list
        (date(2025, 4, 4), low_offer(cma="Kingston"), N),  # on the 24-CMA list
        (date(2025, 10, 9), low_offer(cma="Halifax"), N),  # 26-CMA list
        (date(2025, 10, 10), low_offer(cma="Toronto"), R),  # Q4 2025 list unknown
        (date(2025, 10, 10), low_offer(cma="Halifax"), N),  # known on Q4 2025 list
        (date(2026, 1, 9), low_offer(cma="Halifax"), E),  # removed 2026-01-09
        (date(2026, 1, 9), low_offer(cma="toronto"), N),
        (date(2026, 1, 9), low_offer(cma="Guelph"), R),  # not on any known list
        (date(2026, 4, 9), low_offer(cma="Montréal"), E),
        (date(2026, 4, 10), low_offer(cma="Montreal", wage_hourly=20.0), R),
        (date(2025, 8, 1), low_offer(cma="Toronto", naics="2361"), E),  # construction exempt
        (date(2025, 8, 1), low_offer(cma="Toronto", naics=None), R),  # exemption unknown
        (date(2025, 8, 1), low_offer(cma=None), E),
        # 10% workforce cap from 2024-09-26 (20% in listed sectors)
        (date(2024, 9, 25), low_offer(employer_low_wage_tfws=15, wage_hourly=20.0), R),
        (date(2025, 8, 1), low_offer(employer_low_wage_tfws=15), N),
        (date(2025, 8, 1), low_offer(employer_low_wage_tfws=15, naics="3111"), E),
        (date(2025, 8, 1), low_offer(employer_low_wage_tfws=10), E),
        # one-year maximum
        (date(2025, 8, 1), low_offer(end_date=date(2027, 8, 31)), R),
    ],
)
def test_low_wage_stream(as_of: date, vacancy: VacancyFacts, expected: Status) -> None:
    assert status("CA-TFWP-LOW", adult("GT"), as_of=as_of, vacancy=vacancy) is expected


def test_cap_rule_is_not_in_force_before_2024_09_26() -> None:
    ids = {r.id for r in rules_in_force(BY_CODE["CA-TFWP-LOW"], date(2024, 9, 25))}
    assert "ca-tfwp-low.workforce-cap" not in ids
    ids = {r.id for r in rules_in_force(BY_CODE["CA-TFWP-LOW"], date(2024, 9, 26))}
    assert "ca-tfwp-low.workforce-cap" in ids


@pytest.mark.parametrize(
    "as_of, wage, expected",
    [(date(2025, 6, 26), 34.62, E), (date(2025, 6, 27), 34.62, N), (date(2025, 6, 27), 36.6, E)],
)
def test_high_wage_threshold_bc(as_of: date, wage: float, expected: Status) -> None:
    offer = VacancyFacts(
        program="CA-TFWP-HIGH",
        worksite_country="CA",
        worksite_subdivision="CA-BC",
        wage_hourly=wage,
        currency="CAD",
        start_date=date(2025, 9, 1),
        end_date=date(2027, 8, 31),
    )
    welder = adult("GT", isco08="7212")  # a trade that high-wage offers ask for
    assert status("CA-TFWP-HIGH", welder, as_of=as_of, vacancy=offer) is expected


@pytest.mark.parametrize(
    "subdivision, expected", [("MX-CHP", E), ("MX-ROO", E), ("MX-JAL", N), (None, R)]
)
def test_tvtf_worksite(subdivision: str | None, expected: Status) -> None:
    offer = VacancyFacts(program="MX-TVTF", worksite_country="MX", worksite_subdivision=subdivision)
    assert status("MX-TVTF", adult("GT"), vacancy=offer) is expected


def test_tvtf_honduran_with_chiapas_offer_is_not_eligible_citing_the_law() -> None:
    offer = VacancyFacts(program="MX-TVTF", worksite_country="MX", worksite_subdivision="MX-CHP")
    result = evaluate_program(BY_CODE["MX-TVTF"], adult("HN"), as_of=TODAY, vacancy=offer)
    assert result.status is N
    failed = [r for r in result.reasons if r.passed is False]
    assert [r.rule for r in failed] == ["mx-tvtf.nationality"]
    assert "diputados.gob.mx" in failed[0].source and "52" in failed[0].message


def test_mx_residence_offer() -> None:
    offer = VacancyFacts(
        program="MX-RT-WORK",
        worksite_country="MX",
        employer_inm_registered=True,
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
    )
    from dataclasses import replace

    assert status("MX-RT-WORK", adult("SV"), vacancy=offer) is E
    assert (
        status("MX-RT-WORK", adult("SV"), vacancy=replace(offer, employer_inm_registered=False))
        is N
    )
    assert (
        status("MX-RT-WORK", adult("SV"), vacancy=replace(offer, end_date=date(2027, 3, 31))) is R
    )


def test_evaluation_answers_every_program() -> None:
    # How fast this runs is measured by tests/benchmarks/bench_evaluation.py, not here.
    person = adult(
        "GT",
        available_from=date(2027, 3, 1),
        available_to=date(2027, 11, 30),
        destinations=("US", "CA"),
    )
    results = evaluate_programs(CATALOG, person, as_of=TODAY, lang="es")
    assert sorted(r.program for r in results) == sorted(p.code for p in CATALOG)
    assert all(r.reasons for r in results)


# ------------------------------------------------------------ the work has to fit the program


@pytest.mark.parametrize(
    "isco08, fits, does_not_fit",
    [
        ("9211", {"US-H2A", "CA-TFWP-AG"}, {"US-H2B", "CA-TFWP-HIGH"}),  # crop farm labourer
        ("5120", {"US-H2B"}, {"US-H2A", "CA-TFWP-AG", "CA-TFWP-HIGH"}),  # cook
        ("7212", {"US-H2B", "CA-TFWP-HIGH"}, {"US-H2A", "CA-TFWP-AG"}),  # welder
        ("9214", {"US-H2A", "US-H2B", "CA-TFWP-AG"}, {"CA-TFWP-HIGH"}),  # nursery / landscaping
    ],
)
def test_the_work_decides_which_programs_fit(isco08, fits, does_not_fit) -> None:
    person = adult("GT", isco08=isco08)
    for code in fits:
        assert status(code, person) is E, code
    for code in does_not_fit:
        assert status(code, person) is N, code
    # Programs open to any work do not depend on it.
    assert status("CA-TFWP-LOW", person) is E and status("MX-RT-WORK", person) is E


def test_any_job_of_the_work_history_counts() -> None:
    cook_who_also_harvested = adult("GT", isco08="5120", occupations=("9211",))
    assert status("US-H2A", cook_who_also_harvested) is E
    assert status("US-H2B", cook_who_also_harvested) is E


def test_unknown_work_is_asked_for_not_guessed() -> None:
    person = adult("GT", isco08=None)
    result = evaluate_program(BY_CODE["US-H2A"], person, as_of=TODAY, lang="es")
    assert result.status is R
    assert any("el trabajo que usted hace" in step for step in result.next_steps)
