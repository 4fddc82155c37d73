"""The compiled fast path of the eligibility engine says exactly what the plain one said.

``evaluate_programs`` and ``evaluate_programs_dicts`` run on plans prebuilt per program, date
range and language (``Program._memo``). Here they are compared with each other and with
``reference_evaluate``: the engine as it was before the plans, kept verbatim as the oracle.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import eligibility
from matching.eligibility import (
    _COUNTRY,
    _MSG,
    ApplicantFacts,
    OnMissing,
    Program,
    ProgramResult,
    Reason,
    Scope,
    Status,
    VacancyFacts,
    _applicant_facts,
    _missing_labels,
    _vacancy_facts,
    evaluate_program,
    evaluate_programs,
    evaluate_programs_dicts,
    program_from_dict,
)
from tests.matching.catalog import ORDER, load_catalog

CATALOG = load_catalog()
TODAY = date(2026, 11, 28)


# ------------------------------------------------------------------ the oracle (old engine)


def reference_evaluate(
    program: Program,
    applicant: ApplicantFacts,
    *,
    as_of: date,
    lang: str = "es",
    vacancy: VacancyFacts | None = None,
) -> ProgramResult:
    """``evaluate_program`` as it was before compiled plans, rule by rule on every call."""
    base = _applicant_facts(applicant, as_of)
    merged = None if vacancy is None else {**base, **_vacancy_facts(vacancy)}
    offer_applies = merged is not None and (
        vacancy is None or vacancy.program is None or vacancy.program == program.code
    )
    facts = merged if offer_applies and merged is not None else base
    status = Status.ELIGIBLE
    reasons: list[Reason] = []
    remedies: list[str] = []
    missing: list[str] = []
    pending_offer = False
    for rule in program.rules:
        if not rule.in_force(as_of):
            continue
        text = rule.text.get(lang)
        if rule.scope is Scope.VACANCY and not offer_applies:
            pending_offer = True
            reasons.append(Reason(rule.id, None, f"{text} {_MSG['offer'].get(lang)}", rule.source))
            continue
        result = rule.check(facts)
        if result is True:
            reasons.append(Reason(rule.id, True, text, rule.source))
            continue
        if result is False:
            reasons.append(Reason(rule.id, False, text, rule.source))
            if rule.on_fail is Status.NOT_ELIGIBLE:
                status = Status.NOT_ELIGIBLE
            elif status is Status.ELIGIBLE:
                status = Status.NEEDS_REVIEW
            if rule.remedy is not None and rule.remedy.get(lang) not in remedies:
                remedies.append(rule.remedy.get(lang))
            continue
        labels = _missing_labels(rule, facts, lang)
        if labels:
            detail = _MSG["missing"].get(lang).format(facts=", ".join(labels))
            # only facts that decide the status become a "complete your information" step
            if rule.on_missing is OnMissing.NEEDS_REVIEW:
                missing.extend(x for x in labels if x not in missing)
        else:
            detail = _MSG["officer"].get(lang)
        reasons.append(Reason(rule.id, None, f"{text} {detail}", rule.source))
        if rule.on_missing is OnMissing.NEEDS_REVIEW and status is Status.ELIGIBLE:
            status = Status.NEEDS_REVIEW

    steps = list(remedies)
    if status is not Status.NOT_ELIGIBLE:
        if missing:
            steps.append(_MSG["complete"].get(lang).format(facts=", ".join(missing)))
        steps.extend(t.get(lang) for t in program.next_steps)
        if pending_offer:
            steps.append(_MSG["offer_step"].get(lang))
    wanted = applicant.destinations
    if wanted and program.destination not in {d.upper() for d in wanted}:
        country = _COUNTRY.get(program.destination)
        name = country.get(lang) if country else program.destination
        reasons.append(
            Reason(
                f"{program.code.lower()}.destination-preference",
                None,
                _MSG["not_preferred"].get(lang).format(country=name),
                program.url,
            )
        )
        steps.append(_MSG["add_destination"].get(lang).format(country=name))
    return ProgramResult(
        program=program.code,
        destination=program.destination,
        status=status,
        reasons=tuple(reasons),
        next_steps=tuple(steps),
    )


def check_all_paths_agree(
    applicant: ApplicantFacts, as_of: date, lang: str, vacancy: VacancyFacts | None
) -> list[dict[str, Any]]:
    expected = [
        reference_evaluate(p, applicant, as_of=as_of, lang=lang, vacancy=vacancy) for p in CATALOG
    ]
    results = evaluate_programs(CATALOG, applicant, as_of=as_of, lang=lang, vacancy=vacancy)
    assert results == expected
    for program, result in zip(CATALOG, expected, strict=True):
        single = evaluate_program(program, applicant, as_of=as_of, lang=lang, vacancy=vacancy)
        assert single == result
        assert type(single.status) is Status
    dicts = evaluate_programs_dicts(CATALOG, applicant, as_of=as_of, lang=lang, vacancy=vacancy)
    expected_dicts = [r.to_dict() for r in expected]
    assert dicts == expected_dicts
    assert dicts == [r.to_dict() for r in results]
    # same key order, and plain str / bool / None values like to_dict's
    for got, want in zip(dicts, expected_dicts, strict=True):
        assert list(got) == list(want)
        assert type(got["status"]) is str
        for reason, want_reason in zip(got["reasons"], want["reasons"], strict=True):
            assert list(reason) == list(want_reason)
    return dicts


# ------------------------------------------------------------------ strategies

NATIONALITIES = [
    "GT", "HN", "SV", "MX", "BZ", "JM", "CN", "IN", "US", "CA", "NI", "CR", "PA", "CO",
    "VE", "EC", "PE", "BO", "CL", "AR", "BR", "UY", "PY", "DO", "HT", "CU", "TT", "BB",
    "GD", "LC", "PH", "VN", "TH", "ID", "ZA", "NG", "KE", "ES", "FR", "UA",
]  # fmt: skip
LANGS = ["es", "en", "fr"]
ISCO = ["9211", "6111", "6121", "9212", "9333", "7411", "2221", "5120", "8341", "92", "61"]

optional_date = st.none() | st.dates(min_value=date(2022, 1, 1), max_value=date(2029, 12, 31))
applicants = st.builds(
    ApplicantFacts,
    nationality=st.none() | st.sampled_from(NATIONALITIES) | st.sampled_from(["gt", " mx "]),
    birth_date=st.none() | st.dates(min_value=date(1930, 1, 1), max_value=date(2015, 12, 31)),
    residence_country=st.none() | st.sampled_from(NATIONALITIES),
    languages=st.lists(st.sampled_from(["es", "en", "fr", "k'iche'"]), max_size=3).map(tuple),
    isco08=st.none() | st.sampled_from(ISCO),
    experience_months=st.none() | st.integers(min_value=0, max_value=240),
    available_from=optional_date,
    available_to=optional_date,
    destinations=st.lists(st.sampled_from(["US", "CA", "MX", "us", "ca", "ES"]), max_size=3).map(
        tuple
    ),
    prior_immigration_violation=st.none() | st.booleans(),
)

BASE_OFFERS = [
    VacancyFacts(
        program="US-H2A",
        worksite_country="US",
        worksite_subdivision="US-WA",
        agricultural=True,
        housing_provided=True,
        transport_provided=True,
        start_date=date(2027, 4, 1),
        end_date=date(2027, 10, 31),
    ),
    VacancyFacts(
        program="CA-TFWP-LOW",
        worksite_country="CA",
        worksite_subdivision="CA-ON",
        cma="Toronto",
        noc2021="94141",
        naics="311611",
        wage_hourly=22.5,
        currency="CAD",
        employer_workforce=40,
        employer_low_wage_tfws=4,
        start_date=date(2026, 5, 1),
        end_date=date(2027, 4, 30),
    ),
    VacancyFacts(program="MX-TVTF", worksite_country="MX", worksite_subdivision="MX-CHP"),
    VacancyFacts(),
]
vacancies = st.none() | st.builds(
    replace,
    st.sampled_from(BASE_OFFERS),
    program=st.none() | st.sampled_from([*ORDER, "XX-OTHER"]),
    worksite_subdivision=st.none()
    | st.sampled_from(["US-WA", "CA-ON", "CA-BC", "CA-QC", "MX-CHP", "MX-ROO", "MX-JAL"]),
    cma=st.none() | st.sampled_from(["Toronto", "Montréal", "Belleville–Quinte West", "Moncton"]),
    noc2021=st.none() | st.sampled_from(["85101", "65201", "84120", "94141"]),
    naics=st.none() | st.sampled_from(["111", "2361", "311811", "622", "5413"]),
    wage_hourly=st.none() | st.floats(min_value=5, max_value=60, allow_nan=False),
    currency=st.none() | st.sampled_from(["CAD", "USD", "MXN"]),
    start_date=optional_date,
    end_date=optional_date,
    employer_workforce=st.none() | st.integers(min_value=0, max_value=500),
    employer_low_wage_tfws=st.none() | st.integers(min_value=0, max_value=100),
    agricultural=st.none() | st.booleans(),
    housing_provided=st.none() | st.booleans(),
    temporary_need=st.none() | st.sampled_from(["seasonal", "peakload", "permanent"]),
    employer_inm_registered=st.none() | st.booleans(),
)


# ------------------------------------------------------------------ tests


@settings(max_examples=400, deadline=None)
@given(
    applicant=applicants,
    as_of=st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31)),
    lang=st.sampled_from(LANGS),
    vacancy=vacancies,
)
def test_fast_paths_equal_the_reference(
    applicant: ApplicantFacts, as_of: date, lang: str, vacancy: VacancyFacts | None
) -> None:
    check_all_paths_agree(applicant, as_of, lang, vacancy)


def test_every_version_boundary_of_the_catalog() -> None:
    """The plans switch on the very day a rule version starts or stops, in any order."""
    days = set()
    for program in CATALOG:
        for rule in program.rules:
            days.add(rule.effective_from)
            if rule.effective_to is not None:
                days.add(rule.effective_to)
    probes = sorted(
        d + delta
        for d in days
        if date(2000, 1, 1) < d < date(2030, 1, 1)
        for delta in (date.resolution * -1, date.resolution * 0, date.resolution)
    )
    person = ApplicantFacts(nationality="GT", birth_date=date(1994, 5, 2), isco08="9211")
    for as_of in [*probes, *reversed(probes)]:
        check_all_paths_agree(person, as_of, "es", None)
        check_all_paths_agree(person, as_of, "en", BASE_OFFERS[1])


def test_unknown_language_falls_back_to_english_on_every_path() -> None:
    person = ApplicantFacts(nationality="GT", birth_date=date(1994, 5, 2))
    dicts = check_all_paths_agree(person, TODAY, "de", None)
    assert dicts == evaluate_programs_dicts(CATALOG, person, as_of=TODAY, lang="en")


def test_mutating_a_result_does_not_change_the_next_one() -> None:
    person = ApplicantFacts(
        nationality="GT", birth_date=date(1994, 5, 2), destinations=("US",), isco08=None
    )
    offer = replace(BASE_OFFERS[0], program=None, housing_provided=False)
    for vacancy in (None, offer):
        first = evaluate_programs_dicts(CATALOG, person, as_of=TODAY, vacancy=vacancy)
        pristine = copy.deepcopy(first)
        for result in first:
            result["status"] = "tampered"
            result["next_steps"].append("tampered")
            for reason in result["reasons"]:
                reason["message"] = "tampered"
                reason["passed"] = "tampered"
                reason["extra"] = 1
            result["reasons"].append({"rule": "tampered"})
            result["program"] = "tampered"
        again = evaluate_programs_dicts(CATALOG, person, as_of=TODAY, vacancy=vacancy)
        assert again == pristine
        assert again == [
            r.to_dict() for r in evaluate_programs(CATALOG, person, as_of=TODAY, vacancy=vacancy)
        ]
        # no two results share a mutable piece
        seen: set[int] = set()
        for result in again:
            for piece in (result, result["reasons"], result["next_steps"], *result["reasons"]):
                assert id(piece) not in seen
                seen.add(id(piece))


def test_many_dates_keep_the_memo_bounded_and_right() -> None:
    program = CATALOG[0]
    person = ApplicantFacts(nationality="HN", birth_date=date(1990, 1, 1))
    start = date(2024, 1, 1)
    for offset in range(0, 2 * eligibility._MAX_REQUEST_KEYS, 3):
        as_of = start + offset * date.resolution
        assert evaluate_program(program, person, as_of=as_of) == reference_evaluate(
            program, person, as_of=as_of
        )
    assert len(program._memo.by_request) <= eligibility._MAX_REQUEST_KEYS
    assert len(program._memo.by_rules) <= 2 * 3 * (len(program.rules) + 1)


def test_the_memo_is_invisible() -> None:
    program = CATALOG[0]
    evaluate_programs_dicts([program], ApplicantFacts("GT", date(1994, 5, 2)), as_of=TODAY)
    fresh = load_catalog()[0]
    assert fresh == program  # the memo is not compared
    assert "_memo" not in repr(program)
    copied = replace(program, rules=program.rules[:1])
    assert copied._memo is not program._memo
    assert not copied._memo.by_request
    person = ApplicantFacts("GT", date(1994, 5, 2))
    assert evaluate_program(copied, person, as_of=TODAY) == reference_evaluate(
        copied, person, as_of=TODAY
    )


def _rule(rid: str, condition: dict[str, Any], **kw: Any) -> dict[str, Any]:
    rule = {
        "id": f"xx-demo.{rid}",
        "scope": "applicant",
        "certainty": "official",
        "on_fail": "needs_review",
        "effective_from": "2020-01-01",
        "source": f"https://example.org/{rid}",
        "condition": condition,
        "text": {"es": f"{rid} es", "en": f"{rid} en", "fr": f"{rid} fr"},
    }
    rule.update(kw)
    return rule


SAME_REMEDY = {"es": "Lo mismo.", "en": "The same.", "fr": "La même chose."}
DEMO = program_from_dict(
    {
        "code": "XX-DEMO",
        "destination": "ES",  # no country name of its own: the code is used
        "url": "https://example.org",
        "name": {"es": "D", "en": "D", "fr": "D"},
        "description": {"es": "d", "en": "d", "fr": "d"},
        "next_steps": [{"es": "Paso {uno}", "en": "Step {one}", "fr": "Étape {un}"}],
        "rules": [
            _rule(
                "vac-a",
                {"fact": "vacancy.agricultural", "op": "eq", "value": True},
                scope="vacancy",
            ),
            _rule(
                "age",
                {"fact": "applicant.age", "op": "ge", "value": 18},
                on_fail="not_eligible",
                remedy=SAME_REMEDY,
            ),
            _rule(
                "vac-b",
                {"fact": "vacancy.housing_provided", "op": "eq", "value": True},
                scope="vacancy",
                remedy=SAME_REMEDY,
            ),
            _rule(
                "vac-c",
                {"fact": "vacancy.naics", "op": "prefix_in", "values": ["11"]},
                scope="vacancy",
                on_missing="ignore",
            ),
            _rule(
                "exp",
                {"fact": "applicant.experience_months", "op": "ge", "value": 6},
                remedy=SAME_REMEDY,
            ),
            _rule(
                "both",
                {
                    "all": [
                        {"fact": "applicant.residence_country", "op": "in", "values": ["GT", "HN"]},
                        {"fact": "applicant.languages", "op": "in", "values": ["es"]},
                        {"fact": "applicant.age", "op": "lt", "value": 60},
                        {"fact": "applicant.experience_months", "op": "le", "value": 200},
                    ]
                },
                on_missing="ignore",
            ),
            _rule(
                "old", {"fact": "applicant.age", "op": "le", "value": 40}, effective_to="2024-06-30"
            ),
            _rule(
                "old",
                {"fact": "applicant.age", "op": "le", "value": 45},
                effective_from="2024-07-01",
            ),
            _rule("officer", {"unknown": True}, certainty="uncertain"),
            _rule(
                "vac-d",
                {"fact": "vacancy.wage_hourly", "op": "ge", "value": 15, "currency": "USD"},
                scope="vacancy",
            ),
        ],
    }
)


@settings(max_examples=300, deadline=None)
@given(
    applicant=applicants,
    as_of=st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31)),
    lang=st.sampled_from([*LANGS, "pt"]),
    vacancy=vacancies,
)
def test_fast_paths_equal_the_reference_on_tricky_rules(
    applicant: ApplicantFacts, as_of: date, lang: str, vacancy: VacancyFacts | None
) -> None:
    expected = [
        reference_evaluate(p, applicant, as_of=as_of, lang=lang, vacancy=vacancy)
        for p in (DEMO, CATALOG[3])
    ]
    got = evaluate_programs([DEMO, CATALOG[3]], applicant, as_of=as_of, lang=lang, vacancy=vacancy)
    assert got == expected
    dicts = evaluate_programs_dicts(
        [DEMO, CATALOG[3]], applicant, as_of=as_of, lang=lang, vacancy=vacancy
    )
    assert dicts == [r.to_dict() for r in expected]


def test_a_shared_remedy_is_given_once() -> None:
    young = ApplicantFacts("GT", date(2012, 1, 1), experience_months=1)
    offer = VacancyFacts(program="XX-DEMO", housing_provided=False)
    result = evaluate_programs_dicts([DEMO], young, as_of=TODAY, lang="en", vacancy=offer)[0]
    assert result["status"] == "not_eligible"
    assert result["next_steps"] == ["The same."]
    assert (
        result == reference_evaluate(DEMO, young, as_of=TODAY, lang="en", vacancy=offer).to_dict()
    )
