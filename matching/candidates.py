"""Candidate pairs: who may be offered which vacancy, with a score, as a sparse matrix.

A pair becomes an *edge* only when

* the applicant passes the program's applicant rules and the vacancy its job-offer rules, each
  as of the vacancy's start date (``not_eligible`` on either side excludes the pair; a
  ``needs_review`` keeps it, flagged, at :data:`~matching.scoring.REVIEW_FACTOR` of its score);
* the applicant's work is in the vacancy's *field* (blocking: the project's occupation
  families, the four farm families together, else the ISCO sub-major group);
* the applicant is available for at least :data:`~matching.scoring.MIN_SEASON_SHARE` of the
  season, speaks every language and holds every licence the vacancy requires, and listed the
  vacancy's country among their destinations (or listed none).

Feasible pairs are many more than an assignment needs (200,000 farm workers × 5,000 farm
vacancies), so they are scored block by block (program × field), a chunk of vacancies with
similar seasons at a time, and only the useful ones are kept: for every vacancy its best
``max(min_per_vacancy, per_slot × slots)`` applicants, and for every applicant its best few
vacancies of each chunk (so everyone who can be placed has edges), at most
``per_applicant`` in all. When a chunk has more feasible applicants than it could use
(``pool_per_slot`` × its slots), the pool is chosen by a quick estimate of fit that discounts
applicants already pooled by earlier chunks, which spreads people over vacancies instead of
offering the same few to all. Nothing here ever holds a dense applicants × vacancies matrix.

Every vacancy also gets a *funnel* (how many applicants pass the program rules, the field,
the dates, the requirements) and every applicant a reason when they end up without an edge,
so a run can say why slots stay empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matching.facts import ApplicantFacts, VacancyFacts, applicant_fact_map, vacancy_fact_map
from matching.programs import OnMissing, Program, Rule, Scope
from matching.results import Status
from matching.scoring import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    FARM_FAMILIES,
    MIN_SEASON_SHARE,
    REVIEW_FACTOR,
)

__all__ = [
    "APPLICANT_REASONS",
    "VACANCY_REASONS",
    "CandidateApplicant",
    "CandidateVacancy",
    "Candidates",
    "build_candidates",
    "field_of",
    "vacancy_reasons",
]

ELIGIBLE, REVIEW, REFUSED = 0, 1, 2
#: Why an applicant has no edge, in the order the filters apply.
APPLICANT_REASONS = ("rules", "occupation", "destination", "dates", "requirements", "competition")
#: Why a vacancy has no edge: its offer fails the program rules, or no applicant passes the
#: program rules / has the work / wants the country / is there for the season / meets the
#: requirements.
VACANCY_REASONS = ("offer_rules", "rules", "occupation", "destination", "dates", "requirements")
_BIG_DAY = 10**7  # "always available" on either side, as a day ordinal


@dataclass(frozen=True, slots=True)
class CandidateApplicant:
    """What the engine needs to know about one applicant.

    ``occupations``: ``(ISCO-08 unit group, months)`` of each job of the work history.
    ``destinations``/``programs``: what they chose (empty = no preference). ``returning``:
    programs they worked in before. ``named_for``: indices of vacancies whose employer named
    them. ``min_hourly_usd``: the lowest wage they said they would take, if any.
    """

    facts: ApplicantFacts
    occupations: tuple[tuple[str, int], ...] = ()
    available_from: date | None = None
    available_to: date | None = None
    destinations: frozenset[str] = frozenset()
    programs: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    licences: frozenset[str] = frozenset()
    returning: frozenset[str] = frozenset()
    named_for: frozenset[int] = frozenset()
    min_hourly_usd: float | None = None


@dataclass(frozen=True, slots=True)
class CandidateVacancy:
    """What the engine needs to know about one vacancy (``slots`` still to fill)."""

    facts: VacancyFacts
    program: str
    isco08: str
    start: date
    end: date
    slots: int
    hourly_usd: float | None = None
    experience_months: int = 0
    languages: frozenset[str] = frozenset()  # required
    licences: frozenset[str] = frozenset()  # required
    work_language: str = "en"  # the language spoken at the worksite


@dataclass(frozen=True, eq=False)
class Candidates:
    """The edges and what the run reports about them.

    ``scores`` (applicants × vacancies, CSR) holds one entry per edge; ``review`` and each
    ``components[name]`` are aligned with ``scores.data``. ``funnel[stage]`` counts per
    vacancy the applicants still in after each filter. ``applicant_reason`` is ``""`` for an
    applicant with edges, else one of :data:`APPLICANT_REASONS`; ``vacancy_reason`` likewise
    with :data:`VACANCY_REASONS` for a vacancy without edges. ``offer_status`` is the job-offer
    rules' status of each vacancy (0 eligible, 1 review, 2 refused). ``reached`` is how far each
    applicant got through the filters (0 none, 1 program rules, 2 field, 3 destination,
    4 dates, 5 requirements): what ``applicant_reason`` is made from, kept so that the
    candidates of two sets of vacancies can be combined (see :mod:`matching.whatif`).
    """

    scores: sp.csr_array
    review: npt.NDArray[np.bool_]
    components: dict[str, npt.NDArray[np.float32]]
    funnel: dict[str, npt.NDArray[np.int64]]
    applicant_reason: npt.NDArray[np.str_]
    vacancy_reason: npt.NDArray[np.str_]
    offer_status: npt.NDArray[np.int8]
    stats: dict[str, Any] = field(default_factory=dict)
    reached: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    #: What the generation built about its applicants, for a later one over them (and more):
    #: see ``reuse`` in :func:`build_candidates`.
    applicant_side: Any = field(default=None, repr=False, compare=False)

    def pair_index(self, applicant: int, vacancy: int) -> int:
        """Position of an edge in ``scores.data`` (and the aligned arrays)."""
        start, stop = self.scores.indptr[applicant], self.scores.indptr[applicant + 1]
        where = np.flatnonzero(self.scores.indices[start:stop] == vacancy)
        if where.size == 0:
            raise KeyError((applicant, vacancy))
        return int(start + where[0])

    def pair_components(self, applicant: int, vacancy: int) -> dict[str, float]:
        i = self.pair_index(applicant, vacancy)
        return {name: float(self.components[name][i]) for name in COMPONENTS}


def field_of(isco08: str, families: Mapping[str, str]) -> str:
    """The blocking field of an ISCO-08 unit group: its family (farm families together),
    else its sub-major group.

    Examples
    --------
    >>> fam = {"9211": "crop", "6121": "livestock", "5120": "hospitality_food_service"}
    >>> field_of("9211", fam), field_of("6121", fam), field_of("5120", fam), field_of("2221", fam)
    ('farm', 'farm', 'hospitality_food_service', 'isco:22')
    """
    family = families.get(isco08)
    if family in FARM_FAMILIES:
        return "farm"
    return family if family else f"isco:{isco08[:2]}"


# ---------------------------------------------------------------------------------------------
# Program rules, as of each vacancy's start


def _worse(a: int, b: int) -> int:
    return a if a > b else b


def _status(rules: Sequence[Rule], facts: Mapping[str, Any]) -> int:
    """The engine's status for one scope's rules (same semantics as matching.eligibility)."""
    status = ELIGIBLE
    for rule in rules:
        result = rule.check(facts)
        if result is False:
            status = _worse(status, REFUSED if rule.on_fail is Status.NOT_ELIGIBLE else REVIEW)
        elif result is None and rule.on_missing is OnMissing.NEEDS_REVIEW:
            status = _worse(status, REVIEW)
        if status == REFUSED:
            break
    return status


def _scope_rules(program: Program, on: date, scope: Scope) -> tuple[Rule, ...]:
    return tuple(r for r in program.rules if r.scope is scope and r.in_force(on))


@dataclass(frozen=True, eq=False)
class _Period:
    """Applicants' status for one program over the start dates of some of its vacancies
    (those whose applicant rules in force are the same): ``before`` until ``change``
    (a day ordinal), ``after`` from it — age is the only fact that moves with the date."""

    before: npt.NDArray[np.int8]
    after: npt.NDArray[np.int8]
    change: npt.NDArray[np.int64]

    def at(self, rows: npt.NDArray[np.intp], start: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        """Status of applicants ``rows`` (column) for vacancies starting on ``start`` (row)."""
        later = start[None, :] >= self.change[rows][:, None]
        return np.where(later, self.after[rows][:, None], self.before[rows][:, None])


def _age(birth: npt.NDArray[np.int64], on: date) -> npt.NDArray[np.float64]:
    """Whole years on ``on`` for birth dates given as yyyymmdd integers (-1 unknown)."""
    today = on.year * 10000 + on.month * 100 + on.day
    years = (today - birth) // 10000
    return np.where(birth < 0, np.nan, years).astype(np.float64)


# What each applicant fact is computed from (see matching.facts): equal raw values give equal
# facts, so these tell apart every combination the rules can see without building the facts.
_RAW: dict[str, Any] = {
    "applicant.nationality": lambda a: a.nationality,
    "applicant.residence_country": lambda a: a.residence_country,
    "applicant.languages": lambda a: a.languages,
    "applicant.isco08": lambda a: a.isco08,
    "applicant.occupations": lambda a: (a.occupations, a.isco08),
    "applicant.experience_months": lambda a: a.experience_months,
    "applicant.available_from": lambda a: a.available_from,
    "applicant.available_to": lambda a: a.available_to,
    "applicant.availability": lambda a: (a.available_from, a.available_to),
    "applicant.prior_immigration_violation": lambda a: a.prior_immigration_violation,
}


class _ApplicantRules:
    """Evaluates program rules for all applicants at once, once per distinct set of facts.

    Each fact is turned into an integer code per applicant once; a rule is then evaluated once
    per distinct combination of the codes of the facts it reads (and the age on the date),
    which is a few hundred evaluations for 200,000 people for most rules. With a ``prefix`` (the
    rules of a generation over the first of these applicants), a rule it evaluated already is
    evaluated only for the applicants after them.
    """

    def __init__(
        self,
        applicants: Sequence[CandidateApplicant],
        reference: date,
        prefix: _ApplicantRules | None = None,
    ) -> None:
        self.people: list[ApplicantFacts] = [a.facts for a in applicants]
        self.reference = reference
        self.prefix = prefix
        self.tail = (
            None if prefix is None else _ApplicantRules(applicants[len(prefix.people) :], reference)
        )
        self.birth = np.array(
            [
                -1
                if a.birth_date is None
                else a.birth_date.year * 10000 + a.birth_date.month * 100 + a.birth_date.day
                for a in self.people
            ],
            dtype=np.int64,
        )
        self._codes: dict[str, npt.NDArray[np.int64]] = {}
        self._by_rule: dict[tuple[int, date | None], tuple[Rule, npt.NDArray[np.int8]]] = {}
        self._facts: dict[int, dict[str, Any]] = {}

    def facts(self, i: int) -> dict[str, Any]:
        return applicant_fact_map(self.people[i], self.reference)

    def _code(self, name: str) -> npt.NDArray[np.int64]:
        codes = self._codes.get(name)
        if codes is None:
            raw = _RAW.get(name)
            values: Any = (
                (raw(a) for a in self.people)
                if raw is not None
                else (applicant_fact_map(a, self.reference).get(name) for a in self.people)
            )
            seen: dict[Any, int] = {}
            codes = np.fromiter(
                (seen.setdefault(v, len(seen)) for v in values),
                dtype=np.int64,
                count=len(self.people),
            )
            self._codes[name] = codes
        return codes

    def statuses(self, rules: Sequence[Rule], on: date) -> npt.NDArray[np.int8]:
        """The status of every applicant under ``rules`` on ``on``: the worst of each rule's.

        Each rule is evaluated on the distinct values of the facts it reads, once per
        candidate generation (a rule shared by several periods is not evaluated again): far
        fewer evaluations than every combination of the facts of all the rules together (an
        availability window times a work history is nearly one per person).
        """
        out = np.zeros(len(self.people), dtype=np.int8)
        for rule in rules:
            np.maximum(out, self._rule_statuses(rule, on), out=out)
        return out

    def _rule_statuses(self, rule: Rule, on: date) -> npt.NDArray[np.int8]:
        ages = "applicant.age" in rule.facts_used
        key = (id(rule), on if ages else None)
        found = self._by_rule.get(key)
        if found is None and self.prefix is not None and self.tail is not None:
            head = self.prefix._by_rule.get(key)
            if head is not None:
                found = (rule, np.concatenate([head[1], self.tail._rule_statuses(rule, on)]))
        if found is None:
            found = (rule, self._evaluate((rule,), on))  # the rule is kept: its id stays unique
        self._by_rule[key] = found
        return found[1]

    def _evaluate(self, rules: Sequence[Rule], on: date) -> npt.NDArray[np.int8]:
        n = len(self.people)
        if n == 0 or not rules:
            return np.zeros(n, dtype=np.int8)
        used = sorted(frozenset().union(*(r.facts_used for r in rules)) - {"applicant.age"})
        uses_age = any("applicant.age" in r.facts_used for r in rules)
        ages = _age(self.birth, on) if uses_age else np.zeros(n)
        age_code = np.where(np.isnan(ages), -1, ages).astype(np.int64)
        key = age_code + 1
        for name in used:  # one integer per combination (mixed radix), unique in 1-D: fast
            codes = self._code(name)
            radix = int(codes.max()) + 1
            if int(key.max()) >= (2**62) // radix:
                key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
            key = key * radix + codes
        unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        out = np.empty(len(unique), dtype=np.int8)
        for k, i in enumerate(first):
            facts = self._facts_of(int(i))
            facts["applicant.age"] = None if np.isnan(ages[i]) else float(ages[i])
            out[k] = _status(rules, facts)
        return out[inverse.reshape(-1)]

    def _facts_of(self, i: int) -> dict[str, Any]:
        """An applicant's fact map, built once (the first applicant of a distinct value of one
        rule's facts is often that of another rule's too)."""
        found = self._facts.get(i)
        if found is None:
            found = self._facts[i] = self.facts(i)
        return found


def _periods(
    programs: Mapping[str, Program],
    vacancies: Sequence[CandidateVacancy],
    rules_of: _ApplicantRules,
    scored: npt.NDArray[np.bool_] | None = None,
) -> tuple[dict[str, list[_Period]], npt.NDArray[np.int64]]:
    """Per program, the periods of its vacancies (only those ``scored``, when given); and each
    vacancy's period index."""
    periods: dict[str, list[_Period]] = {}
    period_of = np.full(len(vacancies), -1, dtype=np.int64)
    by_program: dict[str, dict[tuple[int, ...], list[int]]] = {}
    for j, v in enumerate(vacancies):
        program = programs.get(v.program)
        if program is None or (scored is not None and not scored[j]):
            continue
        in_force = tuple(
            i
            for i, r in enumerate(program.rules)
            if r.scope is Scope.APPLICANT and r.in_force(v.start)
        )
        by_program.setdefault(v.program, {}).setdefault(in_force, []).append(j)
    for code, groups in by_program.items():
        program = programs[code]
        periods[code] = []
        for in_force, members in groups.items():
            rules = tuple(program.rules[i] for i in in_force)
            starts = sorted({vacancies[j].start for j in members})
            first, last = starts[0], starts[-1]
            # Only age moves with the date: the other rules are evaluated once.
            aging = tuple(r for r in rules if "applicant.age" in r.facts_used)
            fixed = rules_of.statuses(tuple(r for r in rules if r not in aging), first)
            before = np.maximum(fixed, rules_of.statuses(aging, first))
            after = before if first == last else np.maximum(fixed, rules_of.statuses(aging, last))
            change = np.full(len(before), _BIG_DAY, dtype=np.int64)
            for i in np.flatnonzero(before != after):  # a birthday inside the range: find it
                lo, hi = 0, len(starts) - 1  # status(starts[lo]) == before, (hi) == after
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if _one_status(rules_of, rules, int(i), starts[mid]) == after[i]:
                        hi = mid
                    else:
                        lo = mid
                change[i] = starts[hi].toordinal()
            change[before == after] = 0
            for j in members:
                period_of[j] = len(periods[code])
            periods[code].append(_Period(before, after, change))
    return periods, period_of


def _one_status(rules_of: _ApplicantRules, rules: Sequence[Rule], i: int, on: date) -> int:
    facts = rules_of.facts(i)
    age = _age(rules_of.birth[i : i + 1], on)[0]
    facts["applicant.age"] = None if age != age else float(age)
    return _status(rules, facts)


def _offer_statuses(
    programs: Mapping[str, Program],
    vacancies: Sequence[CandidateVacancy],
    scored: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int8]:
    out = np.full(len(vacancies), REFUSED, dtype=np.int8)
    for j, v in enumerate(vacancies):
        program = programs.get(v.program)
        if program is not None and (scored is None or scored[j]):
            rules = _scope_rules(program, v.start, Scope.VACANCY)
            out[j] = _status(rules, vacancy_fact_map(v.facts))
    return out


# ---------------------------------------------------------------------------------------------
# Columnar tables


class _Vocabulary:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def bit(self, name: str) -> int:
        i = self.index.setdefault(name, len(self.index))
        if i >= 63:
            raise ValueError("more than 63 distinct languages or licences in one run")
        return 1 << i

    def mask(self, names: frozenset[str]) -> int:
        out = 0
        for name in names:
            out |= self.bit(name)
        return out

    def copy(self) -> _Vocabulary:
        other = _Vocabulary()
        other.index = dict(self.index)
        return other


@dataclass(eq=False)
class _Applicants:
    n: int
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    dest: npt.NDArray[np.int64]  # bit per destination country; 0 = any
    prog: npt.NDArray[np.int64]  # bit per program; 0 = no preference
    ret: npt.NDArray[np.int64]  # bit per program worked in before
    lang: npt.NDArray[np.uint64]
    lic: npt.NDArray[np.uint64]
    min_wage: npt.NDArray[np.float32]  # 0 = none
    occ_ptr: npt.NDArray[np.int64]
    occ_unit: npt.NDArray[np.int64]  # ISCO unit group as an int (9211)
    occ_family: npt.NDArray[np.int64]  # family id, -1 none
    occ_months: npt.NDArray[np.float32]
    fields: list[frozenset[str]]
    named: dict[int, frozenset[int]]  # applicant → vacancies whose employer named them


def _tables(
    applicants: Sequence[CandidateApplicant],
    vacancies: Sequence[CandidateVacancy],
    families: Mapping[str, str],
    program_bit: Mapping[str, int],
    country_bit: Mapping[str, int],
    langs: _Vocabulary,
    licences: _Vocabulary,
    family_id: Mapping[str, int],
) -> _Applicants:
    # One comprehension per column: a loop doing everything per applicant is 3x slower.
    jobs = [
        [(code, m) for code, m in a.occupations if len(code) == 4 and code.isdigit()]
        for a in applicants
    ]
    counts = np.fromiter((len(j) for j in jobs), dtype=np.int64, count=len(jobs))
    ptr = np.zeros(len(applicants) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    flat = [job for person in jobs for job in person]
    family_of = {code: family_id.get(fam, -1) for code, fam in families.items()}
    field_cache: dict[str, str] = {}

    def field(code: str) -> str:
        found = field_cache.get(code)
        if found is None:
            found = field_cache[code] = field_of(code, families)
        return found

    def bits(names: frozenset[str], table: Mapping[str, int]) -> int:
        return sum(table.get(n, 0) for n in names) if names else 0

    nvac = len(vacancies)
    return _Applicants(
        n=len(applicants),
        start=np.array(
            [a.available_from.toordinal() if a.available_from else -_BIG_DAY for a in applicants],
            dtype=np.int64,
        ),
        end=np.array(
            [a.available_to.toordinal() if a.available_to else _BIG_DAY for a in applicants],
            dtype=np.int64,
        ),
        dest=np.array([bits(a.destinations, country_bit) for a in applicants], dtype=np.int64),
        prog=np.array([bits(a.programs, program_bit) for a in applicants], dtype=np.int64),
        ret=np.array([bits(a.returning, program_bit) for a in applicants], dtype=np.int64),
        lang=np.array([langs.mask(a.languages) for a in applicants], dtype=np.uint64),
        lic=np.array([licences.mask(a.licences) for a in applicants], dtype=np.uint64),
        min_wage=np.array([a.min_hourly_usd or 0.0 for a in applicants], dtype=np.float32),
        occ_ptr=ptr,
        occ_unit=np.array([int(code) for code, _ in flat], dtype=np.int64),
        occ_family=np.array([family_of.get(code, -1) for code, _ in flat], dtype=np.int64),
        occ_months=np.array([max(m, 0) for _, m in flat], dtype=np.float32),
        fields=[frozenset(field(code) for code, _ in person) for person in jobs],
        named={
            i: frozenset(j for j in a.named_for if 0 <= j < nvac)
            for i, a in enumerate(applicants)
            if a.named_for
        },
    )


def _joined(head: _Applicants, tail: _Applicants) -> _Applicants:
    """The table of ``head``'s applicants followed by ``tail``'s."""
    return _Applicants(
        n=head.n + tail.n,
        start=np.concatenate([head.start, tail.start]),
        end=np.concatenate([head.end, tail.end]),
        dest=np.concatenate([head.dest, tail.dest]),
        prog=np.concatenate([head.prog, tail.prog]),
        ret=np.concatenate([head.ret, tail.ret]),
        lang=np.concatenate([head.lang, tail.lang]),
        lic=np.concatenate([head.lic, tail.lic]),
        min_wage=np.concatenate([head.min_wage, tail.min_wage]),
        occ_ptr=np.concatenate([head.occ_ptr, tail.occ_ptr[1:] + head.occ_ptr[-1]]),
        occ_unit=np.concatenate([head.occ_unit, tail.occ_unit]),
        occ_family=np.concatenate([head.occ_family, tail.occ_family]),
        occ_months=np.concatenate([head.occ_months, tail.occ_months]),
        fields=head.fields + tail.fields,
        named={**head.named, **{i + head.n: v for i, v in tail.named.items()}},
    )


@dataclass(eq=False)
class _ApplicantSide:
    """What a generation built about its applicants, reusable by a later one whose
    applicants start with the same ones (in the same order) and whose programs, destination
    countries and occupation families are the same."""

    program_bit: dict[str, int]
    country_bit: dict[str, int]
    family_id: dict[str, int]
    langs: _Vocabulary
    licences: _Vocabulary
    table: _Applicants
    rules_of: _ApplicantRules


def _fit_to(
    table: _Applicants,
    rows: npt.NDArray[np.intp],
    unit: int,
    family: int,
    farm_families: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Occupation fit of applicants ``rows`` to unit group ``unit``, and their months in their
    best-fitting job (the most months among equally fitting ones)."""
    lo, hi = table.occ_ptr[rows], table.occ_ptr[rows + 1]
    counts = hi - lo
    owner = np.repeat(np.arange(len(rows)), counts)
    entry = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    u = table.occ_unit[entry]
    f = table.occ_family[entry]
    fit = np.zeros(len(entry), dtype=np.float32)
    fit = np.where((u // 100 == unit // 100), 0.5, fit)
    fit = np.where(
        np.isin(f, farm_families) & np.isin(family, farm_families), np.maximum(fit, 0.4), fit
    )
    fit = np.where((f == family) & (family >= 0), np.maximum(fit, 0.6), fit)
    fit = np.where(u // 10 == unit // 10, np.maximum(fit, 0.8), fit)
    fit = np.where(u == unit, 1.0, fit).astype(np.float32)
    # best fit per applicant, then the most months at that fit
    best = np.zeros(len(rows), dtype=np.float32)
    np.maximum.at(best, owner, fit)
    months = np.zeros(len(rows), dtype=np.float32)
    at_best = fit == best[owner]
    np.maximum.at(months, owner[at_best], table.occ_months[entry][at_best])
    return best, months


# ---------------------------------------------------------------------------------------------
# The blocks


@dataclass
class _Edges:
    rows: list[npt.NDArray[np.int64]] = field(default_factory=list)
    cols: list[npt.NDArray[np.int64]] = field(default_factory=list)
    keep: list[npt.NDArray[np.bool_]] = field(default_factory=list)  # chosen for the vacancy
    review: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    parts: dict[str, list[npt.NDArray[np.float32]]] = field(
        default_factory=lambda: {name: [] for name in COMPONENTS}
    )


def build_candidates(
    applicants: Sequence[CandidateApplicant],
    vacancies: Sequence[CandidateVacancy],
    programs: Mapping[str, Program],
    *,
    families: Mapping[str, str],
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    per_applicant: int = 24,
    per_slot: int = 20,
    min_per_vacancy: int = 10,
    pool_per_slot: int = 25,
    chunk: int = 64,
    columns: Sequence[int] | None = None,
    reuse: Candidates | None = None,
) -> Candidates:
    """The candidate edges of a matching round (see the module docstring).

    Parameters
    ----------
    applicants, vacancies : sequences of CandidateApplicant / CandidateVacancy
        The round's people and open vacancies (``slots`` = positions still to fill).
    programs : mapping of program code to Program
        The catalog; a vacancy of a program not in it gets no edge ("offer_rules").
    families : mapping of ISCO-08 unit group to occupation family
        From ``data/occupations/isco08.csv``; decides fields and occupation fit.
    weights : mapping
        Component weights (see :mod:`matching.scoring`).
    per_applicant, per_slot, min_per_vacancy, pool_per_slot, chunk : int
        How many edges to keep (see the module docstring) and how many vacancies are scored
        together.
    columns : sequence of int, optional
        Score only these vacancies (indices into ``vacancies``); the others get no edge, and
        their funnel counts stay zero and their reason empty. A what-if scores the vacancies
        a policy change touches this way and keeps the baseline's edges for the rest.
    reuse : Candidates, optional
        Earlier candidates whose applicants are the first of these (same order): their
        columnar table and the statuses of the rules they evaluated are reused, only the
        applicants after them are added (rules that changed are evaluated again).

    Returns
    -------
    Candidates

    Examples
    --------
    >>> from matching.catalog import program_from_dict
    >>> open_to_all = program_from_dict({
    ...     "code": "XX-FARM", "destination": "US", "url": "https://example.org",
    ...     "name": {"es": "F", "en": "F", "fr": "F"},
    ...     "description": {"es": "f", "en": "f", "fr": "f"},
    ...     "rules": [{"id": "xx-farm.age", "scope": "applicant", "certainty": "official",
    ...                "on_fail": "not_eligible", "effective_from": "2000-01-01",
    ...                "source": "https://example.org", "remedy": {"es": "-", "en": "-", "fr": "-"},
    ...                "condition": {"fact": "applicant.age", "op": "ge", "value": 18},
    ...                "text": {"es": "18", "en": "18", "fr": "18"}}]})
    >>> person = CandidateApplicant(
    ...     ApplicantFacts("GT", date(1990, 1, 1)), occupations=(("9211", 36),),
    ...     available_from=date(2027, 3, 1), available_to=date(2027, 11, 30))
    >>> minor = CandidateApplicant(
    ...     ApplicantFacts("GT", date(2012, 1, 1)), occupations=(("9211", 6),))
    >>> job = CandidateVacancy(VacancyFacts(program="XX-FARM"), "XX-FARM", "9211",
    ...                        date(2027, 4, 1), date(2027, 10, 31), slots=2)
    >>> found = build_candidates([person, minor], [job], {"XX-FARM": open_to_all},
    ...                          families={"9211": "crop"})
    >>> found.scores.shape, found.scores.nnz, found.applicant_reason.tolist()
    ((2, 1), 1, ['', 'rules'])
    """
    state = _Round(
        applicants,
        vacancies,
        programs,
        families=families,
        weights=weights,
        per_slot=per_slot,
        min_per_vacancy=min_per_vacancy,
        pool_per_slot=pool_per_slot,
        columns=columns,
        reuse=None if reuse is None else reuse.applicant_side,
    )
    for key, cols in sorted(state.blocks().items()):
        state.score_block(key, cols, chunk)
    m = len(vacancies)
    scores, review, components = _collect(state.edges, len(applicants), m, per_applicant, weights)
    funnel = state.funnel
    funnel["edges"] = np.bincount(scores.indices, minlength=m).astype(np.int64)
    has_edge = np.diff(scores.indptr) > 0
    reasons = np.array(["", *APPLICANT_REASONS], dtype=object)
    applicant_reason = np.where(has_edge, "", reasons[state.reached.astype(np.int64) + 1])
    vacancy_reason = vacancy_reasons(funnel, state.offer_status, state.v_slots)
    if state.scored is not None:
        vacancy_reason[~state.scored] = ""
    return Candidates(
        scores=scores,
        review=review,
        components=components,
        funnel=funnel,
        applicant_reason=applicant_reason.astype(str),
        vacancy_reason=vacancy_reason,
        offer_status=state.offer_status,
        stats={"candidate_pairs": int(scores.nnz), "blocks": state.block_count},
        reached=state.reached,
        applicant_side=state.side,
    )


class _Round:
    """The state of one candidate generation: the columnar tables, the rules' statuses, and
    what the blocks produce (edges, funnel counts, how far each applicant got)."""

    def __init__(
        self,
        applicants: Sequence[CandidateApplicant],
        vacancies: Sequence[CandidateVacancy],
        programs: Mapping[str, Program],
        *,
        families: Mapping[str, str],
        weights: Mapping[str, float],
        per_slot: int,
        min_per_vacancy: int,
        pool_per_slot: int,
        columns: Sequence[int] | None = None,
        reuse: _ApplicantSide | None = None,
    ) -> None:
        self.vacancies, self.programs, self.families, self.weights = (
            vacancies,
            programs,
            families,
            weights,
        )
        self.per_slot, self.min_per_vacancy, self.pool_per_slot = (
            per_slot,
            min_per_vacancy,
            pool_per_slot,
        )
        m = len(vacancies)
        reference = min((v.start for v in vacancies), default=date.today())
        codes = sorted({v.program for v in vacancies} | set(programs))
        self.program_bit = {code: 1 << i for i, code in enumerate(codes)}
        countries = sorted({p.destination for p in programs.values()} | {"US", "CA", "MX"})
        self.country_bit = {c: 1 << i for i, c in enumerate(countries)}
        self.family_id = {name: i for i, name in enumerate(sorted(set(families.values())))}
        self.farm_ids = np.array(
            [self.family_id[f] for f in FARM_FAMILIES if f in self.family_id], dtype=np.int64
        )
        if (
            reuse is not None
            and reuse.table.n <= len(applicants)
            and (reuse.program_bit, reuse.country_bit, reuse.family_id)
            == (self.program_bit, self.country_bit, self.family_id)
        ):
            langs, licences = reuse.langs.copy(), reuse.licences.copy()
            added = _tables(
                applicants[reuse.table.n :],
                vacancies,
                families,
                self.program_bit,
                self.country_bit,
                langs,
                licences,
                self.family_id,
            )
            self.table = _joined(reuse.table, added)
            rules_of = _ApplicantRules(applicants, reference, prefix=reuse.rules_of)
        else:
            langs, licences = _Vocabulary(), _Vocabulary()
            self.table = _tables(
                applicants,
                vacancies,
                families,
                self.program_bit,
                self.country_bit,
                langs,
                licences,
                self.family_id,
            )
            rules_of = _ApplicantRules(applicants, reference)
        self.side = _ApplicantSide(
            self.program_bit,
            self.country_bit,
            self.family_id,
            langs,
            licences,
            self.table,
            rules_of,
        )
        # Only the vacancies to score need their program's rules evaluated for everyone.
        self.scored: npt.NDArray[np.bool_] | None = None
        if columns is not None:
            self.scored = np.zeros(m, dtype=bool)
            self.scored[np.asarray(columns, dtype=np.int64)] = True
        self.periods, self.period_of = _periods(programs, vacancies, rules_of, self.scored)
        self.offer_status = _offer_statuses(programs, vacancies, self.scored)
        self.v_start = np.array([v.start.toordinal() for v in vacancies], dtype=np.int64)
        self.v_end = np.array([v.end.toordinal() for v in vacancies], dtype=np.int64)
        self.v_slots = np.array([max(v.slots, 0) for v in vacancies], dtype=np.int64)
        self.v_wage = np.array([v.hourly_usd or 0.0 for v in vacancies], dtype=np.float32)
        self.v_exp = np.array([max(v.experience_months, 0) for v in vacancies], dtype=np.float32)
        self.v_lang_req = np.array([langs.mask(v.languages) for v in vacancies], dtype=np.uint64)
        self.v_lic_req = np.array([licences.mask(v.licences) for v in vacancies], dtype=np.uint64)
        self.v_work_lang = np.array(
            [langs.bit(v.work_language) for v in vacancies], dtype=np.uint64
        )
        self.v_unit = np.array(
            [int(v.isco08) if v.isco08.isdigit() else -1 for v in vacancies], dtype=np.int64
        )
        stages = ("rules", "occupation", "destination", "dates", "requirements", "edges")
        self.funnel = {stage: np.zeros(m, dtype=np.int64) for stage in stages}
        # How far each applicant got: 1 rules, 2 field, 3 destination, 4 dates, 5 requirements
        self.reached = np.zeros(self.table.n, dtype=np.int8)
        self.pooled = np.zeros(self.table.n, dtype=np.float32)  # chunks that pooled them
        self.edges = _Edges()
        self.block_count = 0
        self._members: dict[str, npt.NDArray[np.intp]] = {}

    def blocks(self) -> dict[tuple[str, int, str], list[int]]:
        """Vacancies by (program, rules period, field); refused offers and full ones left out."""
        out: dict[tuple[str, int, str], list[int]] = {}
        for j, v in enumerate(self.vacancies):
            if (
                self.offer_status[j] == REFUSED
                or v.program not in self.periods
                or self.v_slots[j] == 0
                or (self.scored is not None and not self.scored[j])
            ):
                continue
            key = (v.program, int(self.period_of[j]), field_of(v.isco08, self.families))
            out.setdefault(key, []).append(j)
        self.block_count = len(out)
        return out

    def _field_members(self, name: str) -> npt.NDArray[np.intp]:
        found = self._members.get(name)
        if found is None:
            found = np.array(
                [i for i, fields in enumerate(self.table.fields) if name in fields],
                dtype=np.intp,
            )
            self._members[name] = found
        return found

    def score_block(self, key: tuple[str, int, str], cols: list[int], chunk: int) -> None:
        code, period_index, fieldname = key
        period = self.periods[code][period_index]
        table, reached, funnel = self.table, self.reached, self.funnel
        allowed = np.minimum(period.before, period.after) < REFUSED  # eligible at some date
        program_ok = np.flatnonzero(allowed)
        reached[program_ok] = np.maximum(reached[program_ok], 1)
        rows = self._field_members(fieldname)
        rows = rows[allowed[rows]]
        reached[rows] = np.maximum(reached[rows], 2)
        # Chunks of vacancies with close start dates: the date prefilter then cuts most rows.
        col_array = np.array(sorted(cols, key=lambda j: (self.v_start[j], j)), dtype=np.int64)
        funnel["rules"][col_array] = len(program_ok)
        funnel["occupation"][col_array] = len(rows)
        dest_bit = self.country_bit.get(self.programs[code].destination, 0)
        rows = rows[(table.dest[rows] == 0) | ((table.dest[rows] & dest_bit) != 0)]
        funnel["destination"][col_array] = len(rows)
        reached[rows] = np.maximum(reached[rows], 3)
        if len(rows) == 0:
            return
        # Occupation fit and months of every block applicant to each unit group of the block.
        units = np.unique(self.v_unit[col_array])
        fit = np.zeros((len(rows), len(units)), dtype=np.float32)
        months = np.zeros((len(rows), len(units)), dtype=np.float32)
        for u, unit in enumerate(units):
            family = self.family_id.get(self.families.get(f"{unit:04d}", ""), -1)
            fit[:, u], months[:, u] = _fit_to(table, rows, int(unit), family, self.farm_ids)
        unit_col = np.searchsorted(units, self.v_unit)
        steady = bool((period.before[rows] == period.after[rows]).all())
        for s in range(0, len(col_array), chunk):
            self._score_chunk(
                rows, col_array[s : s + chunk], period, steady, code, fit, months, unit_col
            )

    def _score_chunk(
        self,
        block_rows: npt.NDArray[np.intp],
        cols: npt.NDArray[np.int64],
        period: _Period,
        steady: bool,
        code: str,
        block_fit: npt.NDArray[np.float32],
        block_months: npt.NDArray[np.float32],
        unit_col: npt.NDArray[np.intp],
    ) -> None:
        table, funnel, reached, weights = self.table, self.funnel, self.reached, self.weights
        bit = self.program_bit[code]
        starts, ends = self.v_start[cols], self.v_end[cols]
        # 1. dates: first against the chunk as a whole (cheap, one value per applicant), then
        # per pair in whole days (int32, no float temporaries: this is the hot loop)
        need = MIN_SEASON_SHARE * (int((ends - starts).min()) + 1)
        reach = np.minimum(table.end[block_rows], ends.max()) - np.maximum(
            table.start[block_rows], starts.min()
        )
        pos = np.flatnonzero(reach + 1 >= need)  # positions in the block's rows
        if len(pos) == 0:
            return
        rows = block_rows[pos]
        # Days from the chunk's first start, in int16 (half the memory traffic of int32: this
        # is the hottest loop); seasons and windows are clipped to ±30,000 days.
        base = int(starts.min())
        a_start = np.clip(table.start[rows] - base, -30_000, 30_000).astype(np.int16)[:, None]
        a_end = np.clip(table.end[rows] - base, -30_000, 30_000).astype(np.int16)[:, None]
        v_s = np.clip(starts - base, -30_000, 30_000).astype(np.int16)[None, :]
        v_e = np.clip(ends - base, -30_000, 30_000).astype(np.int16)[None, :]
        overlap = np.minimum(a_end, v_e)
        overlap -= np.maximum(a_start, v_s)
        # at least MIN_SEASON_SHARE of the season, compared in whole days
        need_days = np.ceil(MIN_SEASON_SHARE * (v_e.astype(np.int32) - v_s + 1)) - 1
        dated = overlap >= need_days.astype(np.int16)
        if not steady:
            status_all = period.at(rows, starts)
            dated &= status_all < REFUSED
        funnel["dates"][cols] = dated.sum(axis=0)
        dated_any = dated.any(axis=1)
        reached[rows[dated_any]] = np.maximum(reached[rows[dated_any]], 4)
        feasible = dated
        lang_req, lic_req = self.v_lang_req[cols], self.v_lic_req[cols]
        if lang_req.any():
            feasible = feasible & ((lang_req[None, :] & ~table.lang[rows][:, None]) == 0)
        if lic_req.any():
            feasible = feasible & ((lic_req[None, :] & ~table.lic[rows][:, None]) == 0)
        funnel["requirements"][cols] = feasible.sum(axis=0)
        alive = np.flatnonzero(feasible.any(axis=1))
        reached[rows[alive]] = np.maximum(reached[rows[alive]], 5)
        if len(alive) == 0:
            return
        rows, pos, feasible, overlap = rows[alive], pos[alive], feasible[alive], overlap[alive]
        season = (ends - starts + 1).astype(np.float32)[None, :]
        chunk_units = unit_col[cols]
        fit = block_fit[pos][:, chunk_units]
        months = block_months[pos][:, chunk_units]

        # 2. a pool when there are many more applicants than the chunk could use
        named_here = np.zeros(len(rows), dtype=bool)
        if table.named:
            chunk_cols = set(cols.tolist())
            for r in np.flatnonzero(np.isin(rows, np.fromiter(table.named, dtype=np.intp))):
                named_here[r] = not table.named[int(rows[r])].isdisjoint(chunk_cols)
        pool = int(self.pool_per_slot * self.v_slots[cols].sum()) + 50
        if len(rows) > pool:
            estimate = (
                fit.max(axis=1) * weights["occupation"]
                + np.minimum(months.max(axis=1) / 24.0, 1.0) * weights["experience"]
                + np.minimum((np.where(feasible, overlap, 0).max(axis=1) + 1) / season.max(), 1.0)
                * weights["availability"]
                + ((table.ret[rows] & bit) != 0) * weights["returning"]
                - 0.05 * self.pooled[rows]
                + named_here * 10.0
            )
            chosen = np.argpartition(-estimate, pool - 1)[:pool]
            rows, feasible, overlap = rows[chosen], feasible[chosen], overlap[chosen]
            fit, months, named_here = fit[chosen], months[chosen], named_here[chosen]
        self.pooled[rows] += 1
        share = np.clip((overlap.astype(np.float32) + 1) / season, 0.0, 1.0)
        if steady:
            status = np.broadcast_to(period.before[rows][:, None], feasible.shape)
        else:
            status = period.at(rows, starts)

        # 3. the score of every feasible pair of the pool: the parts that vary by pair as
        # matrices, the parts that depend on the applicant alone as one column
        w = {name: np.float32(weights[name]) for name in COMPONENTS}
        req = self.v_exp[cols][None, :]
        experience = np.minimum(months / np.where(req > 0, req, np.float32(24.0)), 1.0)
        work_bits = self.v_work_lang[cols]
        language = np.zeros(feasible.shape, dtype=np.float32)
        for bits in np.unique(work_bits):
            language[:, work_bits == bits] = ((table.lang[rows] & bits) != 0)[:, None]
        floor = table.min_wage[rows]
        offered = self.v_wage[cols]
        if (floor > 0).any():
            wage = np.where(
                (floor[:, None] <= 0) | (offered[None, :] >= floor[:, None]),
                np.float32(1.0),
                offered[None, :] / np.maximum(floor[:, None], np.float32(1e-6)),
            ).astype(np.float32)
        else:
            wage = np.ones(feasible.shape, dtype=np.float32)
        destination = np.where(table.dest[rows] == 0, 0.5, 1.0).astype(np.float32)
        chosen_program = np.where(
            table.prog[rows] == 0, 0.5, np.where((table.prog[rows] & bit) != 0, 1.0, 0.0)
        ).astype(np.float32)
        returning = np.where(
            (table.ret[rows] & bit) != 0, 1.0, np.where(table.ret[rows] != 0, 0.5, 0.0)
        ).astype(np.float32)
        named = np.zeros(feasible.shape, dtype=np.float32)
        for r in np.flatnonzero(named_here):
            wanted_by = np.fromiter(table.named[int(rows[r])], dtype=np.int64)
            named[r] = np.isin(cols, wanted_by).astype(np.float32)
        applicant_part = (
            w["preference"] * (destination + chosen_program) / 3 + w["returning"] * returning
        )
        score = w["occupation"] * fit
        score += w["experience"] * experience
        score += w["availability"] * share
        score += w["language"] * language
        score += (w["preference"] / 3) * wage
        score += applicant_part[:, None]
        if named_here.any():
            score += w["named"] * named
        score = np.where(status == REVIEW, score * np.float32(REVIEW_FACTOR), score)
        score = np.where(feasible, score, np.float32(-1.0))

        # 4. each vacancy's best applicants and each applicant's best vacancies of the chunk
        wanted = np.maximum(self.min_per_vacancy, self.per_slot * self.v_slots[cols])
        deepest = int(min(wanted.max(), len(rows)))
        by_vacancy = np.ascontiguousarray(-score.T)  # row-major per vacancy: fast partitions
        if deepest < len(rows):
            top_rows = np.argpartition(by_vacancy, deepest - 1, axis=1)[:, :deepest]
        else:
            top_rows = np.broadcast_to(np.arange(len(rows))[None, :], by_vacancy.shape)
        top_scores = np.take_along_axis(by_vacancy, top_rows, axis=1)
        order = np.argsort(top_scores, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(deepest)[None, :], axis=1)
        keep_t = np.zeros(by_vacancy.shape, dtype=bool)
        np.put_along_axis(keep_t, top_rows, ranks < wanted[:, None], axis=1)
        keep_v = keep_t.T & feasible
        best_cols = min(3, feasible.shape[1])
        if feasible.shape[1] > best_cols:
            top = np.argpartition(-score, best_cols - 1, axis=1)[:, :best_cols]
        else:
            top = np.tile(np.arange(feasible.shape[1]), (len(rows), 1))
        keep_a = np.zeros(feasible.shape, dtype=bool)
        np.put_along_axis(keep_a, top, True, axis=1)
        keep = (keep_v | keep_a | (named > 0)) & feasible
        at_row, at_col = np.nonzero(keep)
        edges = self.edges
        edges.rows.append(rows[at_row].astype(np.int64))
        edges.cols.append(cols[at_col])
        edges.keep.append(keep_v[at_row, at_col] | (named[at_row, at_col] > 0))
        edges.review.append(status[at_row, at_col] == REVIEW)
        pair_parts = {
            "occupation": fit[at_row, at_col],
            "experience": experience[at_row, at_col],
            "availability": share[at_row, at_col],
            "language": language[at_row, at_col],
            "preference": (destination[at_row] + chosen_program[at_row] + wage[at_row, at_col]) / 3,
            "returning": returning[at_row],
            "named": named[at_row, at_col],
        }
        for name in COMPONENTS:
            edges.parts[name].append(np.ascontiguousarray(pair_parts[name], dtype=np.float32))


def vacancy_reasons(
    funnel: Mapping[str, npt.NDArray[np.int64]],
    offer_status: npt.NDArray[np.int8],
    slots: npt.NDArray[np.int64],
) -> npt.NDArray[np.str_]:
    """Why each vacancy has no edge (``""`` when it has one or no slot), from its funnel."""
    reason = np.full(len(offer_status), "", dtype=object)
    no_edge = funnel["edges"] == 0
    order = [
        ("requirements", funnel["requirements"] == 0),
        ("dates", funnel["dates"] == 0),
        ("destination", funnel["destination"] == 0),
        ("occupation", funnel["occupation"] == 0),
        ("rules", funnel["rules"] == 0),
        ("offer_rules", offer_status == REFUSED),
    ]
    for name, where in order:  # the earliest filter that emptied the funnel wins
        reason[no_edge & where] = name
    reason[slots == 0] = ""
    return reason.astype(str)


def _weighted(
    parts: Mapping[str, npt.NDArray[np.float32]], weights: Mapping[str, float]
) -> npt.NDArray[np.float32]:
    total = np.zeros(np.shape(parts[COMPONENTS[0]]), dtype=np.float32)
    for name in COMPONENTS:
        total += parts[name] * np.float32(weights[name])
    return total


def _collect(
    edges: _Edges, n: int, m: int, per_applicant: int, weights: Mapping[str, float]
) -> tuple[sp.csr_array, npt.NDArray[np.bool_], dict[str, npt.NDArray[np.float32]]]:
    if not edges.rows:
        empty = sp.csr_array(
            (np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(n + 1, np.int32)),
            shape=(n, m),
        )
        return empty, np.zeros(0, bool), {name: np.zeros(0, np.float32) for name in COMPONENTS}
    # A pair is emitted only by the chunk of its vacancy, once: there are no duplicates.
    rows = np.concatenate(edges.rows)
    cols = np.concatenate(edges.cols)
    keep = np.concatenate(edges.keep)
    review = np.concatenate(edges.review)
    parts = {name: np.concatenate(edges.parts[name]) for name in COMPONENTS}
    score = _weighted(parts, weights)
    score = np.where(review, score * np.float32(REVIEW_FACTOR), score)
    score = np.clip(score, 0.0, 1.0).astype(np.float32)
    # each applicant keeps its best `per_applicant` pairs, plus the pairs a vacancy chose it for
    by_row = np.lexsort((-score, rows))
    row_sorted = rows[by_row]
    rank = np.arange(len(by_row)) - np.searchsorted(row_sorted, row_sorted, side="left")
    final = by_row[(rank < per_applicant) | keep[by_row]]
    # CSR order (row, then column) by scipy's counting sort; the edge ids ride along as data
    ids = sp.csr_array(
        (np.arange(1, len(final) + 1, dtype=np.int64), (rows[final], cols[final])), shape=(n, m)
    )
    ids.sort_indices()
    final = final[ids.data - 1]
    matrix = sp.csr_array((score[final], ids.indices, ids.indptr), shape=(n, m))
    return matrix, review[final], {name: parts[name][final] for name in COMPONENTS}
