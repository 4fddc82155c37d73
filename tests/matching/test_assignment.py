"""matching.assignment: exact placement of applicants in vacancy slots, greedy baseline, bound.

The exact solver is checked against solvers that share none of its code: scipy's maximum
bipartite matching and linear_sum_assignment on the graph with one column per slot, and
scipy's MILP (HiGHS) for the floors.
"""

from __future__ import annotations

import doctest
import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, linear_sum_assignment, milp
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching import assignment
from matching.assignment import (
    SCORE_SCALE,
    assign,
    evaluate_assignment,
    greedy_assignment,
    max_flow_upper_bound,
    solve_assignment,
)

FAST = settings(max_examples=80, deadline=None)


def pairs_matrix(n_app: int, n_vac: int, pairs: list[tuple[int, int, float]]) -> sp.csr_array:
    """A score matrix whose stored entries are exactly ``pairs`` (zeros stay stored)."""
    rows = [a for a, _, _ in pairs]
    cols = [v for _, v, _ in pairs]
    data = [s for _, _, s in pairs]
    return sp.coo_array((data, (rows, cols)), shape=(n_app, n_vac)).tocsr()


def stored(scores: sp.sparray) -> set[tuple[int, int]]:
    coo = sp.coo_array(scores)
    return set(zip(coo.row.tolist(), coo.col.tolist(), strict=True))


def check_valid(scores: sp.sparray, capacities: list[int], result: np.ndarray) -> None:
    """What a program officer would notice: a non-pair, an overfull vacancy, a bad vector."""
    assert result.dtype == np.int64 and result.shape == (scores.shape[0],)
    allowed = stored(scores)
    for a, v in enumerate(result.tolist()):
        assert v == -1 or (a, v) in allowed, f"applicant {a} put in vacancy {v}: not a pair"
    load = np.bincount(result[result >= 0], minlength=scores.shape[1])
    assert (load <= np.asarray(capacities)).all(), (load, capacities)


def total(scores: sp.sparray, result: np.ndarray) -> float:
    dense = scores.toarray()
    return float(sum(dense[a, v] for a, v in enumerate(result.tolist()) if v >= 0))


# ---------------------------------------------------------------------------------------------
# Independent solvers (scipy only)


def slot_graph(scores: sp.sparray, capacities: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Dense applicants x slots: allowed mask and scores, one column per slot."""
    dense = scores.toarray()
    mask = np.zeros(scores.shape, bool)
    for a, v in stored(scores):
        mask[a, v] = True
    slot_vac = np.repeat(np.arange(scores.shape[1]), capacities)
    return mask[:, slot_vac], dense[:, slot_vac]


def independent_max_people(scores: sp.sparray, capacities: list[int]) -> int:
    mask, _ = slot_graph(scores, capacities)
    if mask.shape[1] == 0:
        return 0
    match = maximum_bipartite_matching(sp.csr_array(mask.astype(np.int8)), perm_type="column")
    return int((match >= 0).sum())


def independent_optimum(scores: sp.sparray, capacities: list[int], objective: str) -> float:
    """Best total score: among maximum placements for max_pathways, overall for max_score."""
    mask, weight = slot_graph(scores, capacities)
    if mask.shape[1] == 0:
        return 0.0
    big = scores.shape[0] + 1.0 if objective == "max_pathways" else 0.0
    # Placing someone is worth `big` (more than any total score) plus the score; a cell that
    # is not a pair is worth nothing, which is the same as leaving the applicant out.
    gain = np.where(mask, big + weight, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    chosen = mask[rows, cols]
    return float(weight[rows, cols][chosen].sum())


def milp_floors(
    scores: sp.sparray,
    capacities: list[int],
    labels: list[str],
    required: dict[str, int],
    objective: str,
    most_people: int,
) -> tuple[int, int, float]:
    """Lexicographic optimum by MILP, placing at most ``most_people``: (people counted
    towards floors, people, score)."""
    coo = sp.coo_array(scores)
    rows, cols, score = coo.row, coo.col, coo.data
    n_pairs, groups = rows.size, list(required)
    n_var = n_pairs + len(groups)
    per_app = np.zeros((scores.shape[0], n_var))
    per_app[rows, np.arange(n_pairs)] = 1
    per_vac = np.zeros((scores.shape[1], n_var))
    per_vac[cols, np.arange(n_pairs)] = 1
    # y_g <= placed people of group g; y_g <= required_g (a bound)
    per_group = np.zeros((len(groups), n_var))
    for g, label in enumerate(groups):
        per_group[g, n_pairs + g] = 1
        members = [e for e in range(n_pairs) if labels[rows[e]] == label]
        per_group[g, members] = -1
    constraints = [
        LinearConstraint(per_app, -np.inf, 1),
        LinearConstraint(per_vac, -np.inf, np.asarray(capacities, float)),
        LinearConstraint(per_group, -np.inf, 0),
        LinearConstraint(np.r_[np.ones(n_pairs), np.zeros(len(groups))], 0, most_people),
    ]
    upper = np.r_[np.ones(n_pairs), [required[g] for g in groups]]
    from scipy.optimize import Bounds

    bounds = Bounds(np.zeros(n_var), upper)
    options = {"mip_rel_gap": 0.0}

    def best(c: np.ndarray) -> float:
        res = milp(
            -c, constraints=constraints, bounds=bounds, integrality=np.ones(n_var), options=options
        )
        assert res.status == 0, res.message
        return float(-res.fun)

    floor_part = np.r_[np.zeros(n_pairs), np.ones(len(groups))]
    people = np.r_[np.ones(n_pairs), np.zeros(len(groups))]
    scoring = np.r_[score, np.zeros(len(groups))]
    floor_best = round(best(floor_part))
    constraints.append(LinearConstraint(floor_part, floor_best - 0.5, np.inf))
    if objective == "max_score":
        return floor_best, -1, best(scoring)
    people_best = round(best(people))
    constraints.append(LinearConstraint(people, people_best - 0.5, np.inf))
    return floor_best, people_best, best(scoring)


def reference_greedy(scores: sp.sparray, capacities: list[int]) -> np.ndarray:
    """The baseline written the obvious way: sort all pairs, take while there is room."""
    coo = sp.coo_array(scores)
    order = sorted(zip((-coo.data).tolist(), coo.row.tolist(), coo.col.tolist(), strict=True))
    room = list(capacities)
    out = np.full(scores.shape[0], -1, np.int64)
    for _, a, v in order:
        if out[a] == -1 and room[v] > 0:
            out[a] = v
            room[v] -= 1
    return out


# ---------------------------------------------------------------------------------------------
# Random small instances


@st.composite
def instances(
    draw: st.DrawFn, max_app: int = 7, max_vac: int = 5, fine: bool | None = None
) -> tuple[sp.csr_array, list[int]]:
    n_app = draw(st.integers(1, max_app))
    n_vac = draw(st.integers(1, max_vac))
    cells = [(a, v) for a in range(n_app) for v in range(n_vac)]
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)))
    if fine is None:
        fine = draw(st.booleans())
    # Coarse scores make many ties; fine ones lie on the solver's 1/SCORE_SCALE grid, so
    # its optimum is exact and comparable to the independent one to float precision.
    values = (
        st.integers(0, SCORE_SCALE).map(lambda k: k / SCORE_SCALE)
        if fine
        else (st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
    )
    pairs = [(a, v, draw(values)) for a, v in chosen]
    capacities = draw(st.lists(st.integers(0, 3), min_size=n_vac, max_size=n_vac))
    return pairs_matrix(n_app, n_vac, pairs), capacities


# ---------------------------------------------------------------------------------------------
# Examples a user would notice


def test_docstring_examples_run() -> None:
    result = doctest.testmod(assignment)
    assert result.failed == 0 and result.attempted > 10


def test_optimum_fills_the_slot_that_greedy_leaves_empty() -> None:
    # Ana scores best at the farm (0.9) but also fits the packing plant (0.8); Beto fits only
    # the farm. Greedy gives the farm to Ana and Beto stays home; the optimum places both.
    scores = pairs_matrix(2, 2, [(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.7)])
    greedy = greedy_assignment(scores, [1, 1])
    optimal = solve_assignment(scores, [1, 1])
    assert greedy.tolist() == [0, -1]
    assert optimal.tolist() == [1, 0]
    assert max_flow_upper_bound(scores, [1, 1]) == 2
    assert evaluate_assignment(scores, [1, 1], optimal) == (2, pytest.approx(1.5))


def test_max_score_and_max_pathways_differ_on_purpose() -> None:
    # One strong candidate for the only good job, whose alternative is poor; a second
    # candidate fits only that job. Most pathways: both placed (0.1 + 0.5). Best score: 0.9.
    scores = pairs_matrix(2, 2, [(0, 0, 0.9), (0, 1, 0.1), (1, 0, 0.5)])
    pathways = assign(scores, [1, 1], objective="max_pathways")
    best = assign(scores, [1, 1], objective="max_score")
    assert (pathways.matched, pathways.total_score) == (2, pytest.approx(0.6))
    assert (best.matched, best.total_score) == (1, pytest.approx(0.9))
    assert pathways.assignment.tolist() == [1, 0] and best.assignment.tolist() == [0, -1]


def test_capacities_are_respected_and_every_slot_used_when_possible() -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((60, 8)) * (rng.random((60, 8)) < 0.4)
    scores = sp.csr_array(dense)
    capacities = [0, 1, 2, 3, 5, 1, 0, 4]
    for objective in ("max_pathways", "max_score"):
        result = solve_assignment(scores, capacities, objective=objective)
        check_valid(scores, capacities, result)
    result = solve_assignment(scores, capacities)
    assert (result >= 0).sum() == independent_max_people(scores, capacities)
    assert not np.isin(result, [0, 6]).any()  # vacancies without slots take nobody


def test_an_explicitly_stored_zero_is_an_allowed_pair() -> None:
    scores = pairs_matrix(2, 2, [(0, 0, 0.8), (1, 1, 0.0)])
    assert scores.nnz == 2
    assert solve_assignment(scores, [1, 1]).tolist() == [0, 1]
    assert greedy_assignment(scores, [1, 1]).tolist() == [0, 1]
    assert max_flow_upper_bound(scores, [1, 1]) == 2
    # ... but a zero that is not stored is no pair at all.
    assert solve_assignment(sp.csr_array([[0.8, 0.0], [0.0, 0.0]]), [1, 1]).tolist() == [0, -1]


def test_min_score_excludes_weak_pairs() -> None:
    scores = pairs_matrix(3, 2, [(0, 0, 0.9), (1, 0, 0.4), (1, 1, 0.3), (2, 1, 0.5)])
    assert solve_assignment(scores, [2, 2]).tolist() == [0, 0, 1]
    assert solve_assignment(scores, [2, 2], min_score=0.45).tolist() == [0, -1, 1]
    assert greedy_assignment(scores, [2, 2], min_score=0.45).tolist() == [0, -1, 1]
    assert max_flow_upper_bound(scores, [2, 2], min_score=0.45) == 2
    # a pair exactly at the threshold is allowed
    assert solve_assignment(scores, [2, 2], min_score=0.4).tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match="not an allowed pair"):
        evaluate_assignment(scores, [2, 2], [0, 0, 1], min_score=0.45)


@pytest.mark.parametrize(
    "convert",
    [sp.csr_matrix, sp.csc_matrix, sp.coo_matrix, sp.lil_matrix, sp.dok_matrix, sp.csc_array],
)
def test_any_sparse_format_gives_the_same_answer(convert: type) -> None:
    scores = pairs_matrix(3, 2, [(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.7), (2, 1, 0.2)])
    assert solve_assignment(convert(scores), [1, 1]).tolist() == [1, 0, -1]


def test_duplicate_entries_are_summed_and_the_callers_matrix_is_untouched() -> None:
    # A CSR matrix built from raw arrays may hold the same pair twice; scipy sums them.
    scores = sp.csr_matrix(
        (np.array([0.3, 0.4, 0.5]), np.array([0, 0, 1]), np.array([0, 2, 3])), shape=(2, 2)
    )
    before = scores.data.copy()
    result = assign(scores, [1, 1], objective="max_score")
    assert result.assignment.tolist() == [0, 1]
    assert result.total_score == pytest.approx(1.2)
    assert np.array_equal(scores.data, before) and scores.nnz == 3


def test_nobody_to_place() -> None:
    empty = sp.csr_array((3, 2))
    assert solve_assignment(empty, [1, 1]).tolist() == [-1, -1, -1]
    assert greedy_assignment(empty, [1, 1]).tolist() == [-1, -1, -1]
    assert max_flow_upper_bound(empty, [1, 1]) == 0
    no_slots = pairs_matrix(2, 1, [(0, 0, 0.9), (1, 0, 0.5)])
    assert solve_assignment(no_slots, [0], objective="max_score").tolist() == [-1, -1]
    assert solve_assignment(sp.csr_array((2, 0)), np.zeros(0, int)).tolist() == [-1, -1]
    result = assign(empty, [1, 1])
    assert (result.matched, result.total_score, result.pathways_given_up) == (0, 0.0, 0)


def test_result_reports_people_and_score() -> None:
    scores = pairs_matrix(3, 2, [(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.7), (2, 1, 0.25)])
    result = assign(scores, [1, 2])
    assert result.objective == "max_pathways"
    assert (result.matched, result.placed_without_floors) == (3, 3)
    assert result.total_score == pytest.approx(0.8 + 0.7 + 0.25)
    assert evaluate_assignment(scores, [1, 2], result.assignment) == (
        3,
        pytest.approx(result.total_score),
    )
    assert result.floors == () and result.floors_met


@pytest.mark.parametrize(
    ("scores", "capacities", "kwargs", "message"),
    [
        (sp.csr_array((2, 3)), [1, 1], {}, "one entry per vacancy"),
        (sp.csr_array((2, 2)), [1, -1], {}, "must be >= 0"),
        (sp.csr_array((2, 2)), [1, 1.5], {}, "whole numbers"),
        (sp.csr_array([[np.nan, 0.2]]), [1, 1], {}, "finite numbers in"),
        (sp.csr_array([[1.2, 0.2]]), [1, 1], {}, "applicant 0, vacancy 0 has 1.2"),
        (sp.csr_array([[-0.1, 0.2]]), [1, 1], {}, r"\[0, 1\]"),
        (sp.csr_array([[0.1, np.inf]]), [1, 1], {}, "vacancy 1 has inf"),
        (sp.csr_array([[0.5]]), [1], {"objective": "most_people"}, "unknown objective"),
        (sp.csr_array([[0.5]]), [1], {"min_score": float("nan")}, "min_score"),
        (sp.csr_array([[0.5]]), [1], {"floors": {"SV": 0.3}}, "floors need groups"),
        (sp.csr_array([[0.5]]), [1], {"groups": ["SV"], "floors": {"SV": 1.3}}, r"\[0, 1\]"),
        (sp.csr_array([[0.5]]), [1], {"groups": ["SV", "GT"], "floors": {"SV": 0.3}}, "one label"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    scores: sp.sparray, capacities: list[float], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        assign(scores, capacities, **kwargs)  # type: ignore[arg-type]
    if "floors" not in kwargs and "groups" not in kwargs:
        with pytest.raises(ValueError, match=message):
            solve_assignment(scores, capacities, **kwargs)  # type: ignore[arg-type]


def test_dense_scores_are_refused() -> None:
    # A dense array has no notion of stored entries: which pairs are allowed is ambiguous.
    with pytest.raises(TypeError, match="scipy.sparse"):
        solve_assignment(np.array([[0.5]]), [1])


def test_evaluate_assignment_catches_an_overfull_vacancy() -> None:
    scores = pairs_matrix(2, 1, [(0, 0, 0.5), (1, 0, 0.5)])
    with pytest.raises(ValueError, match="vacancy 0 has 2 people for 1 slots"):
        evaluate_assignment(scores, [1], [0, 0])


# ---------------------------------------------------------------------------------------------
# Floors


def test_floor_is_met_at_no_cost_when_another_placement_is_as_good() -> None:
    # Two jobs; GT and SV applicants are interchangeable for one of them.
    scores = pairs_matrix(4, 2, [(0, 0, 0.9), (1, 0, 0.8), (1, 1, 0.6), (2, 1, 0.7), (3, 1, 0.65)])
    groups = ["GT", "GT", "SV", "SV"]
    plain = assign(scores, [1, 1], groups=groups, floors={"SV": 0.0})
    assert plain.assignment.tolist() == [0, -1, 1, -1]
    fair = assign(scores, [1, 1], groups=groups, floors={"GT": 1.0})
    assert fair.assignment.tolist() == [0, 1, -1, -1]
    (report,) = fair.floors
    assert (report.group, report.required, report.placed, report.met) == ("GT", 2, 2, True)
    assert report.achieved_share == 1.0 and fair.pathways_given_up == 0


def test_floor_that_cannot_be_met_places_as_many_as_possible_and_says_so() -> None:
    # Women (F) can reach only one of three slots; the floor asks for half of those placed.
    scores = pairs_matrix(5, 2, [(0, 0, 0.9), (1, 0, 0.5), (2, 1, 0.6), (3, 1, 0.6), (4, 1, 0.7)])
    groups = ["M", "F", "M", "M", "M"]
    result = assign(scores, [1, 2], groups=groups, floors={"F": 0.5})
    (report,) = result.floors
    assert report.required == 2 and report.placed == 1 and not report.met
    assert report.achieved_share == pytest.approx(1 / 3)
    assert result.matched == 3 and result.pathways_given_up == 0
    assert result.assignment[1] == 0 and not result.floors_met


def test_floor_displaces_a_stronger_applicant_but_never_costs_a_pathway() -> None:
    # The HN applicant fits only the slot a stronger SV applicant holds: the floor swaps
    # them, and everyone else keeps their place.
    scores = pairs_matrix(3, 2, [(0, 0, 0.9), (1, 1, 0.8), (2, 1, 0.4)])
    groups = ["GT", "SV", "HN"]
    result = assign(scores, [1, 1], groups=groups, floors={"HN": 0.5})
    assert result.placed_without_floors == 2
    assert result.assignment.tolist() == [0, -1, 1]
    assert result.matched == 2 and result.pathways_given_up == 0
    assert result.total_score == pytest.approx(1.3)
    single = pairs_matrix(3, 1, [(0, 0, 0.9), (1, 0, 0.8), (2, 0, 0.1)])
    result = assign(single, [1], groups=groups, floors={"HN": 0.5})
    assert result.assignment.tolist() == [-1, -1, 0] and result.floors[0].met


def test_max_score_floor_never_places_more_people_than_without_it() -> None:
    # Best score: GT applicant 0 alone in vacancy 0 (0.9 beats 0.2 + 0.1), one person placed.
    # A 60% SV floor then needs one SV person; adding them next to applicant 0 would make
    # the SV share 50%, so the floor is met by placing the SV applicant instead.
    scores = pairs_matrix(2, 2, [(0, 0, 0.9), (0, 1, 0.2), (1, 0, 0.1)])
    plain = assign(scores, [1, 1], objective="max_score")
    assert plain.assignment.tolist() == [0, -1]
    result = assign(scores, [1, 1], objective="max_score", groups=["GT", "SV"], floors={"SV": 0.6})
    assert result.assignment.tolist() == [-1, 0]
    (report,) = result.floors
    assert report.met and report.achieved_share == 1.0 and result.pathways_given_up == 0


def test_floor_shares_are_read_as_the_decimals_written() -> None:
    # 0.1 as a float is a hair above 1/10; 10 placed must require 1 person, not 2.
    scores = sp.csr_array(np.eye(10) * 0.5)
    result = assign(scores, [1] * 10, groups=["A"] * 9 + ["B"], floors={"B": 0.1})
    assert result.floors[0].required == 1 and result.floors[0].met
    ints = assign(scores, [1] * 10, groups=np.array([1] * 9 + [2]), floors={2: 0.1})
    assert ints.floors[0].group == 2 and ints.floors[0].met


@FAST
@given(
    instance=instances(max_app=6, max_vac=4, fine=True),
    data=st.data(),
    objective=st.sampled_from(["max_pathways", "max_score"]),
)
def test_floors_match_an_independent_lexicographic_milp(
    instance: tuple[sp.csr_array, list[int]], data: st.DataObject, objective: str
) -> None:
    scores, capacities = instance
    n_app = scores.shape[0]
    labels = data.draw(
        st.lists(st.sampled_from(["GT", "SV", "HN"]), min_size=n_app, max_size=n_app)
    )
    floors = data.draw(
        st.dictionaries(
            st.sampled_from(["GT", "SV", "HN"]),
            st.sampled_from([0.0, 0.2, 0.25, 0.5, 0.6, 1.0]),
            min_size=1,
        )
    )
    result = assign(scores, capacities, objective=objective, groups=labels, floors=floors)
    check_valid(scores, capacities, result.assignment)
    unconstrained = assign(scores, capacities, objective=objective).matched
    assert result.placed_without_floors == unconstrained
    required = {g: math.ceil(Fraction(str(s)) * unconstrained) for g, s in floors.items()}
    floor_best, people_best, score_best = milp_floors(
        scores, capacities, labels, required, objective, unconstrained
    )
    placed = {
        g: sum(1 for a, v in enumerate(result.assignment) if v >= 0 and labels[a] == g)
        for g in floors
    }
    assert sum(min(placed[g], required[g]) for g in floors) == floor_best
    feasible = floor_best == sum(required.values())
    for report in result.floors:
        assert report.required == required[report.group]
        assert report.placed == placed[report.group]
        if feasible:  # the independent check says every floor can be met: it is
            assert report.met
            if result.matched:  # a share of nobody is no share
                assert report.achieved_share >= report.required_share - 1e-12
    if objective == "max_pathways":
        assert result.matched == people_best == unconstrained  # floors cost no pathway
    assert result.total_score == pytest.approx(score_best, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# Properties against independent solvers


@FAST
@given(instance=instances(), objective=st.sampled_from(["max_pathways", "max_score"]))
def test_never_over_capacity_never_a_non_pair(
    instance: tuple[sp.csr_array, list[int]], objective: str
) -> None:
    scores, capacities = instance
    check_valid(scores, capacities, solve_assignment(scores, capacities, objective=objective))
    check_valid(scores, capacities, greedy_assignment(scores, capacities))


@FAST
@given(instance=instances(fine=True))
def test_max_pathways_places_the_most_people_then_scores_best(
    instance: tuple[sp.csr_array, list[int]],
) -> None:
    scores, capacities = instance
    result = assign(scores, capacities)
    assert result.matched == independent_max_people(scores, capacities)
    best = independent_optimum(scores, capacities, "max_pathways")
    assert result.total_score == pytest.approx(best, abs=1e-9)
    assert total(scores, result.assignment) == pytest.approx(result.total_score)


@FAST
@given(instance=instances(fine=True))
def test_max_score_equals_the_independent_optimum(
    instance: tuple[sp.csr_array, list[int]],
) -> None:
    scores, capacities = instance
    result = assign(scores, capacities, objective="max_score")
    best = independent_optimum(scores, capacities, "max_score")
    assert result.total_score == pytest.approx(best, abs=1e-9)


@FAST
@given(
    n_app=st.integers(1, 8),
    n_vac=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    objective=st.sampled_from(["max_pathways", "max_score"]),
)
def test_scores_off_the_grid_are_optimal_within_the_rounding(
    n_app: int, n_vac: int, seed: int, objective: str
) -> None:
    rng = np.random.default_rng(seed)
    dense = rng.random((n_app, n_vac))
    scores = sp.csr_array(np.where(rng.random((n_app, n_vac)) < 0.6, dense, 0.0))
    capacities = rng.integers(0, 3, n_vac).tolist()
    result = assign(scores, capacities, objective=objective)
    best = independent_optimum(scores, capacities, objective)
    # each pair of either solution is off by at most half a unit of 1/SCORE_SCALE
    tolerance = (result.matched + n_app) / (2 * SCORE_SCALE) + 1e-12
    assert abs(result.total_score - best) <= tolerance


@FAST
@given(instance=instances(), new_capacity=st.integers(0, 3), data=st.data())
def test_a_new_vacancy_never_lowers_the_number_placed(
    instance: tuple[sp.csr_array, list[int]], new_capacity: int, data: st.DataObject
) -> None:
    scores, capacities = instance
    n_app = scores.shape[0]
    column = data.draw(
        st.lists(st.sampled_from([None, 0.0, 0.3, 1.0]), min_size=n_app, max_size=n_app)
    )
    extra = [(a, scores.shape[1], s) for a, s in enumerate(column) if s is not None]
    coo = sp.coo_array(scores)
    grown = pairs_matrix(
        n_app,
        scores.shape[1] + 1,
        list(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)) + extra,
    )
    before = (solve_assignment(scores, capacities) >= 0).sum()
    after = (solve_assignment(grown, [*capacities, new_capacity]) >= 0).sum()
    assert after >= before


@FAST
@given(instance=instances())
def test_greedy_never_beats_the_optimum_which_reaches_the_bound(
    instance: tuple[sp.csr_array, list[int]],
) -> None:
    scores, capacities = instance
    greedy = (greedy_assignment(scores, capacities) >= 0).sum()
    optimal = (solve_assignment(scores, capacities) >= 0).sum()
    bound = max_flow_upper_bound(scores, capacities)
    assert greedy <= optimal == bound
    best_score = assign(scores, capacities, objective="max_score").total_score
    assert total(scores, greedy_assignment(scores, capacities)) <= best_score + 1e-9


@FAST
@given(instance=instances(max_app=10, max_vac=5, fine=False))
def test_greedy_is_the_obvious_baseline_with_a_fixed_tie_break(
    instance: tuple[sp.csr_array, list[int]],
) -> None:
    scores, capacities = instance
    expected = reference_greedy(scores, capacities)
    assert greedy_assignment(scores, capacities).tolist() == expected.tolist()


def test_a_shared_limit_caps_several_vacancies_together() -> None:
    """A program's visa cap: two vacancies of one program may take two people in all."""
    from matching.assignment import assign

    scores = sp.csr_array(np.array([[0.9, 0.0, 0.5], [0.0, 0.8, 0.5], [0.7, 0.7, 0.0]]))
    capacities = [2, 2, 2]
    free = assign(scores, capacities)
    assert free.matched == 3
    capped = assign(scores, capacities, vacancy_groups=[0, 0, -1], group_capacity=[1])
    taken = capped.assignment
    assert capped.matched == 3  # the cap sends someone to the uncapped vacancy
    assert int(np.isin(taken, [0, 1]).sum()) == 1
    greedy = greedy_assignment(scores, capacities, vacancy_groups=[0, 0, -1], group_capacity=[1])
    assert int(np.isin(greedy, [0, 1]).sum()) <= 1


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_shared_limits_are_never_exceeded(seed: int) -> None:
    from matching.assignment import assign, max_flow_upper_bound

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    mask = rng.random((n, m)) < 0.6
    scores = sp.csr_array(np.where(mask, rng.random((n, m)), 0.0) * mask)
    scores = sp.csr_array((scores.data, scores.indices, scores.indptr), shape=(n, m))
    caps = rng.integers(0, 3, m)
    groups = rng.integers(-1, 2, m)
    limits = rng.integers(0, 3, 2)
    result = assign(scores, caps, vacancy_groups=groups, group_capacity=limits)
    placed = result.assignment[result.assignment >= 0]
    for g in (0, 1):
        assert int(np.isin(placed, np.flatnonzero(groups == g)).sum()) <= limits[g]
    assert result.matched <= max_flow_upper_bound(scores, caps)
