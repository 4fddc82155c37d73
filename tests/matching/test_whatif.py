"""What-if engine pieces: programs opened to more nationalities (copies, nothing else moves),
a scenario's candidates built from the baseline's, and a placement augmented from the
baseline's that places exactly as many people as a solve from scratch."""

from __future__ import annotations

import doctest
import random
from datetime import date

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import assignment, policy, whatif
from matching.assignment import assign, augment, evaluate_assignment
from matching.candidates import build_candidates
from matching.policy import open_to_nationalities
from matching.rounds import run_round
from matching.whatif import extend_candidates, without_pairs
from tests.matching.catalog import load_catalog
from tests.matching.test_candidates import FAMILIES, edges, job, person

CATALOG = {p.code: p for p in load_catalog()}
TODAY = date(2026, 12, 1)


def test_docstring_examples_run() -> None:
    for module in (policy, whatif):
        assert doctest.testmod(module).failed == 0, module.__name__
    assert doctest.run_docstring_examples(augment, {"augment": augment}) is None


# ---------------------------------------------------------------------------------------------
# Opening a program


def nationality_check(program, code: str, nationality: str):
    rules = [r for r in program.rules if r.id == code and r.in_force(TODAY)]
    return [r.check({"applicant.nationality": nationality}) for r in rules]


def test_opening_sawp_adds_the_countries_to_its_list_and_touches_nothing_else() -> None:
    sawp = CATALOG["CA-SAWP"]
    opened = open_to_nationalities(sawp, ["GT", "SV", "HN", "MX"], as_of=TODAY)
    assert opened.changed == ("ca-sawp.nationality",)
    assert opened.added == {"ca-sawp.nationality": ("GT", "SV", "HN")}  # MX was on it
    assert nationality_check(opened.program, "ca-sawp.nationality", "GT") == [True]
    assert nationality_check(opened.program, "ca-sawp.nationality", "JM") == [True]
    assert nationality_check(opened.program, "ca-sawp.nationality", "NI") == [False]
    assert nationality_check(sawp, "ca-sawp.nationality", "GT") == [False]  # a copy
    others = [r for r in opened.program.rules if r.id != "ca-sawp.nationality"]
    assert others == [r for r in sawp.rules if r.id != "ca-sawp.nationality"]
    assert opened.program.caps == sawp.caps and opened.kept == ()


def test_opening_tvtf_keeps_the_border_state_rule_and_says_so() -> None:
    opened = open_to_nationalities(CATALOG["MX-TVTF"], ["SV", "HN"], as_of=TODAY)
    assert opened.added == {"mx-tvtf.nationality": ("SV", "HN")}
    assert nationality_check(opened.program, "mx-tvtf.nationality", "HN") == [True]
    assert [r.id for r in opened.kept] == ["mx-tvtf.border-states"]


@pytest.mark.parametrize(
    ("code", "countries"),
    [("US-H2A", ["GT"]), ("CA-TFWP-AG", ["HN"]), ("MX-RT-WORK", ["SV"]), ("CA-SAWP", ["JM"])],
)
def test_opening_a_program_that_already_admits_them_changes_nothing(code, countries) -> None:
    opened = open_to_nationalities(CATALOG[code], countries, as_of=TODAY)
    assert opened.changed == () and opened.program.rules == CATALOG[code].rules


def test_only_rule_versions_still_in_force_are_rewritten() -> None:
    h2a = CATALOG["US-H2A"]
    assert open_to_nationalities(h2a, ["CU"], as_of=TODAY).changed == ()  # no list since 2025
    back_then = open_to_nationalities(h2a, ["CU"], as_of=date(2024, 12, 1))
    assert back_then.changed == ("us-h2a.nationality",)


def test_exclusions_and_negations_are_opened_too() -> None:
    from matching.catalog import program_from_dict

    def program(condition):
        return program_from_dict(
            {
                "code": "XX-P",
                "destination": "MX",
                "url": "https://example.org",
                "name": {"es": "p", "en": "p", "fr": "p"},
                "description": {"es": "p", "en": "p", "fr": "p"},
                "rules": [
                    {
                        "id": "xx-p.nationality",
                        "scope": "applicant",
                        "certainty": "official",
                        "on_fail": "not_eligible",
                        "effective_from": "2020-01-01",
                        "source": "https://example.org",
                        "condition": condition,
                        "text": {"es": "n", "en": "n", "fr": "n"},
                    }
                ],
            }
        )

    for condition in (
        {"fact": "applicant.nationality", "op": "ne", "value": "MX"},
        {"not": {"fact": "applicant.nationality", "op": "in", "values": ["MX", "US"]}},
        {
            "all": [
                {"fact": "applicant.nationality", "op": "eq", "value": "GT"},
                {"fact": "applicant.age", "op": "ge", "value": 18},
            ]
        },
    ):
        opened = open_to_nationalities(program(condition), ["MX"], as_of=TODAY)
        rule = opened.program.rules[0]
        assert rule.check({"applicant.nationality": "MX", "applicant.age": 30.0}) is True
        assert opened.changed == ("xx-p.nationality",)


# ---------------------------------------------------------------------------------------------
# Candidates of a scenario


def test_scoring_only_some_vacancies_leaves_the_others_without_edges_or_reasons() -> None:
    people = [person(), person(jobs=(("9214", 24),))]
    jobs = [job(), job("US-H2B", "9214"), job("CA-SAWP")]
    found = build_candidates(people, jobs, CATALOG, families=FAMILIES, columns=[1])
    assert {v for _a, v in edges(found)} == {1}
    assert found.vacancy_reason.tolist() == ["", "", ""]
    whole = build_candidates(people, jobs, CATALOG, families=FAMILIES)
    assert {(a, v) for a, v in edges(whole) if v == 1} == edges(found)
    assert whole.vacancy_reason.tolist()[2] == "rules"


def test_a_scenario_keeps_the_baseline_edges_and_adds_what_the_change_allows() -> None:
    people = [person("GT"), person("GT", jobs=(("9211", 6),)), person("SV")]
    jobs = [job(slots=1), job("CA-SAWP", slots=2)]
    base = build_candidates(people, jobs, CATALOG, families=FAMILIES)
    assert base.vacancy_reason.tolist() == ["", "rules"]
    catalog = dict(CATALOG)
    catalog["CA-SAWP"] = open_to_nationalities(CATALOG["CA-SAWP"], ["GT"], as_of=TODAY).program
    newcomer = person("GT", jobs=(("9211", 48),))
    extra_job = job(slots=3)
    scenario = extend_candidates(
        base,
        [*people, newcomer],
        [*jobs, extra_job],
        catalog,
        families=FAMILIES,
        changed_programs={"CA-SAWP"},
    )
    assert edges(base) <= edges(scenario)
    # Guatemalans may now go to SAWP; the Salvadoran still may not.
    assert {(0, 1), (1, 1), (3, 1)} <= edges(scenario) and (2, 1) not in edges(scenario)
    assert (3, 0) in edges(scenario) and (3, 2) in edges(scenario)
    assert scenario.vacancy_reason.tolist() == ["", "", ""]
    # funnels count people: the newcomer adds to the baseline's count of vacancy 0
    assert scenario.funnel["rules"][0] == base.funnel["rules"][0] + 1
    assert scenario.funnel["rules"][1] == 3  # rescored for all four: three Guatemalans pass
    fresh = build_candidates([*people, newcomer], [*jobs, extra_job], catalog, families=FAMILIES)
    assert edges(fresh) == edges(scenario)  # a small instance: nothing is pruned anyway
    np.testing.assert_allclose(scenario.scores.toarray(), fresh.scores.toarray(), rtol=0, atol=1e-6)


def test_reserved_pairs_can_be_removed() -> None:
    people = [person("GT"), person("SV")]
    found = build_candidates(people, [job(), job()], CATALOG, families=FAMILIES)
    kept = without_pairs(found, np.array([True, False]), np.array([True, False]))
    assert edges(kept) == edges(found) - {(0, 0)}
    assert kept.funnel["edges"].tolist() == [1, 2]


# ---------------------------------------------------------------------------------------------
# Augmenting the baseline's placement


@st.composite
def instances(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = int(rng.integers(1, 40)), int(rng.integers(1, 12))
    allowed = rng.random((n, m)) < rng.uniform(0.05, 0.5)
    scores = np.where(allowed, rng.uniform(0.01, 1.0, (n, m)), 0.0)
    capacity = rng.integers(0, 4, m)
    group = rng.integers(-1, 2, m)
    group_capacity = rng.integers(0, 6, 2)
    fewer = allowed & (rng.random((n, m)) < 0.6)
    return (
        sp.csr_array(scores),
        capacity,
        group,
        group_capacity,
        sp.csr_array(np.where(fewer, scores, 0.0)),
        np.minimum(capacity, rng.integers(0, 4, m)),
        np.minimum(group_capacity, rng.integers(0, 6, 2)),
    )


@settings(max_examples=150, deadline=None)
@given(instances())
def test_augmenting_a_smaller_instance_placement_reaches_the_optimum(instance) -> None:
    scores, capacity, group, group_capacity, fewer, less, less_group = instance
    start = assign(fewer, less, vacancy_groups=group, group_capacity=less_group).assignment
    best = assign(scores, capacity, vacancy_groups=group, group_capacity=group_capacity)
    found = augment(scores, capacity, start, vacancy_groups=group, group_capacity=group_capacity)
    assert found.matched == best.matched >= int((start >= 0).sum())
    evaluate_assignment(scores, capacity, found.assignment)  # allowed pairs, capacities
    for g, limit in enumerate(group_capacity):
        assert sum(int((found.assignment == j).sum()) for j in np.flatnonzero(group == g)) <= limit


def test_augment_refuses_a_start_the_instance_does_not_allow() -> None:
    scores = sp.csr_array(np.array([[0.9, 0.0], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="does not allow"):
        augment(scores, [1, 1], [1, -1])
    with pytest.raises(ValueError, match="slots"):
        augment(scores, [1, 1], [0, 0])
    assert assignment.augment is augment


def test_a_round_started_from_the_baseline_keeps_it_and_adds_the_new_people() -> None:
    rng = random.Random(3)
    people = [
        person(rng.choice(["GT", "SV", "HN"]), jobs=(("9211", rng.choice([6, 24, 60])),))
        for _ in range(30)
    ]
    jobs = [job(slots=4) for _ in range(5)]
    base = run_round(people, jobs, CATALOG, families=FAMILIES)
    start = np.full(len(people) + 5, -1)
    for m in base.matches:
        start[m.applicant] = m.vacancy
    more = [*people, *(person("HN") for _ in range(5))]
    wider = [*jobs, job(slots=5)]
    found = extend_candidates(
        build_candidates(people, jobs, CATALOG, families=FAMILIES),
        more,
        wider,
        CATALOG,
        families=FAMILIES,
    )
    scenario = run_round(more, wider, CATALOG, families=FAMILIES, candidates=found, start=start)
    exact = run_round(more, wider, CATALOG, families=FAMILIES, candidates=found)
    assert scenario.stats["matched"] == exact.stats["matched"] == 25
    kept = {(m.applicant, m.vacancy) for m in scenario.matches}
    moved = [m for m in base.matches if (m.applicant, m.vacancy) not in kept]
    assert len(moved) <= 5  # augmenting paths move few of the baseline's people
    with pytest.raises(ValueError):
        run_round(
            more,
            wider,
            CATALOG,
            families=FAMILIES,
            candidates=found,
            start=start,
            objective="max_score",
        )


def test_reusing_the_baseline_applicant_side_changes_nothing() -> None:
    from dataclasses import replace

    rng = random.Random(7)
    people = [
        person(
            rng.choice(["GT", "SV", "HN"]),
            jobs=((rng.choice(["9211", "6111", "9214"]), rng.choice([6, 24, 60])),),
            born=date(rng.randint(1960, 2008), rng.randint(1, 12), 1),
        )
        for _ in range(60)
    ]
    jobs = [job(slots=3), job("CA-SAWP", slots=4), job("US-H2B", "9214", slots=2)]
    base = build_candidates(people, jobs, CATALOG, families=FAMILIES)
    catalog = dict(CATALOG)
    catalog["CA-SAWP"] = open_to_nationalities(CATALOG["CA-SAWP"], ["SV"], as_of=TODAY).program
    speaker = replace(person("HN"), languages=frozenset({"es", "quc"}))  # a language not yet seen
    more = [*people, speaker, person("SV")]
    wider = [*jobs, job("CA-SAWP", slots=2, languages=frozenset({"fr"}))]
    args = (more, wider, catalog)
    reused = extend_candidates(base, *args, families=FAMILIES, changed_programs={"CA-SAWP"})
    fresh = extend_candidates(
        replace(base, applicant_side=None), *args, families=FAMILIES, changed_programs={"CA-SAWP"}
    )
    assert (reused.scores != fresh.scores).nnz == 0 and edges(reused) == edges(fresh)
    assert reused.applicant_reason.tolist() == fresh.applicant_reason.tolist()
    assert reused.vacancy_reason.tolist() == fresh.vacancy_reason.tolist()
    for stage, counts in fresh.funnel.items():
        assert reused.funnel[stage].tolist() == counts.tolist(), stage
