"""Candidate edges: only pairs that pass the program rules and the hard requirements, scored
and explained; a funnel that says why a vacancy or a person ends up without one."""

from __future__ import annotations

import csv
import doctest
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from matching import candidates, rounds, scoring
from matching.candidates import CandidateApplicant, CandidateVacancy, build_candidates
from matching.facts import ApplicantFacts, VacancyFacts
from matching.rounds import run_round
from tests.matching.catalog import PROGRAMS_DIR, load_catalog

CATALOG = {p.code: p for p in load_catalog()}
FAMILIES = {
    row["isco08"]: row["family"]
    for row in csv.DictReader((PROGRAMS_DIR.parent / "occupations" / "isco08.csv").open())
    if row["level"] == "4" and row["family"]
}
SEASON = (date(2027, 4, 1), date(2027, 10, 31))


def person(
    nationality: str = "GT",
    jobs: tuple[tuple[str, int], ...] = (("9211", 36),),
    *,
    born: date = date(1992, 5, 2),
    available: tuple[date, date] = (date(2027, 3, 1), date(2027, 11, 30)),
    **extra,
) -> CandidateApplicant:
    facts = ApplicantFacts(
        nationality=nationality,
        birth_date=born,
        isco08=jobs[0][0] if jobs else None,
        occupations=tuple(code for code, _ in jobs),
        experience_months=max((m for _, m in jobs), default=None),
        available_from=available[0],
        available_to=available[1],
        prior_immigration_violation=False,
    )
    return CandidateApplicant(
        facts, jobs, available[0], available[1], languages=frozenset({"es"}), **extra
    )


def job(program: str = "US-H2A", isco: str = "9211", slots: int = 2, **extra) -> CandidateVacancy:
    start, end = extra.pop("season", SEASON)
    country = program[:2]
    facts = VacancyFacts(
        program=program,
        worksite_country=country,
        worksite_subdivision={"US": "US-WA", "CA": "CA-ON", "MX": "MX-CHP"}[country],
        isco08=isco,
        noc2021="85101" if program.startswith("CA") else None,
        wage_hourly=19.0,
        currency={"US": "USD", "CA": "CAD", "MX": "MXN"}[country],
        start_date=start,
        end_date=end,
        housing_provided=True,
        transport_provided=True,
        agricultural=program != "US-H2B" and isco.startswith(("92", "61")),
        temporary_need="seasonal",
        employer_inm_registered=True,
    )
    return CandidateVacancy(facts, program, isco, start, end, slots, **extra)


def edges(found) -> set[tuple[int, int]]:
    coo = found.scores.tocoo()
    return set(zip(coo.row.tolist(), coo.col.tolist(), strict=True))


def test_docstring_examples_run() -> None:
    for module in (candidates, scoring, rounds):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_a_farm_worker_is_a_candidate_for_farm_work() -> None:
    found = build_candidates([person()], [job()], CATALOG, families=FAMILIES)
    assert edges(found) == {(0, 0)}
    parts = found.pair_components(0, 0)
    assert parts["occupation"] == 1.0 and parts["experience"] == 1.0
    assert parts["availability"] == 1.0
    assert 0.5 < found.scores.data[0] <= 1.0


@pytest.mark.parametrize(
    ("applicant", "vacancy", "reason"),
    [
        (person(born=date(2011, 1, 1)), job(), "rules"),  # a minor: never an edge
        (person(jobs=(("5120", 36),)), job(), "rules"),  # H-2A is farm work: not for a cook
        (person(), job("CA-TFWP-LOW", "9112"), "occupation"),  # a farm worker, a cleaning job
        (person(destinations=frozenset({"CA"})), job(), "destination"),  # wants Canada only
        (person(available=(date(2027, 8, 1), date(2027, 12, 31))), job(), "dates"),
    ],
)
def test_hard_requirements_and_rules_exclude_the_pair(applicant, vacancy, reason) -> None:
    found = build_candidates([applicant], [vacancy], CATALOG, families=FAMILIES)
    assert found.scores.nnz == 0
    assert found.applicant_reason.tolist() == [reason]


def test_a_required_language_is_a_hard_requirement() -> None:
    english = job(languages=frozenset({"en"}))
    found = build_candidates([person()], [english], CATALOG, families=FAMILIES)
    assert found.scores.nnz == 0
    assert found.applicant_reason.tolist() == ["requirements"]
    assert found.vacancy_reason.tolist() == ["requirements"]
    bilingual = replace(person(), languages=frozenset({"es", "en"}))
    assert build_candidates([bilingual], [english], CATALOG, families=FAMILIES).scores.nnz == 1


def test_central_americans_cannot_fill_sawp_and_the_funnel_says_why() -> None:
    people = [person(nationality) for nationality in ("GT", "SV", "HN")]
    found = build_candidates(people, [job("CA-SAWP")], CATALOG, families=FAMILIES)
    assert found.scores.nnz == 0
    assert found.vacancy_reason.tolist() == ["rules"]
    assert found.funnel["rules"].tolist() == [0]
    mexican = build_candidates([person("MX")], [job("CA-SAWP")], CATALOG, families=FAMILIES)
    assert mexican.scores.nnz == 1


def test_an_offer_that_breaks_its_program_rules_gets_nobody() -> None:
    no_housing = job()
    no_housing = replace(no_housing, facts=replace(no_housing.facts, housing_provided=False))
    found = build_candidates([person()], [no_housing], CATALOG, families=FAMILIES)
    assert found.scores.nnz == 0 and found.vacancy_reason.tolist() == ["offer_rules"]


def test_the_rules_apply_as_of_the_season_start() -> None:
    """Someone who turns 18 in June is a candidate for a July season, not for a May one."""
    born = date(2009, 6, 15)
    may = job(season=(date(2027, 5, 1), date(2027, 8, 31)))
    july = job(season=(date(2027, 7, 1), date(2027, 10, 31)))
    found = build_candidates(
        [person(born=born, available=(date(2027, 4, 1), date(2027, 12, 31)))],
        [may, july],
        CATALOG,
        families=FAMILIES,
    )
    assert edges(found) == {(0, 1)}


def test_related_work_fits_less_than_the_same_work() -> None:
    """A skilled crop grower (6111) fits a farm labourer job (9211) less than a labourer."""
    people = [person(jobs=(("9211", 24),)), person(jobs=(("6111", 24),))]
    found = build_candidates(people, [job()], CATALOG, families=FAMILIES)
    same, related = found.pair_components(0, 0), found.pair_components(1, 0)
    assert same["occupation"] == 1.0 and related["occupation"] == pytest.approx(0.6)


def test_returning_and_named_workers_score_higher() -> None:
    plain = person()
    returning = replace(person(), returning=frozenset({"US-H2A"}))
    named = replace(person(), named_for=frozenset({0}))
    found = build_candidates([plain, returning, named], [job()], CATALOG, families=FAMILIES)
    score = {a: found.scores[[a], [0]].item() for a in range(3)}
    assert score[1] > score[0] and score[2] > score[0]
    assert found.pair_components(2, 0)["named"] == 1.0


def test_pairs_a_person_must_review_are_kept_and_flagged() -> None:
    """Before 2025 the H-2 country list was uncertain for earlier years: review, not refusal."""
    old = job(season=(date(2024, 11, 1), date(2025, 1, 10)))
    chinese = person("CN", available=(date(2024, 10, 1), date(2025, 3, 1)))
    found = build_candidates([chinese], [old], CATALOG, families=FAMILIES)
    assert found.scores.nnz == 1 and found.review.tolist() == [True]
    plain = build_candidates(
        [person(available=(date(2024, 10, 1), date(2025, 3, 1)))],
        [old],
        CATALOG,
        families=FAMILIES,
    )
    assert found.scores.data[0] == pytest.approx(plain.scores.data[0] * scoring.REVIEW_FACTOR)


def random_round(seed: int, people: int = 400, jobs: int = 40):
    rng = random.Random(seed)
    codes = ["9211", "9211", "9212", "9214", "6111", "5120", "9313", "9112"]
    applicants = []
    for _ in range(people):
        start = date(2027, rng.randint(1, 8), 1)
        applicants.append(
            person(
                rng.choice(["GT", "SV", "HN"]),
                tuple((c, rng.choice([3, 12, 36])) for c in set(rng.sample(codes, 2))),
                born=date(rng.randint(1965, 2006), rng.randint(1, 12), 1),
                available=(start, start + timedelta(days=rng.randint(120, 360))),
                destinations=frozenset(rng.sample(["US", "CA", "MX"], rng.randint(0, 2))),
            )
        )
    vacancies = []
    for _ in range(jobs):
        program = rng.choice(["US-H2A", "US-H2A", "US-H2B", "CA-TFWP-AG", "CA-TFWP-LOW"])
        isco = {"US-H2B": "9214", "CA-TFWP-LOW": "9112"}.get(program, rng.choice(codes[:4]))
        start = date(2027, rng.randint(2, 8), rng.randint(1, 28))
        vacancies.append(
            job(program, isco, rng.randint(1, 12), season=(start, start + timedelta(days=150)))
        )
    return applicants, vacancies


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_keeping_only_useful_edges_costs_no_pathway(seed: int) -> None:
    """The kept edges place as many people as all feasible pairs would (measured on small
    rounds where every feasible pair can be listed)."""
    applicants, vacancies = random_round(seed)
    kept = build_candidates(applicants, vacancies, CATALOG, families=FAMILIES)
    everything = build_candidates(
        applicants,
        vacancies,
        CATALOG,
        families=FAMILIES,
        per_applicant=10**6,
        per_slot=10**6,
        pool_per_slot=10**6,
    )
    assert kept.scores.nnz < everything.scores.nnz
    caps = np.array([v.slots for v in vacancies])
    from matching.assignment import max_flow_upper_bound

    assert max_flow_upper_bound(kept.scores, caps) == max_flow_upper_bound(everything.scores, caps)


def test_a_round_places_more_than_greedy_and_explains_empty_slots() -> None:
    applicants, vacancies = random_round(7, people=300, jobs=40)
    vacancies.append(job("CA-SAWP"))  # nobody from GT/SV/HN can take it
    result = run_round(applicants, vacancies, CATALOG, families=FAMILIES)
    stats = result.stats
    assert stats["matched"] == stats["upper_bound"] >= stats["greedy"]
    assert sum(result.empty_slots.values()) == stats["slots"] - stats["matched"]
    assert result.vacancy_cause[-1] == "rules"
    assert result.empty_slots.get("rules", 0) >= vacancies[-1].slots
    assert sum(result.unmatched.values()) == stats["applicants"] - stats["matched"]
    # each person placed once, no vacancy over its slots
    placed = [m.applicant for m in result.matches]
    assert len(placed) == len(set(placed)) == stats["matched"]
    per_vacancy = np.bincount([m.vacancy for m in result.matches], minlength=len(vacancies))
    assert (per_vacancy <= [v.slots for v in vacancies]).all()


def test_floors_for_an_origin_country_are_met_when_possible() -> None:
    applicants, vacancies = random_round(11, people=300, jobs=20)
    groups = [a.facts.nationality for a in applicants]
    result = run_round(
        applicants, vacancies, CATALOG, families=FAMILIES, groups=groups, floors={"SV": 0.4}
    )
    report = result.floors[0]
    assert report["group"] == "SV" and report["met"] and report["achieved_share"] >= 0.4


def test_the_explanation_is_in_the_applicant_language() -> None:
    found = build_candidates([person()], [job()], CATALOG, families=FAMILIES)
    parts = found.pair_components(0, 0)
    spanish = scoring.explain(parts, float(found.scores.data[0]), lang="es")
    assert spanish["components"][0]["text"] == "Su trabajo se parece al del puesto"
    assert sum(c["points"] for c in spanish["components"]) == pytest.approx(
        spanish["score"], abs=0.01
    )
    french = scoring.explain(parts, float(found.scores.data[0]), lang="fr")
    assert french["components"][0]["text"].startswith("Votre travail")


def test_an_outcome_model_is_used_only_with_enough_outcomes_and_reports_calibration() -> None:
    rng = np.random.default_rng(3)
    features = rng.random((600, len(scoring.COMPONENTS)))
    completed = (features[:, 0] * 0.7 + features[:, 3] * 0.3 + rng.normal(0, 0.15, 600)) > 0.5
    model = scoring.OutcomeModel()
    calibration = model.fit(features, completed.astype(int))
    assert calibration is not None and calibration.outcomes == 600
    assert calibration.brier < calibration.baseline_brier  # better than the base rate
    # well calibrated: in each bin the predicted and observed rates are close
    for predicted, observed, count in calibration.bins:
        if count >= 50:
            assert abs(predicted - observed) < 0.15
    assert scoring.OutcomeModel().fit(features[:50], completed[:50].astype(int)) is None


def test_a_fitted_model_scores_the_round_and_can_change_who_is_chosen() -> None:
    """Outcomes where only returning workers completed: the model prefers the returning
    worker whom the weights rank below a better occupational fit; the count is unchanged."""
    rng = np.random.default_rng(5)
    features = rng.random((400, len(scoring.COMPONENTS)))
    returning_col = scoring.COMPONENTS.index("returning")
    completed = (features[:, returning_col] > 0.5).astype(int)
    model = scoring.OutcomeModel()
    assert model.fit(features, completed) is not None
    exact = person(jobs=(("9211", 36),))
    returning = replace(person(jobs=(("6111", 12),)), returning=frozenset({"US-H2A"}))
    slot = [job(slots=1)]
    by_weights = run_round(
        [exact, returning], slot, CATALOG, families=FAMILIES, objective="max_score"
    )
    by_model = run_round(
        [exact, returning],
        slot,
        CATALOG,
        families=FAMILIES,
        objective="max_score",
        outcome_model=model,
    )
    assert [m.applicant for m in by_weights.matches] == [0]
    assert [m.applicant for m in by_model.matches] == [1]
    assert (by_weights.stats["scored_by"], by_model.stats["scored_by"]) == ("weights", "outcomes")
    assert by_model.matches[0].score > 0.5  # the fitted chance of completing


def test_a_program_cap_limits_the_round_and_is_named_as_the_cause() -> None:
    people = [person(jobs=(("9214", 24),)) for _ in range(6)]
    landscaping = [job("US-H2B", "9214", slots=3), job("US-H2B", "9214", slots=3)]
    free = run_round(people, landscaping, CATALOG, families=FAMILIES)
    assert free.stats["matched"] == 6
    capped = run_round(people, landscaping, CATALOG, families=FAMILIES, program_caps={"US-H2B": 2})
    assert capped.stats["matched"] == 2 == capped.stats["upper_bound"]
    assert capped.stats["greedy"] <= 2
    assert capped.empty_slots == {"cap": 4}
    assert capped.unmatched == {"competition": 4}
