"""Assign applicants to vacancy slots: exact optimum, greedy baseline and an upper bound.

An instance is a sparse score matrix (applicants x vacancies) whose *stored* entries are the
allowed pairs, and the number of slots of each vacancy. The exact solver is a min-cost flow
(OR-Tools) on source -> applicant (1) -> vacancy (1 per pair) -> sink (slots): integral, so
each applicant gets at most one vacancy and no vacancy more people than it has slots.

Scores are scaled to integers (``round(score * SCORE_SCALE)``) because the solver works in
integers, so "optimal" means optimal for the scores rounded to four decimals: the total score
found is within ``matched / SCORE_SCALE`` of the true optimum (each of the pairs used, and of
the pairs of the true optimum, is off by at most half a unit). The number of people placed
is exact.

Examples
--------
>>> from scipy.sparse import csr_array
>>> scores = csr_array([[0.9, 0.8], [0.7, 0.0]])  # applicant 1 may only take vacancy 0
>>> greedy_assignment(scores, [1, 1])  # takes the best pair first, leaving applicant 1 out
array([ 0, -1])
>>> solve_assignment(scores, [1, 1])  # places both
array([1, 0])
>>> max_flow_upper_bound(scores, [1, 1])
2
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from ortools.graph.python import max_flow, min_cost_flow

__all__ = [
    "OBJECTIVES",
    "SCORE_SCALE",
    "Assignment",
    "FloorReport",
    "assign",
    "augment",
    "evaluate_assignment",
    "greedy_assignment",
    "max_flow_upper_bound",
    "solve_assignment",
]

#: What :func:`solve_assignment` can maximise: the number of people placed (then, among
#: those placements, the total score), or the total score alone.
OBJECTIVES: tuple[str, ...] = ("max_pathways", "max_score")

#: Scores are multiplied by this and rounded before solving (the solver needs integer costs).
SCORE_SCALE = 10_000

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]  # applicant and vacancy indices: OR-Tools' node type
_INT32_MAX = 2**31 - 1
# OR-Tools' cost scaling multiplies costs by about the number of nodes; keep headroom.
_COST_LIMIT = 2**62


# ---------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True, eq=False)
class _Pairs:
    """The allowed pairs of an instance, one entry per pair, after validation and filtering."""

    n_applicants: int
    n_vacancies: int
    applicant: IndexArray  # row of each pair, ascending (CSR order)
    vacancy: IndexArray  # column of each pair
    score: npt.NDArray[np.float64]
    capacity: IntArray  # slots per vacancy (all vacancies)


def _capacities(capacities: npt.ArrayLike, n_vacancies: int) -> IntArray:
    cap = np.asarray(capacities)
    if cap.ndim != 1 or cap.shape[0] != n_vacancies:
        raise ValueError(
            f"capacities must have one entry per vacancy (score columns): expected shape "
            f"({n_vacancies},), got {cap.shape}"
        )
    if cap.dtype.kind == "b" or (cap.size and cap.dtype.kind not in "iuf"):
        raise ValueError(f"capacities must be whole numbers, got dtype {cap.dtype}")
    if cap.dtype.kind == "f" and not np.all(np.isfinite(cap) & (cap == np.round(cap))):
        raise ValueError("capacities must be whole numbers (finite, no fractions)")
    if cap.size and cap.min() < 0:
        j = int(np.argmin(cap))
        raise ValueError(f"capacities must be >= 0: vacancy {j} has {int(cap[j])}")
    # More slots than people never matter; the clip keeps huge values from wrapping in int64.
    return np.minimum(cap, 2**62).astype(np.int64)


def _pairs(scores: Any, capacities: npt.ArrayLike, min_score: float) -> _Pairs:
    """Validate an instance and keep the pairs that may be used (score >= min_score, slots)."""
    if not sp.issparse(scores):
        raise TypeError(
            "scores must be a scipy.sparse matrix or array whose stored entries are the "
            f"allowed pairs, got {type(scores).__name__}"
        )
    if len(scores.shape) != 2:
        raise ValueError(f"scores must be 2-D (applicants x vacancies), got shape {scores.shape}")
    n_app, n_vac = (int(n) for n in scores.shape)
    cap = _capacities(capacities, n_vac)
    if isinstance(min_score, bool) or not isinstance(min_score, int | float | np.number):
        raise ValueError(f"min_score must be a number, got {min_score!r}")
    if not math.isfinite(float(min_score)):
        raise ValueError(f"min_score must be a finite number, got {min_score!r}")
    csr = scores.tocsr()
    if not csr.has_canonical_format:  # duplicates are summed, as scipy does; never in place
        csr = csr.copy()
        csr.sum_duplicates()
    if csr.dtype.kind not in "biuf":
        raise ValueError(f"scores must be real numbers in [0, 1], got dtype {csr.dtype}")
    data = np.asarray(csr.data, dtype=np.float64)
    bad = ~((data >= 0.0) & (data <= 1.0))  # also catches NaN
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(csr.indptr, k, side="right") - 1)
        raise ValueError(
            f"scores must be finite numbers in [0, 1]: applicant {row}, vacancy "
            f"{int(csr.indices[k])} has {float(data[k])!r}"
        )
    if csr.nnz + n_app + n_vac + 8 > _INT32_MAX:  # arcs: pairs, applicants, vacancies
        raise ValueError("instance too large: OR-Tools indexes nodes and arcs with int32")
    rows = np.repeat(np.arange(n_app, dtype=np.int32), np.diff(csr.indptr))
    cols = csr.indices.astype(np.int32, copy=False)
    keep = cap[cols] > 0
    if min_score > 0:
        keep &= data >= min_score
    if not keep.all():
        rows, cols, data = rows[keep], cols[keep], data[keep]
    return _Pairs(n_app, n_vac, rows, cols, data, cap)


def _objective(objective: str) -> str:
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}: expected one of {OBJECTIVES}")
    return objective


# ---------------------------------------------------------------------------------------------
# The flow network


@dataclass(frozen=True, eq=False)
class _Network:
    """Nodes: active applicants 0..na-1, then vacancies with slots and pairs, then S, T."""

    pairs: _Pairs
    applicants: IntArray  # original index of each active applicant node
    tail: npt.NDArray[np.int32]  # per pair: applicant node
    head: npt.NDArray[np.int32]  # per pair: vacancy node
    slots: IntArray  # per vacancy node: min(slots, number of pairs)
    # Shared limits (e.g. a program's visa cap): the group of each vacancy node (-1 none)
    # and each group's capacity; grouped vacancies reach the sink through their group node.
    group: IntArray | None = None
    group_capacity: IntArray | None = None

    @property
    def n_applicants(self) -> int:
        return int(self.applicants.size)

    @property
    def source(self) -> int:
        return self.n_applicants + int(self.slots.size)

    @property
    def sink(self) -> int:
        return self.source + 1


def _network(
    pairs: _Pairs,
    groups: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
) -> _Network:
    """Drop applicants without pairs and vacancies without slots: they cannot change a result."""
    app_used = np.bincount(pairs.applicant, minlength=pairs.n_applicants) > 0
    vac_degree = np.bincount(pairs.vacancy, minlength=pairs.n_vacancies)
    vac_used = vac_degree > 0  # pairs of vacancies without slots were filtered already
    app_node = np.cumsum(app_used) - 1
    na = int(app_used.sum())
    vac_node = np.cumsum(vac_used) - 1 + na
    slots = np.minimum(pairs.capacity[vac_used], vac_degree[vac_used])  # no huge capacities
    group = caps = None
    if groups is not None:
        all_groups = np.asarray(groups, dtype=np.int64)
        caps = np.asarray(group_capacity, dtype=np.int64)
        if all_groups.shape != (pairs.n_vacancies,):
            raise ValueError("vacancy_groups must give one group (or -1) per vacancy")
        if all_groups.max(initial=-1) >= caps.size or (caps < 0).any():
            raise ValueError("group_capacity must give a non-negative capacity per group")
        group = all_groups[vac_used]
    return _Network(
        pairs=pairs,
        applicants=np.flatnonzero(app_used).astype(np.int64),
        tail=app_node[pairs.applicant].astype(np.int32),
        head=vac_node[pairs.vacancy].astype(np.int32),
        slots=slots.astype(np.int64),
        group=group,
        group_capacity=caps,
    )


def _scaled(score: npt.NDArray[np.float64]) -> IntArray:
    return np.rint(score * SCORE_SCALE).astype(np.int64)


def _flow(
    net: _Network,
    pair_cost: IntArray,
    *,
    max_flow_first: bool,
    units: int,
    bypass: bool,
    entry_tail: npt.NDArray[np.int32] | None = None,
    extra: tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], IntArray, IntArray] | None = None,
) -> npt.NDArray[np.bool_]:
    """Solve one min-cost flow; return which pairs carry flow.

    ``units`` flow units leave the source. ``max_flow_first`` sends as many as possible and,
    among maximum flows, minimises cost (the solver's own lexicographic mode); otherwise
    exactly ``units`` are sent, through the zero-cost source -> sink ``bypass`` arc when
    placing someone would not lower the cost. ``entry_tail`` gives each applicant's entry
    node (the source, or a group node of the floors network, whose arcs come in ``extra``).
    """
    na, n_pairs = net.n_applicants, int(pair_cost.size)
    s, t = net.source, net.sink
    applicant_nodes = np.arange(na, dtype=np.int32)
    vacancy_nodes = np.arange(na, na + net.slots.size, dtype=np.int32)
    blocks = [
        (net.tail, net.head, np.ones(n_pairs, np.int64), pair_cost),  # arcs 0..n_pairs-1
        (
            np.full(na, s, np.int32) if entry_tail is None else entry_tail,
            applicant_nodes,
            np.ones(na, np.int64),
            np.zeros(na, np.int64),
        ),
    ]
    # Group nodes of shared limits come after every other node (floors use t + 1 ...).
    offset = t + 1 if extra is None else int(max(extra[0].max(), extra[1].max())) + 1
    blocks.append(_vacancy_exits(net, vacancy_nodes, t, offset))
    if net.group is not None and net.group_capacity is not None:
        group_nodes = offset + np.arange(net.group_capacity.size, dtype=np.int32)
        blocks.append(
            (
                group_nodes,
                np.full(group_nodes.size, t, np.int32),
                net.group_capacity,
                np.zeros(group_nodes.size, np.int64),
            )
        )
    if extra is not None:
        blocks.append(extra)
    if bypass:
        blocks.append(
            (
                np.array([s], np.int32),
                np.array([t], np.int32),
                np.array([units], np.int64),
                np.zeros(1, np.int64),
            )
        )
    tails, heads, caps, costs = (np.concatenate(parts) for parts in zip(*blocks, strict=True))
    n_nodes = int(max(tails.max(), heads.max())) + 1
    if int(np.abs(costs).max(initial=0)) * (n_nodes + 1) >= _COST_LIMIT:
        raise ValueError("instance too large for exact integer costs (int64 overflow)")
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    del blocks, tails, heads, caps, costs  # the solver keeps its own copy; lower the peak
    solver.set_nodes_supplies(np.array([s, t], np.int32), np.array([units, -units], np.int64))
    status = solver.solve_max_flow_with_min_cost() if max_flow_first else solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow did not solve the instance: {status}")
    flows = np.asarray(solver.flows(np.arange(n_pairs, dtype=np.int32)))
    return flows > 0


def _vacancy_exits(
    net: _Network, vacancy_nodes: npt.NDArray[np.int32], sink: int, offset: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], IntArray, IntArray]:
    """Vacancy -> sink arcs; a grouped vacancy goes to its group node instead."""
    heads = np.full(vacancy_nodes.size, sink, np.int32)
    if net.group is not None:
        grouped = net.group >= 0
        heads[grouped] = offset + net.group[grouped].astype(np.int32)
    return vacancy_nodes, heads, net.slots, np.zeros_like(net.slots)


def _vector(net: _Network, used: npt.NDArray[np.bool_]) -> IntArray:
    out = np.full(net.pairs.n_applicants, -1, np.int64)
    out[net.pairs.applicant[used]] = net.pairs.vacancy[used]
    return out


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class FloorReport:
    """How one group fared against its floor (a minimum share of the people placed).

    ``required`` people is the floor counted on the placement without floors
    (``ceil(required_share * placed_without_floors)``); ``met`` says whether the share of the
    people placed is at least ``required_share``.
    """

    group: Any  # the label as given in floors (an int or str)
    required_share: float
    required: int
    placed: int
    achieved_share: float
    met: bool


@dataclass(frozen=True, eq=False)
class Assignment:
    """A solved assignment with the figures a report needs.

    ``assignment[i]`` is applicant ``i``'s vacancy column or ``-1``. ``total_score`` sums the
    original (unrounded) scores of the pairs used. With floors, ``placed_without_floors`` is
    the number the same objective places without them, so ``pathways_given_up`` is what the
    floors cost in people: always 0 for ``max_pathways`` (a maximum placement can always
    include the people the floors ask for), possibly more for ``max_score``.
    """

    assignment: IntArray
    objective: str
    matched: int
    total_score: float
    placed_without_floors: int
    floors: tuple[FloorReport, ...] = ()

    @property
    def pathways_given_up(self) -> int:
        return self.placed_without_floors - self.matched

    @property
    def floors_met(self) -> bool:
        return all(f.met for f in self.floors)


# ---------------------------------------------------------------------------------------------
# Exact solutions


def _solve(net: _Network, objective: str) -> npt.NDArray[np.bool_]:
    if net.tail.size == 0:
        return np.zeros(0, np.bool_)
    cost = -_scaled(net.pairs.score)
    if objective == "max_pathways":
        return _flow(net, cost, max_flow_first=True, units=net.n_applicants, bypass=False)
    return _flow(net, cost, max_flow_first=False, units=net.n_applicants, bypass=True)


def assign(
    scores: Any,
    capacities: npt.ArrayLike,
    *,
    objective: str = "max_pathways",
    min_score: float = 0.0,
    groups: Sequence[Any] | npt.NDArray[Any] | None = None,
    floors: Mapping[Any, float] | None = None,
    vacancy_groups: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
) -> Assignment:
    """Assign applicants to vacancy slots optimally, optionally with group floors.

    Parameters
    ----------
    scores : scipy.sparse matrix or array, shape (n_applicants, n_vacancies)
        Its stored entries are the allowed pairs (an explicitly stored ``0.0`` is allowed);
        values are scores in [0, 1]. Duplicate entries are summed, as scipy does.
    capacities : array of int, shape (n_vacancies,)
        Slots per vacancy; 0 is allowed (the vacancy takes nobody).
    objective : {"max_pathways", "max_score"}
        ``"max_pathways"`` places as many people as possible and, among those placements,
        maximises the total score; ``"max_score"`` maximises the total score (a pair with
        score 0 may be left out).
    min_score : float
        Pairs scoring below this are not allowed.
    groups : sequence of labels, shape (n_applicants,), optional
        One label per applicant (an int or str, e.g. origin country or sex); needed with
        ``floors``.
    floors : mapping label -> share, optional
        Minimum share of the people placed for a group, e.g. ``{"SV": 0.25}``. With ``N``
        placed without floors, group ``g`` needs ``ceil(share * N)`` people. The solution
        meets every such count when that is possible and otherwise places as many people
        of the short groups as it can (the sum over groups of what each gets towards its
        count is maximised first); then it optimises ``objective`` placing at most ``N``
        people, so meeting the counts means meeting the shares. For ``max_pathways`` the
        number placed stays ``N``: floors never cost pathways there.
    vacancy_groups, group_capacity : arrays of int, optional
        Limits shared by several vacancies, such as a program's visa cap: the group of each
        vacancy (``-1`` for none) and the most people each group may take in all.

    Returns
    -------
    Assignment
        The vacancy of each applicant (or -1), people placed, total score, and a
        :class:`FloorReport` per floor.

    Raises
    ------
    ValueError
        A shape mismatch, a negative or fractional capacity, a score that is NaN or outside
        [0, 1], an unknown objective, a floor share outside [0, 1], floors without groups.
    TypeError
        ``scores`` is not a scipy sparse matrix.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> scores = csr_array([[0.9, 0.8, 0.0], [0.7, 0.0, 0.0], [0.0, 0.0, 0.6]])
    >>> result = assign(scores, [1, 1, 1])
    >>> result.assignment, result.matched, round(result.total_score, 2)
    (array([1, 0, 2]), 3, 2.1)
    >>> two_slots = csr_array([[0.9, 0.0], [0.8, 0.0], [0.0, 0.2]])
    >>> fair = assign(two_slots, [1, 1], groups=["GT", "SV", "SV"], floors={"SV": 1.0})
    >>> fair.assignment, fair.floors[0].met, fair.pathways_given_up
    (array([-1,  0,  1]), True, 0)
    """
    objective = _objective(objective)
    pairs = _pairs(scores, capacities, min_score)
    spec = _floor_spec(groups, floors, pairs.n_applicants)
    net = _network(pairs, vacancy_groups, group_capacity)
    used = _solve(net, objective)
    placed = int(used.sum())
    if spec is not None:
        required = [math.ceil(share * placed) for share in spec.shares]
        if any(h < r for h, r in zip(spec.placed(net, used), required, strict=True)):
            used = _solve_with_floors(net, objective, spec, required, placed)
        return _result(net, used, objective, placed, spec, required)
    return _result(net, used, objective, placed)


def solve_assignment(
    scores: Any,
    capacities: npt.ArrayLike,
    *,
    objective: str = "max_pathways",
    min_score: float = 0.0,
) -> IntArray:
    """Each applicant's vacancy in an optimal assignment (exact min-cost flow).

    Parameters
    ----------
    scores : scipy.sparse matrix or array, shape (n_applicants, n_vacancies)
        Stored entries are the allowed pairs (explicit zeros included), values in [0, 1].
    capacities : array of int, shape (n_vacancies,)
        Slots per vacancy (0 allowed).
    objective : {"max_pathways", "max_score"}
        Most people placed, then the highest total score among those placements; or the
        highest total score alone.
    min_score : float
        Pairs scoring below this are not allowed.

    Returns
    -------
    numpy.ndarray of int64, shape (n_applicants,)
        The vacancy column of each applicant, or -1 when not placed. Never over a
        vacancy's capacity, never a pair that is not stored.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> scores = csr_array([[0.9, 0.1], [0.5, 0.0]])
    >>> solve_assignment(scores, [1, 1])  # both placed: 0.1 + 0.5
    array([1, 0])
    >>> solve_assignment(scores, [1, 1], objective="max_score")  # 0.9 alone scores more
    array([ 0, -1])
    >>> solve_assignment(scores, [1, 1], min_score=0.3)
    array([ 0, -1])
    """
    return assign(scores, capacities, objective=objective, min_score=min_score).assignment


def augment(
    scores: Any,
    capacities: npt.ArrayLike,
    start: npt.ArrayLike,
    *,
    vacancy_groups: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
) -> Assignment:
    """A maximum assignment reached from a feasible one by augmenting paths.

    ``start`` (each applicant's vacancy column or -1) must be allowed by the instance: its
    pairs stored, no vacancy or group over capacity. The result places the most people
    possible (exactly as many as :func:`assign` with ``"max_pathways"``) and keeps every pair
    of ``start`` except those an augmenting path moves; scores are not re-optimised. A
    what-if uses it so that a scenario differs from its baseline by what the policy change
    makes possible, not by a reshuffle among equally good placements; and it costs a
    maximum flow on the residual network (OR-Tools), a fraction of a min-cost solve.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> scores = csr_array([[0.9, 0.8], [0.7, 0.0]])
    >>> result = augment(scores, [1, 1], [0, -1])  # applicant 0 moves over to make room
    >>> result.assignment, result.matched
    (array([1, 0]), 2)
    """
    pairs = _pairs(scores, capacities, 0.0)
    net = _network(pairs, vacancy_groups, group_capacity)
    begin = np.asarray(start, dtype=np.int64)
    if begin.shape != (pairs.n_applicants,):
        raise ValueError("start must give one vacancy column (or -1) per applicant")
    used = begin[pairs.applicant] == pairs.vacancy
    if int(used.sum()) != int((begin >= 0).sum()):
        raise ValueError("start uses a pair the instance does not allow")
    na, nv = net.n_applicants, int(net.slots.size)
    s, t = net.source, net.sink
    vacancy_nodes = np.arange(na, na + nv, dtype=np.int32)
    taken = np.bincount(net.head[used] - na, minlength=nv).astype(np.int64)
    room = net.slots - taken
    if (room < 0).any():
        raise ValueError("start puts more people in a vacancy than it has slots")
    free = np.ones(na, dtype=bool)
    free[net.tail[used]] = False
    # Residual network of `start`: unused pairs forward, used ones backward; the source
    # reaches only the applicants without a vacancy (a path never returns to the source).
    exit_tail, exit_head, _slots, _cost = _vacancy_exits(net, vacancy_nodes, t, t + 1)
    blocks = [
        (
            np.where(used, net.head, net.tail),
            np.where(used, net.tail, net.head),
            np.ones(used.size, np.int64),
        ),
        (
            np.full(int(free.sum()), s, np.int32),
            np.flatnonzero(free).astype(np.int32),
            np.ones(int(free.sum()), np.int64),
        ),
        (exit_tail, exit_head, room),
    ]
    if net.group is not None and net.group_capacity is not None:
        grouped = net.group >= 0
        group_use = np.bincount(
            net.group[grouped], weights=taken[grouped], minlength=net.group_capacity.size
        ).astype(np.int64)
        group_room = net.group_capacity - group_use
        if (group_room < 0).any():
            raise ValueError("start puts more people in a group than its capacity")
        group_nodes = t + 1 + np.arange(net.group_capacity.size, dtype=np.int32)
        # A unit may leave a grouped vacancy to free room in its group for someone else.
        blocks.append((exit_head[grouped], exit_tail[grouped], taken[grouped]))
        blocks.append((group_nodes, np.full(group_nodes.size, t, np.int32), group_room))
    result = used
    if free.any():
        result = used ^ _residual_flow(blocks, used.size, s, t)
    matched = int(result.sum())
    return Assignment(
        assignment=_vector(net, result),
        objective="max_pathways",
        matched=matched,
        total_score=float(net.pairs.score[result].sum()),
        placed_without_floors=matched,
    )


def _residual_flow(
    blocks: list[tuple[npt.NDArray[Any], npt.NDArray[Any], IntArray]],
    n_pairs: int,
    source: int,
    sink: int,
) -> npt.NDArray[np.bool_]:
    """A maximum flow of the residual network in ``blocks`` (the pair arcs first); which pair
    arcs carry flow."""
    tails, heads, caps = (np.concatenate(parts) for parts in zip(*blocks, strict=True))
    keep = caps > 0
    keep[:n_pairs] = True  # pair arcs keep their positions (flows are read by index)
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(
        tails[keep].astype(np.int32), heads[keep].astype(np.int32), caps[keep].astype(np.int64)
    )
    if solver.solve(source, sink) != solver.OPTIMAL:
        raise RuntimeError("OR-Tools max flow did not solve the residual network")
    return np.asarray(solver.flows(np.arange(n_pairs, dtype=np.int32))) > 0


# ---------------------------------------------------------------------------------------------
# Floors


@dataclass(frozen=True, eq=False)
class _FloorSpec:
    labels: tuple[Any, ...]
    shares: tuple[Fraction, ...]  # exact: 0.1 means 1/10, so ceil(0.1 * 30) is 3, not 4
    code: IntArray  # per applicant: index into labels, or -1 for no floor

    def placed(self, net: _Network, used: npt.NDArray[np.bool_]) -> list[int]:
        codes = self.code[net.pairs.applicant[used]]
        return np.bincount(codes[codes >= 0], minlength=len(self.labels)).tolist()


def _floor_spec(
    groups: Sequence[Any] | npt.NDArray[Any] | None,
    floors: Mapping[Any, float] | None,
    n_applicants: int,
) -> _FloorSpec | None:
    if not floors:
        return None
    if groups is None:
        raise ValueError("floors need groups: one label per applicant")
    labels: list[Any] = groups.tolist() if isinstance(groups, np.ndarray) else list(groups)
    if len(labels) != n_applicants:
        raise ValueError(
            f"groups must have one label per applicant: expected {n_applicants}, got {len(labels)}"
        )
    shares = []
    for label, share in floors.items():
        if isinstance(share, bool) or not isinstance(share, int | float | np.number):
            raise ValueError(f"floor share for {label!r} must be a number, got {share!r}")
        if not 0.0 <= float(share) <= 1.0:  # also refuses NaN
            raise ValueError(f"floor share for {label!r} must be in [0, 1], got {share!r}")
        shares.append(Fraction(repr(float(share))))
    index = {label: k for k, label in enumerate(floors)}
    code = np.fromiter((index.get(x, -1) for x in labels), np.int64, count=n_applicants)
    return _FloorSpec(tuple(floors), tuple(shares), code)


def _solve_with_floors(
    net: _Network, objective: str, spec: _FloorSpec, required: list[int], placed: int
) -> npt.NDArray[np.bool_]:
    """Re-solve with source -> group node -> applicant for the applicants with a floor.

    Each group node gets two arcs from the source: one of capacity ``required[g]`` with a
    bonus per person larger than any total score, and one without bonus, so the people
    counted towards floors come first and the score second. At most ``placed`` people (the
    number without floors) are placed, so a group that gets its count gets its share.

    For ``max_pathways`` exactly ``placed`` people (the maximum) are placed: the applicants
    that can be placed together form a (transversal) matroid, so any set that does best on
    the floors extends to a maximum placement. Floors never cost pathways there, and one
    solve with two cost levels suffices (three levels, floors > people > score, would need
    bonuses beyond int64 at a million applicants).
    """
    s, t = net.source, net.sink
    k = len(spec.labels)
    code = spec.code[net.applicants]
    entry = np.where(code >= 0, t + 1 + code, s).astype(np.int32)
    size = np.bincount(code[code >= 0], minlength=k).astype(np.int64)
    group_nodes = np.arange(t + 1, t + 1 + k, dtype=np.int32)
    caps = np.concatenate([np.minimum(np.array(required, np.int64), size), size])
    bonus = placed * SCORE_SCALE + 1  # more than any total score of `placed` people
    extra = (
        np.full(2 * k, s, np.int32),
        np.concatenate([group_nodes, group_nodes]),
        caps,
        np.concatenate([np.full(k, -bonus, np.int64), np.zeros(k, np.int64)]),
    )
    return _flow(
        net,
        -_scaled(net.pairs.score),
        max_flow_first=False,
        units=placed,
        bypass=objective == "max_score",
        entry_tail=entry,
        extra=extra,
    )


def _result(
    net: _Network,
    used: npt.NDArray[np.bool_],
    objective: str,
    placed_without_floors: int,
    spec: _FloorSpec | None = None,
    required: list[int] | None = None,
) -> Assignment:
    matched = int(used.sum())
    reports: list[FloorReport] = []
    if spec is not None and required is not None:
        for label, share, need, got in zip(
            spec.labels, spec.shares, required, spec.placed(net, used), strict=True
        ):
            reports.append(
                FloorReport(
                    group=label,
                    required_share=float(share),
                    required=need,
                    placed=got,
                    achieved_share=got / matched if matched else 0.0,
                    met=got >= share * matched,
                )
            )
    return Assignment(
        assignment=_vector(net, used),
        objective=objective,
        matched=matched,
        total_score=float(net.pairs.score[used].sum()),
        placed_without_floors=placed_without_floors,
        floors=tuple(reports),
    )


# ---------------------------------------------------------------------------------------------
# Baseline, bound and checks


def greedy_assignment(
    scores: Any,
    capacities: npt.ArrayLike,
    *,
    min_score: float = 0.0,
    vacancy_groups: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
) -> IntArray:
    """The baseline: take pairs by descending score while the applicant is free and the
    vacancy has room.

    Ties go to the lower applicant index, then the lower vacancy index, so the result is
    deterministic. Never over capacity and never a pair that is not stored, but it may leave
    slots empty that an optimal assignment fills.

    Parameters
    ----------
    scores, capacities, min_score
        As for :func:`solve_assignment`.

    Returns
    -------
    numpy.ndarray of int64, shape (n_applicants,)
        The vacancy column of each applicant, or -1.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> greedy_assignment(csr_array([[0.9, 0.8], [0.7, 0.0]]), [1, 1])
    array([ 0, -1])
    """
    pairs = _pairs(scores, capacities, min_score)
    out = np.full(pairs.n_applicants, -1, np.int64)
    if pairs.score.size == 0:
        return out
    # Stable sort of CSR order (applicant, then vacancy ascending) keeps the tie-break.
    order = np.argsort(-pairs.score, kind="stable")
    room = pairs.capacity.tolist()
    # A vacancy outside every group draws on a limit nobody reaches.
    group_of = (
        [-1] * pairs.n_vacancies
        if vacancy_groups is None
        else np.asarray(vacancy_groups, np.int64).tolist()
    )
    group_room = [] if group_capacity is None else np.asarray(group_capacity).tolist()
    group_room.append(pairs.n_applicants + 1)  # index -1: no group
    free = bytearray(b"\x01") * pairs.n_applicants
    vacancy = np.full(pairs.n_applicants, -1, np.int64).tolist()
    # Nobody more can be placed once this many are: stop scanning there.
    active_vacancies = np.unique(pairs.vacancy)
    left = min(int(np.unique(pairs.applicant).size), int(pairs.capacity[active_vacancies].sum()))
    # A plain loop: about 0.25 us per pair (4M pairs in about a second); rounds of
    # vectorised "locally best" pairs give the same result but were slower at this size.
    for a, v in zip(pairs.applicant[order].tolist(), pairs.vacancy[order].tolist(), strict=True):
        if free[a] and room[v] and group_room[group_of[v]]:
            free[a] = 0
            room[v] -= 1
            group_room[group_of[v]] -= 1
            vacancy[a] = v
            left -= 1
            if not left:
                break
    out[:] = vacancy
    return out


def max_flow_upper_bound(scores: Any, capacities: npt.ArrayLike, *, min_score: float = 0.0) -> int:
    """The most people any assignment could place (a maximum flow, OR-Tools).

    Parameters
    ----------
    scores, capacities, min_score
        As for :func:`solve_assignment`.

    Returns
    -------
    int
        The bound; ``solve_assignment(..., objective="max_pathways")`` reaches it.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> max_flow_upper_bound(csr_array([[0.9, 0.8], [0.7, 0.0], [0.6, 0.0]]), [1, 1])
    2
    """
    pairs = _pairs(scores, capacities, min_score)
    net = _network(pairs)
    if net.tail.size == 0:
        return 0
    na, s, t = net.n_applicants, net.source, net.sink
    nv = int(net.slots.size)
    tails = np.concatenate([net.tail, np.full(na, s, np.int32), np.arange(na, na + nv)])
    heads = np.concatenate([net.head, np.arange(na, dtype=np.int32), np.full(nv, t)])
    caps = np.concatenate([np.ones(net.tail.size + na, np.int64), net.slots])
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps)
    status = solver.solve(s, t)
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools max flow did not solve the instance: {status}")
    return int(solver.optimal_flow())


def evaluate_assignment(
    scores: Any,
    capacities: npt.ArrayLike,
    assignment: npt.ArrayLike,
    *,
    min_score: float = 0.0,
) -> tuple[int, float]:
    """Check an assignment against an instance and return (people placed, total score).

    Parameters
    ----------
    scores, capacities, min_score
        As for :func:`solve_assignment`.
    assignment : array of int, shape (n_applicants,)
        A vacancy column per applicant, or -1, from any source (greedy, optimal, manual).

    Returns
    -------
    (int, float)
        The number of applicants placed and the sum of their scores.

    Raises
    ------
    ValueError
        When the assignment uses a pair that is not allowed or fills a vacancy beyond its
        capacity.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> scores = csr_array([[0.9, 0.8], [0.7, 0.0]])
    >>> evaluate_assignment(scores, [1, 1], [1, 0])
    (2, 1.5)
    >>> evaluate_assignment(scores, [1, 1], [1, 1])
    Traceback (most recent call last):
    ...
    ValueError: applicant 1 is assigned to vacancy 1, which is not an allowed pair
    """
    pairs = _pairs(scores, capacities, min_score)
    vector = np.asarray(assignment)
    if vector.shape != (pairs.n_applicants,) or vector.dtype.kind not in "iu":
        raise ValueError(
            f"assignment must be integers of shape ({pairs.n_applicants},), got "
            f"{vector.dtype} {vector.shape}"
        )
    placed = np.flatnonzero(vector != -1)
    column = vector[placed].astype(np.int64)
    if column.size and (column.min() < 0 or column.max() >= pairs.n_vacancies):
        i = int(placed[(column < 0) | (column >= pairs.n_vacancies)][0])
        raise ValueError(f"applicant {i} is assigned to vacancy {vector[i]}, out of range")
    keys = pairs.applicant.astype(np.int64) * pairs.n_vacancies + pairs.vacancy  # ascending
    wanted = placed.astype(np.int64) * pairs.n_vacancies + column
    pos = np.minimum(np.searchsorted(keys, wanted), max(keys.size - 1, 0))
    found = keys[pos] == wanted if keys.size else np.zeros(wanted.size, np.bool_)
    if not found.all():
        i = int(placed[~found][0])
        raise ValueError(
            f"applicant {i} is assigned to vacancy {vector[i]}, which is not an allowed pair"
        )
    load = np.bincount(column, minlength=pairs.n_vacancies)
    over = np.flatnonzero(load > pairs.capacity)
    if over.size:
        j = int(over[0])
        raise ValueError(f"vacancy {j} has {load[j]} people for {pairs.capacity[j]} slots")
    return int(placed.size), float(pairs.score[pos[found]].sum()) if keys.size else 0.0
