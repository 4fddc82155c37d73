"""One coordinated matching round over every program of the three destination countries.

A round takes the applicants and the open vacancies of all programs at once, builds the
candidate edges (:mod:`matching.candidates`), assigns people to slots exactly
(:mod:`matching.assignment`) and says why the slots it could not fill stay empty and why the
applicants without an offer have none. Because one round covers all programs, each person
gets at most one offer — nobody is offered two overlapping seasons — and every slot in any
country can go to whoever fits it best: the "complement each other" of the regional
recommendation.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matching.assignment import (
    Assignment,
    assign,
    augment,
    greedy_assignment,
    max_flow_upper_bound,
)
from matching.candidates import (
    CandidateApplicant,
    Candidates,
    CandidateVacancy,
    build_candidates,
)
from matching.programs import Program
from matching.scoring import DEFAULT_WEIGHTS, OutcomeModel

__all__ = ["MatchedPair", "RoundResult", "run_round"]


@dataclass(frozen=True, slots=True)
class MatchedPair:
    """One match of the round: indices into the round's inputs, the score and its parts."""

    applicant: int
    vacancy: int
    score: float
    components: dict[str, float]
    review: bool


@dataclass(frozen=True, eq=False)
class RoundResult:
    """What a round decided and what it reports.

    ``stats`` holds the figures of API.md (``applicants``, ``vacancies``, ``slots``,
    ``candidate_pairs``, ``matched``, ``upper_bound``, ``seconds``) plus ``greedy`` (people a
    best-score-first baseline places on the same edges) and the seconds of each step.
    ``empty_slots`` counts unfilled slots by cause and ``unmatched`` applicants without an
    offer by cause (see :func:`run_round`); ``by_vacancy`` gives each vacancy's cause.
    """

    matches: tuple[MatchedPair, ...]
    stats: dict[str, Any]
    empty_slots: dict[str, int]
    unmatched: dict[str, int]
    vacancy_cause: tuple[str, ...]
    applicant_cause: tuple[str, ...]
    funnel: dict[str, list[int]]
    floors: list[dict[str, Any]] = field(default_factory=list)


def run_round(
    applicants: Sequence[CandidateApplicant],
    vacancies: Sequence[CandidateVacancy],
    programs: Mapping[str, Program],
    *,
    families: Mapping[str, str],
    objective: str = "max_pathways",
    min_score: float = 0.0,
    groups: Sequence[Any] | None = None,
    floors: Mapping[Any, float] | None = None,
    program_caps: Mapping[str, int] | None = None,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    with_greedy: bool = True,
    candidates: Candidates | None = None,
    start: npt.ArrayLike | None = None,
    outcome_model: OutcomeModel | None = None,
) -> RoundResult:
    """Match applicants to vacancies across all programs and explain what stays empty.

    Causes of an empty slot: ``offer_rules`` (the offer fails its program's rules),
    ``rules`` (no applicant passes the program's rules, e.g. their nationality),
    ``occupation`` (nobody with the work), ``destination`` (nobody who wants the country),
    ``dates`` (nobody there for the season), ``requirements`` (a required language or licence),
    ``supply`` (there were candidates, but fewer than the slots here and elsewhere: each of
    them was placed, in this vacancy or another), ``cap`` (the program's visa cap, given in
    ``program_caps`` as the visas it has left, was reached). Causes for an applicant without an
    offer are the same filters, from their side, and ``competition`` (every vacancy they could
    take was filled by others).

    ``candidates``, when given, are the round's edges already built for these applicants and
    vacancies (a what-if builds them once and assigns them under several sets of caps);
    otherwise they are built here. ``start``, when given, is a placement these candidates
    allow (each applicant's vacancy index or -1): the round then places the most people
    possible by augmenting it (:func:`matching.assignment.augment`) instead of solving from
    scratch — only with ``"max_pathways"`` and no floors. ``outcome_model``, when given (fitted
    on recorded outcomes, see :class:`matching.scoring.OutcomeModel`), scores every edge
    instead of the weights; the edges themselves (and the number placed) do not change.

    Examples
    --------
    >>> from datetime import date
    >>> from matching.catalog import program_from_dict
    >>> from matching.facts import ApplicantFacts, VacancyFacts
    >>> farm = program_from_dict({
    ...     "code": "XX-FARM", "destination": "US", "url": "https://example.org",
    ...     "name": {"es": "F", "en": "F", "fr": "F"},
    ...     "description": {"es": "f", "en": "f", "fr": "f"}, "rules": []})
    >>> def person(months):
    ...     return CandidateApplicant(ApplicantFacts("GT", date(1990, 1, 1)),
    ...                               occupations=(("9211", months),))
    >>> job = CandidateVacancy(VacancyFacts(program="XX-FARM"), "XX-FARM", "9211",
    ...                        date(2027, 4, 1), date(2027, 10, 31), slots=1)
    >>> result = run_round([person(6), person(36)], [job], {"XX-FARM": farm},
    ...                    families={"9211": "crop"})
    >>> [(m.applicant, m.vacancy) for m in result.matches], result.unmatched
    ([(1, 0)], {'competition': 1})
    """
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    if candidates is None:
        candidates = build_candidates(
            applicants, vacancies, programs, families=families, weights=weights
        )
    timings["candidates"] = time.perf_counter() - clock
    if outcome_model is not None:
        candidates = rescored(candidates, outcome_model)
    capacities = np.array([max(v.slots, 0) for v in vacancies], dtype=np.int64)
    capped = sorted(program_caps or {})
    limits: dict[str, Any] = (
        {
            "vacancy_groups": np.array(
                [
                    capped.index(v.program) if v.program in (program_caps or {}) else -1
                    for v in vacancies
                ],
                dtype=np.int64,
            ),
            "group_capacity": np.array(
                [max(int(program_caps[c]), 0) for c in capped], dtype=np.int64
            )
            if program_caps
            else np.zeros(0, dtype=np.int64),
        }
        if capped
        else {}
    )
    step = time.perf_counter()
    if start is not None:
        if objective != "max_pathways" or floors or min_score > 0:
            raise ValueError("a round started from a placement maximises pathways, no floors")
        solved = augment(candidates.scores, capacities, start, **limits)
    else:
        solved = assign(
            candidates.scores,
            capacities,
            objective=objective,
            min_score=min_score,
            groups=groups,
            floors=floors,
            **limits,
        )
    timings["assignment"] = time.perf_counter() - step
    step = time.perf_counter()
    if objective == "max_pathways" and not floors:
        # The exact solve is a maximum flow first: its count is the bound itself.
        upper_bound = solved.placed_without_floors
    elif capped:
        upper_bound = assign(candidates.scores, capacities, **limits).matched
    else:
        upper_bound = max_flow_upper_bound(candidates.scores, capacities)
    greedy = (
        int(
            (
                greedy_assignment(candidates.scores, capacities, min_score=min_score, **limits) >= 0
            ).sum()
        )
        if with_greedy
        else None
    )
    timings["baselines"] = time.perf_counter() - step
    matches = _matches(candidates, solved)
    full = _programs_at_cap(vacancies, solved, program_caps or {})
    vacancy_cause, empty_slots = _empty_slots(candidates, solved, capacities, vacancies, full)
    applicant_cause, unmatched = _unmatched(candidates, solved)
    timings = {k: round(v, 3) for k, v in timings.items()}
    stats = {
        "applicants": len(applicants),
        "vacancies": len(vacancies),
        "slots": int(capacities.sum()),
        "candidate_pairs": int(candidates.scores.nnz),
        "matched": solved.matched,
        "upper_bound": int(upper_bound),
        "greedy": greedy,
        "total_score": round(solved.total_score, 3),
        "review_pairs": int(sum(m.review for m in matches)),
        "scored_by": "outcomes" if outcome_model is not None else "weights",
        "seconds": round(time.perf_counter() - clock, 3),
        "timings": timings,
    }
    return RoundResult(
        matches=matches,
        stats=stats,
        empty_slots=empty_slots,
        unmatched=unmatched,
        vacancy_cause=tuple(vacancy_cause),
        applicant_cause=tuple(applicant_cause),
        funnel={k: v.tolist() for k, v in candidates.funnel.items()},
        floors=[
            {
                "group": f.group,
                "required_share": f.required_share,
                "required": f.required,
                "placed": f.placed,
                "achieved_share": round(f.achieved_share, 4),
                "met": f.met,
            }
            for f in solved.floors
        ],
    )


def rescored(candidates: Candidates, model: OutcomeModel) -> Candidates:
    """The same edges scored by a model fitted on outcomes (the weights' scores replaced)."""
    scores = candidates.scores
    data = model.score_pairs(candidates.components, candidates.review)
    matrix = sp.csr_array((data, scores.indices, scores.indptr), shape=scores.shape)
    return replace(candidates, scores=matrix)


def _matches(candidates: Candidates, solved: Assignment) -> tuple[MatchedPair, ...]:
    chosen = np.flatnonzero(solved.assignment >= 0)
    vacancy = solved.assignment[chosen]
    scores = candidates.scores
    if scores.has_sorted_indices:
        # CSR order is (row, column) order: every pair's position at once, by one search.
        width = np.int64(scores.shape[1])
        rows = np.repeat(np.arange(scores.shape[0], dtype=np.int64), np.diff(scores.indptr))
        keys = rows * width + scores.indices
        at = np.searchsorted(keys, chosen.astype(np.int64) * width + vacancy)
    else:
        at = np.array(
            [candidates.pair_index(int(a), int(v)) for a, v in zip(chosen, vacancy, strict=True)],
            dtype=np.int64,
        )
    parts = {name: c[at].tolist() for name, c in candidates.components.items()}
    score, review = scores.data[at].tolist(), candidates.review[at].tolist()
    return tuple(
        MatchedPair(
            applicant=a,
            vacancy=v,
            score=float(score[k]),
            components={name: float(values[k]) for name, values in parts.items()},
            review=bool(review[k]),
        )
        for k, (a, v) in enumerate(zip(chosen.tolist(), vacancy.tolist(), strict=True))
    )


def _programs_at_cap(
    vacancies: Sequence[CandidateVacancy], solved: Assignment, caps: Mapping[str, int]
) -> set[str]:
    placed = Counter(vacancies[int(v)].program for v in solved.assignment[solved.assignment >= 0])
    return {code for code, left in caps.items() if placed.get(code, 0) >= left}


def _empty_slots(
    candidates: Candidates,
    solved: Assignment,
    capacities: npt.NDArray[np.int64],
    vacancies: Sequence[CandidateVacancy],
    full: set[str],
) -> tuple[list[str], dict[str, int]]:
    taken = np.bincount(solved.assignment[solved.assignment >= 0], minlength=len(capacities))
    cause: list[str] = []
    empty: Counter[str] = Counter()
    for j, slots in enumerate(capacities.tolist()):
        left = slots - int(taken[j])
        if left <= 0:
            cause.append("")
            continue
        # With candidates, a slot stays empty only when all of them were placed (here or in
        # another vacancy): an exact maximum placement would otherwise have used them.
        reason = str(candidates.vacancy_reason[j]) or (
            "cap" if vacancies[j].program in full else "supply"
        )
        cause.append(reason)
        empty[reason] += left
    return cause, dict(empty.most_common())


def _unmatched(candidates: Candidates, solved: Assignment) -> tuple[list[str], dict[str, int]]:
    cause = []
    counts: Counter[str] = Counter()
    for a, reason in enumerate(candidates.applicant_reason.tolist()):
        if solved.assignment[a] >= 0:
            cause.append("")
            continue
        reason = reason or "competition"
        cause.append(reason)
        counts[reason] += 1
    return cause, dict(counts.most_common())
