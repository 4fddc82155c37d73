"""Program caps: which visa number a placement takes, and refusing one that would exceed a cap.

The caps are data (``[[caps]]`` in ``data/programs/*.toml``, each with its source, dates and
certainty). A capped program's visas come from *pools*: for H-2B, the statutory halves (by the
job's start date, 33,000 per half of the US fiscal year; unused first-half numbers roll into
the second half, not into the next year) and each year's supplemental visas (tranches by start
date, some for returning workers only, some reserved for nationals of listed countries).

A placement takes a number when it reaches its program's counting state (the visa; for the
Mexican border card, the authorization), from the first pool that covers the job's start
date, whose conditions the person meets and that has room, in this order: statutory, reserved
for their nationality, returning workers only, open. The pool is written on the placement
(``cap_key``); a later withdrawal does not give the number back (the agency counted the visa).

Canada's low-wage stream caps instead the share of low-wage foreign workers at the employer's
work location. Where the employer's workforce is known, the program's vacancy rules on that
share are checked again with each worker the placement adds; they stay the one statement of
the limits (10 %, 20 % in some industries).

Two transitions at once can never jointly exceed a cap: the check and the write run under a
per-program lock held to the end of the transaction (PostgreSQL advisory lock; SQLite already
serialises writers with BEGIN IMMEDIATE).

Only placements tracked here are counted: the agencies' own counts (USCIS announces when a
pool is reached) include employers outside Pathways.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, func, select

from matching.eligibility import Cap, Program
from matching.facts import vacancy_fact_map
from matching.programs import Rule, Text
from pathways.i18n_marks import N_
from pathways.models import Applicant, Placement, Vacancy
from pathways.services import programs, vacancy_facts
from pathways.services.errors import ServiceError

#: The state in which a placement counts against its program's cap (and toward the target).
COUNTING_STATUS = {"MX-TVTF": "authorized"}
# Reasons a share rule refuses (English templates, translated on pages).
OVER_THE_LIMIT = N_("over the limit")
UNCONFIRMED_INDUSTRY_LIMIT = N_(
    "the limit for the employer's industry cannot be confirmed (no NAICS code)"
)
#: The facts of an employer-share rule (``ca-tfwp-low.workforce-cap``).
SHARE_FACT = "vacancy.low_wage_tfw_share"
# The order in which pools are used: the statutory numbers first, then those only this person
# can use, before the ones anybody can.
_STATUTORY, _RESERVED, _RETURNING, _OPEN = range(4)


def counting_status(program_code: str) -> str:
    return COUNTING_STATUS.get(program_code, "visa_issued")


@dataclass(frozen=True)
class Refusal:
    """Why one pool (or rule) could not give a number: its label from the data (es/en/fr)
    and a reason (an English template, translated on pages)."""

    label: Text
    reason: str
    params: dict[str, Any]

    def english(self) -> str:
        return f"{self.label.en}: {self.reason % self.params if self.params else self.reason}"


class CapError(ServiceError):
    """A transition refused because it would exceed a cap; ``refusals`` say which and why."""

    def __init__(
        self, template: str, refusals: Sequence[Refusal] = (), *, cap: str, **params: Any
    ) -> None:
        super().__init__("to", template, status=409, **params)
        self.cap, self.refusals = cap, list(refusals)
        if self.refusals:
            self.message += " — " + "; ".join(r.english() for r in self.refusals)


def fiscal_year(day: date) -> int:
    """The US fiscal year containing ``day`` (FY2027 = 2026-10-01..2027-09-30)."""
    return day.year + 1 if day.month >= 10 else day.year


def cap_window(cap: Cap, on: date) -> tuple[date, date]:
    """The start dates a cap covers: its own dates, or those of the fiscal year containing
    ``on`` for a recurring cap (with ``month_days`` for a part of the year)."""
    if cap.start and cap.end:
        return cap.start, cap.end
    year = cap.fiscal_year or fiscal_year(on)
    if cap.month_days is None:
        return date(year - 1, 10, 1), date(year, 9, 30)
    (m1, d1), (m2, d2) = ([int(x) for x in md.split("-")] for md in cap.month_days)
    return (
        date(year - 1 if m1 >= 10 else year, m1, d1),
        date(year - 1 if m2 >= 10 else year, m2, d2),
    )


@dataclass(frozen=True)
class Pool:
    """One cap for one fiscal year: the numbers for jobs starting ``start``..``end``."""

    cap: Cap
    fiscal_year: int
    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.cap.id}/{self.fiscal_year}"

    @property
    def rank(self) -> int:
        if self.cap.kind == "statutory":
            return _STATUTORY
        if self.cap.reserved_for:
            return _RESERVED
        return _RETURNING if self.cap.returning_workers_only else _OPEN

    def unmet(self, nationality: str, returning: bool) -> Refusal | None:
        """Why a person cannot take a number from this pool (None: they can)."""
        if self.cap.reserved_for and nationality not in self.cap.reserved_for:
            return Refusal(
                self.cap.label,
                "reserved for nationals of %(countries)s",
                {"countries": ", ".join(self.cap.reserved_for)},
            )
        if self.cap.returning_workers_only and not returning:
            return Refusal(self.cap.label, "for returning workers only", {})
        return None


def pools(program: Program, day: date) -> list[Pool]:
    """The program's pools for jobs starting on ``day``."""
    out = []
    for cap in program.caps:
        start, end = cap_window(cap, day)
        if start <= day <= end:
            out.append(Pool(cap, cap.fiscal_year or fiscal_year(day), start, end))
    return out


def _fiscal_year_pools(program: Program, year: int) -> list[Pool]:
    """The statutory pools of fiscal year ``year`` (one per part of the year)."""
    first_day = date(year - 1, 10, 1)
    return [
        Pool(cap, year, *cap_window(cap, first_day))
        for cap in program.caps
        if cap.kind == "statutory"
    ]


def used(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Numbers taken from each pool by placements tracked here."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = session.exec(
        select(Placement.cap_key, func.count())
        .where(Placement.cap_key.in_(wanted))  # type: ignore[union-attr]
        .group_by(Placement.cap_key)
    ).all()
    counts = {str(k): int(n) for k, n in rows}
    return {k: counts.get(k, 0) for k in wanted}


def room(pool: Pool, program: Program, counts: Mapping[str, int]) -> int:
    """Numbers ``pool`` has left. A statutory pool also has what earlier statutory pools of
    the same fiscal year left unused (the half-year rollover)."""
    if pool.cap.kind != "statutory":
        return pool.cap.amount - counts.get(pool.key, 0)
    earlier = [
        p for p in _fiscal_year_pools(program, pool.fiscal_year) if p.start <= pool.start
    ] or [pool]
    return sum(p.cap.amount - counts.get(p.key, 0) for p in earlier)


def _keys_for_room(program: Program, candidates: Iterable[Pool]) -> set[str]:
    keys = set()
    for pool in candidates:
        keys.add(pool.key)
        if pool.cap.kind == "statutory":
            keys.update(p.key for p in _fiscal_year_pools(program, pool.fiscal_year))
    return keys


def lock(session: Session, name: str) -> None:
    """Serialise cap checks on ``name`` until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"pathways-cap:{name}".encode())
        session.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=key))  # type: ignore[call-overload]


def claim(
    session: Session,
    placement: Placement,
    vacancy: Vacancy,
    applicant: Applicant,
    program: Program,
    on: date,
) -> str | None:
    """Take a number for ``placement`` reaching its counting state on ``on``; returns the
    pool's key (None: the program has no cap in force). Raises :class:`CapError` when every
    pool the person could use is full. Call inside the transaction that records the change.
    """
    _check_employer_share(session, placement, vacancy, program, on)
    start = vacancy.start_date or on
    candidates = sorted(pools(program, start), key=lambda p: p.rank)
    if not candidates:
        return placement.cap_key
    lock(session, program.code)
    counts = used(session, _keys_for_room(program, candidates))
    returning = program.code in (applicant.returning_programs or [])
    refused = []
    for pool in candidates:
        refusal = pool.unmet(applicant.nationality, returning)
        if refusal is None:
            if room(pool, program, counts) > 0:
                placement.cap_key = pool.key
                return pool.key
            refusal = Refusal(
                pool.cap.label,
                "all %(amount)s numbers are used (fiscal year %(year)s)",
                {"amount": pool.cap.amount, "year": pool.fiscal_year},
            )
        refused.append(refusal)
    raise CapError(
        "%(program)s cap reached: no visa number left for a job starting %(start)s",
        refused,
        cap=candidates[0].key,
        program=program.code,
        start=start.isoformat(),
    )


def _share_rules(program: Program, on: date) -> list[Rule]:
    return [
        r
        for r in program.rules
        if r.in_force(on) and str(r.scope) == "vacancy" and SHARE_FACT in r.facts_used
    ]


def _check_employer_share(
    session: Session, placement: Placement, vacancy: Vacancy, program: Program, on: date
) -> None:
    """Canada's low-wage cap: the employer's share of low-wage foreign workers with this one.

    ESDC counts the positions requested on top of the workforce and of the low-wage foreign
    workers already there; each worker placed here is one more of both.
    """
    rules = _share_rules(program, on)
    if not rules or vacancy.employer_workforce is None or vacancy.employer_low_wage_tfws is None:
        return
    key = f"employer-share/{vacancy.id}"
    lock(session, key)
    placed = used(session, [key])[key]
    adding = placed + 1
    facts = vacancy_fact_map(
        replace(
            vacancy_facts.facts_of(vacancy),
            employer_workforce=vacancy.employer_workforce + adding,
            employer_low_wage_tfws=vacancy.employer_low_wage_tfws + adding,
        )
    )
    tfws, workforce = vacancy.employer_low_wage_tfws + adding, vacancy.employer_workforce + adding
    for rule in rules:
        verdict = rule.check(facts)
        if verdict is True:
            continue
        refusal = Refusal(
            rule.text, UNCONFIRMED_INDUSTRY_LIMIT if verdict is None else OVER_THE_LIMIT, {}
        )
        raise CapError(
            "%(program)s employer cap: with this worker, low-wage foreign workers would be "
            "%(share)s%% of the workforce at the work location (%(tfws)s of %(workforce)s)",
            [refusal],
            cap=rule.id,
            program=program.code,
            share=f"{100 * facts[SHARE_FACT]:.1f}",
            tfws=tfws,
            workforce=workforce,
        )
    placement.cap_key = key


def remaining_for_matching(
    session: Session, on: date, catalog: Iterable[Program] | None = None
) -> dict[str, int]:
    """Visas each capped program has left for a matching round run on ``on``.

    A round proposes people for seasons that start within the coming year, so it may use what
    the pools of those start dates have left (the statutory numbers of each fiscal year once,
    with their rollover, and each supplemental pool). Conditions of reserved and
    returning-only pools are not checked per person here; they are when the visa is issued.
    Programs without a cap are absent: their slots are their only limit.
    """
    horizon = on + timedelta(days=365)
    left: dict[str, int] = {}
    for program in programs.get_catalog(session) if catalog is None else catalog:
        if not program.caps:
            continue
        found: dict[str, Pool] = {}
        for year in range(fiscal_year(on), fiscal_year(horizon) + 1):
            first = date(year - 1, 10, 1)
            for cap in program.caps:
                start, end = cap_window(cap, first)
                if end >= on and start <= horizon:
                    pool = Pool(cap, cap.fiscal_year or year, start, end)
                    found[pool.key] = pool
        counts = used(session, _keys_for_room(program, found.values()))
        total = 0
        statutory_years = set()
        for pool in found.values():
            if pool.cap.kind == "statutory":
                statutory_years.add(pool.fiscal_year)
            else:
                total += max(room(pool, program, counts), 0)
        for year in statutory_years:
            parts = _fiscal_year_pools(program, year)
            last = max(parts, key=lambda p: p.start)
            total += max(room(last, program, counts), 0)
        left[program.code] = total
    return left


def pool_use(session: Session, program: Program, cap: Cap, on: date) -> dict[str, object]:
    """A cap's use for the catalog: its dates for ``on`` and the numbers taken and left."""
    pool = Pool(cap, cap.fiscal_year or fiscal_year(on), *cap_window(cap, on))
    counts = used(session, _keys_for_room(program, [pool]))
    return {
        "window": {"start": pool.start.isoformat(), "end": pool.end.isoformat()},
        "used": counts.get(pool.key, 0),
        "remaining": max(room(pool, program, counts), 0),
    }


def catalog_view(session: Session, *, lang: str, as_of: date | None) -> list[dict[str, Any]]:
    """The program catalog (API.md ``GET /api/v1/programs``) with each cap's current use."""
    on = as_of or date.today()
    out = []
    for program in programs.get_catalog(session):
        item = program.to_dict(as_of=as_of, lang=lang)
        for cap_dict, cap in zip(item["caps"], program.caps, strict=True):
            cap_dict["use"] = pool_use(session, program, cap, on)
        out.append(item)
    return out
