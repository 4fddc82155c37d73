"""What-if rounds: a baseline round and a scenario round that shares its work.

A policy scenario changes a few things — a program's rules, a program's visa cap, some
vacancies or people more — and asks how many more pathways that makes. Rebuilding and
re-solving everything would cost a second matching round and would mix the effect of the
change with the noise of a new solve (another of many equally good placements). Instead:

* **candidates**: the scenario keeps every edge of the baseline (a change here only widens
  who may take what, so they all stay valid) and scores only what the change touches — the
  vacancies of programs whose rules changed and the vacancies added, for everyone; and the
  people added, for the other vacancies (:func:`extend_candidates`). Where the same pair is
  scored again, the scenario's score and review flag win.
* **assignment**: the baseline's placement is still feasible in the scenario (same or more
  edges, slots and visas), so the scenario's is reached from it by augmenting paths
  (:func:`matching.assignment.augment`): the most people possible, exactly, moving only the
  people those paths move.

The scenario's figures are therefore "the baseline, plus what the change makes possible":
never fewer pathways than the baseline for a change that only adds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matching.candidates import (
    APPLICANT_REASONS,
    CandidateApplicant,
    Candidates,
    CandidateVacancy,
    build_candidates,
    vacancy_reasons,
)
from matching.programs import Program
from matching.scoring import COMPONENTS, DEFAULT_WEIGHTS

__all__ = ["extend_candidates", "without_pairs"]

_T = TypeVar("_T", bound=np.generic)
_STAGES = ("rules", "occupation", "destination", "dates", "requirements")


def extend_candidates(
    base: Candidates,
    applicants: Sequence[CandidateApplicant],
    vacancies: Sequence[CandidateVacancy],
    programs: Mapping[str, Program],
    *,
    families: Mapping[str, str],
    changed_programs: Collection[str] = (),
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> Candidates:
    """The candidates of a scenario, from those of its baseline.

    Parameters
    ----------
    base : Candidates
        The baseline's, for its first ``base.scores.shape`` applicants and vacancies.
    applicants, vacancies : sequences
        The scenario's: the baseline's in the same order, then the ones added.
    programs : mapping
        The scenario's catalog (its changed programs are modified copies).
    changed_programs : collection of str
        Programs whose rules changed: all their vacancies are scored again for everyone.

    Returns
    -------
    Candidates
        For every scenario applicant and vacancy, with funnels and reasons as
        :func:`~matching.candidates.build_candidates` gives them.

    Examples
    --------
    >>> from datetime import date
    >>> from matching.catalog import program_from_dict
    >>> from matching.facts import ApplicantFacts, VacancyFacts
    >>> farm = program_from_dict({
    ...     "code": "XX-FARM", "destination": "US", "url": "https://example.org",
    ...     "name": {"es": "F", "en": "F", "fr": "F"},
    ...     "description": {"es": "f", "en": "f", "fr": "f"}, "rules": []})
    >>> person = CandidateApplicant(ApplicantFacts("GT", date(1990, 1, 1)),
    ...                             occupations=(("9211", 24),))
    >>> job = CandidateVacancy(VacancyFacts(program="XX-FARM"), "XX-FARM", "9211",
    ...                        date(2027, 4, 1), date(2027, 10, 31), slots=1)
    >>> base = build_candidates([person], [job], {"XX-FARM": farm}, families={})
    >>> more = extend_candidates(base, [person, person], [job, job], {"XX-FARM": farm},
    ...                          families={})
    >>> more.scores.shape, more.scores.nnz, more.funnel["rules"].tolist()
    ((2, 2), 4, [2, 2])
    """
    n0, m0 = (int(x) for x in base.scores.shape)
    n, m = len(applicants), len(vacancies)
    if n < n0 or m < m0:
        raise ValueError("a scenario keeps every applicant and vacancy of its baseline")
    changed = set(changed_programs)
    touched = np.zeros(m, dtype=bool)
    touched[m0:] = True
    touched[:m0] = [v.program in changed for v in vacancies[:m0]]
    dirty = np.flatnonzero(touched).tolist()
    clean = np.flatnonzero(~touched).tolist()
    parts: list[tuple[Candidates, int]] = [(base, 0)]
    rescored = None
    if dirty:
        rescored = build_candidates(
            applicants,
            vacancies,
            programs,
            families=families,
            weights=weights,
            columns=dirty,
            reuse=base,  # its table and rule statuses: only changed rules are evaluated again
        )
        parts.append((rescored, 0))
    newcomers = None
    if n > n0 and clean:
        newcomers = build_candidates(
            applicants[n0:], vacancies, programs, families=families, weights=weights, columns=clean
        )
        parts.append((newcomers, n0))
    if len(parts) == 1 and (n, m) == (n0, m0):
        return base
    scores, review, components = _union(parts, n, m, touched)
    funnel = {stage: _pad(base.funnel[stage], m, np.int64) for stage in _STAGES}
    offer_status = _pad(base.offer_status, m, np.int8)
    reached = _pad(base.reached, n, np.int8)
    if rescored is not None:
        for stage in _STAGES:
            funnel[stage][dirty] = rescored.funnel[stage][dirty]
        offer_status[dirty] = rescored.offer_status[dirty]
        np.maximum(reached, rescored.reached, out=reached)
    if newcomers is not None:
        for stage in _STAGES:  # funnels count people: the newcomers add to the baseline's
            funnel[stage][clean] += newcomers.funnel[stage][clean]
        np.maximum(reached[n0:], newcomers.reached, out=reached[n0:])
    funnel["edges"] = np.bincount(scores.indices, minlength=m).astype(np.int64)
    slots = np.array([max(v.slots, 0) for v in vacancies], dtype=np.int64)
    has_edge = np.diff(scores.indptr) > 0
    reasons = np.array(["", *APPLICANT_REASONS], dtype=object)
    applicant_reason = np.where(has_edge, "", reasons[reached.astype(np.int64) + 1])
    return Candidates(
        scores=scores,
        review=review,
        components=components,
        funnel=funnel,
        applicant_reason=applicant_reason.astype(str),
        vacancy_reason=vacancy_reasons(funnel, offer_status, slots),
        offer_status=offer_status,
        stats={"candidate_pairs": int(scores.nnz), "rescored_vacancies": len(dirty)},
        reached=reached,
    )


def without_pairs(
    candidates: Candidates,
    rows: npt.NDArray[np.bool_],
    columns: npt.NDArray[np.bool_],
) -> Candidates:
    """``candidates`` without the edges of the ``rows`` applicants to the ``columns``
    vacancies (e.g. people who may not use a program's reserved visas, to its vacancies).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> found = Candidates(
    ...     scores=sp.csr_array(np.array([[0.5, 0.4], [0.3, 0.0]], dtype=np.float32)),
    ...     review=np.zeros(3, bool),
    ...     components={name: np.zeros(3, np.float32) for name in COMPONENTS},
    ...     funnel={"edges": np.array([2, 1])}, applicant_reason=np.array(["", ""]),
    ...     vacancy_reason=np.array(["", ""]), offer_status=np.zeros(2, np.int8))
    >>> kept = without_pairs(found, np.array([True, False]), np.array([True, False]))
    >>> kept.scores.toarray().tolist(), kept.funnel["edges"].tolist()
    ([[0.0, 0.4000000059604645], [0.30000001192092896, 0.0]], [1, 1])
    """
    csr = candidates.scores
    row_of = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    keep = ~(rows[row_of] & columns[csr.indices])
    if keep.all():
        return candidates
    indptr = np.zeros(csr.shape[0] + 1, dtype=csr.indptr.dtype)
    np.cumsum(np.bincount(row_of[keep], minlength=csr.shape[0]), out=indptr[1:])
    scores = sp.csr_array((csr.data[keep], csr.indices[keep], indptr), shape=csr.shape)
    funnel = dict(candidates.funnel)
    funnel["edges"] = np.bincount(scores.indices, minlength=csr.shape[1]).astype(np.int64)
    return Candidates(
        scores=scores,
        review=candidates.review[keep],
        components={name: part[keep] for name, part in candidates.components.items()},
        funnel=funnel,
        applicant_reason=candidates.applicant_reason,
        vacancy_reason=candidates.vacancy_reason,
        offer_status=candidates.offer_status,
        stats={**candidates.stats, "candidate_pairs": int(scores.nnz)},
        reached=candidates.reached,
    )


def _pad(values: npt.NDArray[Any], size: int, dtype: type[_T]) -> npt.NDArray[_T]:
    out = np.zeros(size, dtype=dtype)
    out[: values.size] = values
    return out


def _union(
    parts: Sequence[tuple[Candidates, int]], n: int, m: int, touched: npt.NDArray[np.bool_]
) -> tuple[sp.csr_array, npt.NDArray[np.bool_], dict[str, npt.NDArray[np.float32]]]:
    """The edges of all parts (rows shifted by each part's offset) in CSR order. The first
    part is the baseline's; a pair scored again by a later part (only possible on the
    ``touched`` vacancies) keeps the later part's values."""
    rows, cols, data, review = [], [], [], []
    comps: dict[str, list[npt.NDArray[np.float32]]] = {name: [] for name in COMPONENTS}
    for found, offset in parts:
        csr = found.scores
        rows.append(
            np.repeat(np.arange(csr.shape[0], dtype=np.int64) + offset, np.diff(csr.indptr))
        )
        cols.append(csr.indices.astype(np.int64))
        data.append(csr.data)
        review.append(found.review)
        for name in COMPONENTS:
            comps[name].append(found.components[name])
    row, col = np.concatenate(rows), np.concatenate(cols)
    keep = np.ones(row.size, dtype=bool)
    first = int(parts[0][0].scores.nnz)
    if len(parts) > 1:
        maybe = np.flatnonzero(touched[col[:first]])  # baseline pairs on touched vacancies
        later = row[first:] * m + col[first:]
        keep[maybe[np.isin(row[maybe] * m + col[maybe], later)]] = False
    kept = np.flatnonzero(keep)
    # CSR order by scipy's counting sort; the positions ride along as data.
    ids = sp.csr_array(
        (np.arange(1, kept.size + 1, dtype=np.int64), (row[kept], col[kept])), shape=(n, m)
    )
    ids.sort_indices()
    pick = kept[ids.data - 1]
    index_type = np.int32 if max(m, pick.size) < 2**31 else np.int64
    scores = sp.csr_array(
        (
            np.concatenate(data)[pick],
            ids.indices.astype(index_type),
            ids.indptr.astype(index_type),
        ),
        shape=(n, m),
    )
    return (
        scores,
        np.concatenate(review)[pick],
        {name: np.concatenate(comps[name])[pick] for name in COMPONENTS},
    )
