"""Matching runs: the bridge between the database and the engine (``matching.rounds``).

A run is queued by an officer and executed by ``pathways worker``: it loads the active,
consenting applicants who have no placement under way and the open vacancies of the run's
programs with the slots they still have, runs one coordinated round, and writes the matches
together with the final status in one transaction — a worker killed half-way leaves no
half-written matches, and the job is re-queued. An officer then publishes chosen matches as
``proposed`` placements.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

import orjson
from sqlalchemy import String, delete, insert, type_coerce, update
from sqlmodel import Session, func, select

from matching.candidates import CandidateApplicant, CandidateVacancy
from matching.facts import ApplicantFacts
from matching.programs import Program
from matching.rounds import RoundResult, run_round
from matching.scoring import explain
from pathways import jobs
from pathways.db import utcnow
from pathways.models import Applicant, Job, Match, MatchingRun, Occupation, Placement, User, Vacancy
from pathways.models.enums import PROGRAM_CODES, ApplicantStatus
from pathways.services import caps, outcomes, placements, programs, vacancy_facts
from pathways.services.audit import Actor, record

log = logging.getLogger("pathways.matching")
JOB_KIND = "matching_run"
WORK_LANGUAGE = {"US": "en", "CA": "en", "MX": "es"}


class RunError(ValueError):
    def __init__(self, field: str, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def start_run(
    session: Session,
    *,
    program_codes: list[str],
    objective: str,
    options: dict[str, Any],
    user: User,
    actor: Actor,
) -> MatchingRun:
    """Queue a run (the worker executes it); an empty program list means every program."""
    codes = sorted(set(program_codes) or set(PROGRAM_CODES), key=PROGRAM_CODES.index)
    run = MatchingRun(
        status="queued",
        objective=objective,
        programs=codes,
        options=options,
        requested_by_id=user.id,
        stage="queued",
    )
    session.add(run)
    session.flush()
    job = jobs.enqueue(session, JOB_KIND, {"run_id": run.id})
    run.job_id = job.id
    session.add(run)
    record(session, actor, "matching_run.create", "matching_run", run.id, programs=codes)
    session.commit()
    return run


# ---------------------------------------------------------------------------------------------
# Inputs


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def load_vacancies(
    session: Session, codes: list[str], as_of: date
) -> tuple[list[Vacancy], list[CandidateVacancy]]:
    """Open vacancies of the programs whose season starts on or after ``as_of``, with the
    slots not taken by placements under way."""
    rows = list(
        session.exec(
            select(Vacancy)
            .where(
                Vacancy.status == "open",
                Vacancy.program_code.in_(codes),  # type: ignore[attr-defined]
                Vacancy.start_date >= as_of,  # type: ignore[operator]
                Vacancy.end_date.is_not(None),  # type: ignore[union-attr]
                Vacancy.isco08.is_not(None),  # type: ignore[union-attr]
            )
            .order_by(Vacancy.id)  # type: ignore[arg-type]
        )
    )
    taken = placements.active_counts_by_vacancy(session, [r.id for r in rows if r.id])
    return rows, [candidate_vacancy(v, taken.get(v.id or 0, 0)) for v in rows]


def candidate_vacancy(v: Vacancy, taken: int = 0) -> CandidateVacancy:
    """The engine's view of a vacancy row with ``taken`` of its positions held already (also
    of a row that is never stored: a what-if's added vacancies)."""
    assert v.start_date is not None and v.end_date is not None and v.isco08 is not None
    facts = vacancy_facts.facts_of(v)
    work_language = (
        "fr" if v.worksite_subdivision == "CA-QC" else WORK_LANGUAGE.get(v.worksite_country, "en")
    )
    return CandidateVacancy(
        facts=facts,
        program=v.program_code,
        isco08=v.isco08,
        start=v.start_date,
        end=v.end_date,
        slots=max(v.positions - taken, 0),
        hourly_usd=None if v.wage_hourly_usd_minor is None else v.wage_hourly_usd_minor / 100,
        experience_months=v.experience_months or 0,
        languages=frozenset(v.languages or ()),
        licences=frozenset(v.licences or ()),
        work_language=work_language,
    )


# The columns a round reads, JSON ones as text parsed with orjson (five times SQLAlchemy's
# json, and a round reads every active applicant), dates as text where the database stores
# text (SQLite; parsed once per distinct day: people share a few hundred).
_APPLICANT_COLUMNS = (
    Applicant.id,
    Applicant.nationality,
    type_coerce(Applicant.birth_date, String).label("birth_date"),
    Applicant.sex,
    Applicant.residence_country,
    type_coerce(Applicant.available_from, String).label("available_from"),
    type_coerce(Applicant.available_to, String).label("available_to"),
    Applicant.min_hourly_wage_usd_minor,
    Applicant.preferred_lang,
    Applicant.prior_immigration_violation,
    *(
        type_coerce(getattr(Applicant, name), String).label(name)
        for name in (
            "languages",
            "experience",
            "destinations",
            "programs",
            "certifications",
            "returning_programs",
            "named_by",
        )
    ),
)
_EMPTY: frozenset[str] = frozenset()


class Person(NamedTuple):
    """What a round keeps of an applicant besides the engine's view of them."""

    id: int
    nationality: str
    sex: str
    preferred_lang: str


def _json(value: Any) -> Any:
    if value is None or value == "[]":
        return ()
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def load_applicants(
    session: Session, vacancies: list[Vacancy]
) -> tuple[list[Person], list[CandidateApplicant]]:
    """Active applicants with consent and no placement under way (one offer per person)."""
    busy = placements.applicants_with_active_placement(session)
    by_ref = {v.external_ref: j for j, v in enumerate(vacancies) if v.external_ref}
    by_employer: dict[str, list[int]] = defaultdict(list)
    for j, v in enumerate(vacancies):
        if v.employer_name:
            by_employer[_fold(v.employer_name)].append(j)
    result = session.execute(
        select(*_APPLICANT_COLUMNS)
        .where(Applicant.status == ApplicantStatus.active.value)
        .order_by(Applicant.id)  # type: ignore[arg-type]
    )
    people: list[Person] = []
    out: list[CandidateApplicant] = []
    days: dict[Any, date | None] = {None: None}

    def day(value: Any) -> date | None:
        found = days.get(value)
        if found is None and value is not None:
            found = days[value] = value if isinstance(value, date) else date.fromisoformat(value)
        return found

    # Most people share the same few lists ('["es"]', '["US"]', '[]'): parse each text once.
    sets: dict[Any, frozenset[str]] = {}

    def as_set(raw: Any) -> frozenset[str]:
        found = sets.get(raw) if isinstance(raw, str | None) else None
        if found is None:
            found = frozenset(_json(raw)) or _EMPTY
            if isinstance(raw, str | None):
                sets[raw] = found
        return found

    for (
        id_,
        nationality,
        born,
        sex,
        residence,
        available_from,
        available_to,
        wage,
        lang,
        prior,
        languages_raw,
        experience,
        destinations_raw,
        chosen,
        certifications,
        returning,
        named_by,
    ) in result:
        if id_ in busy:
            continue
        born, available_from, available_to = day(born), day(available_from), day(available_to)
        languages, destinations = as_set(languages_raw), as_set(destinations_raw)
        known = tuple(
            (j["isco08"], int(j.get("months") or 0)) for j in _json(experience) if j.get("isco08")
        )
        main = max(known, key=lambda jm: jm[1])[0] if known else None
        named: set[int] = set()
        if named_by and named_by != "[]":
            for entry in _json(named_by):
                ref = entry.get("vacancy_ref")
                if ref and ref in by_ref:
                    named.add(by_ref[ref])
                elif entry.get("employer"):
                    named.update(by_employer.get(_fold(entry["employer"]), ()))
        licences = (
            frozenset(c["licence"] for c in _json(certifications) if c.get("licence"))
            if certifications and certifications != "[]"
            else _EMPTY
        )
        facts = ApplicantFacts(
            nationality=nationality,
            birth_date=born,
            residence_country=residence,
            languages=tuple(sorted(languages)),
            isco08=main,
            occupations=tuple(code for code, _ in known),
            experience_months=max((m for _, m in known), default=None),
            available_from=available_from,
            available_to=available_to,
            destinations=tuple(sorted(destinations)),
            prior_immigration_violation=prior,
        )
        people.append(Person(id_, nationality, sex, lang or "es"))
        out.append(
            CandidateApplicant(
                facts=facts,
                occupations=known,
                available_from=available_from,
                available_to=available_to,
                destinations=destinations,
                programs=as_set(chosen),
                languages=languages,
                licences=licences or _EMPTY,
                returning=as_set(returning),
                named_for=frozenset(named) if named else _EMPTY,
                min_hourly_usd=None if wage is None else wage / 100,
            )
        )
    return people, out


class RoundInputs(NamedTuple):
    """Everything a round reads from the database, loaded at once (a matching run and a
    what-if load the same state the same way)."""

    vacancy_rows: list[Vacancy]
    vacancies: list[CandidateVacancy]
    people: list[Person]
    applicants: list[CandidateApplicant]
    catalog: dict[str, Program]
    families: dict[str, str]
    program_caps: dict[str, int]


def load_inputs(session: Session, codes: list[str], as_of: date) -> RoundInputs:
    """The open vacancies of ``codes``, the applicants, rules, occupation families and the
    visas each capped program has left, for a round run on ``as_of``."""
    vacancy_rows, vacancies = load_vacancies(session, codes, as_of)
    people, applicants = load_applicants(session, vacancy_rows)
    return RoundInputs(
        vacancy_rows=vacancy_rows,
        vacancies=vacancies,
        people=people,
        applicants=applicants,
        catalog={p.code: p for p in programs.get_catalog(session)},
        families=families(session),
        program_caps=caps.remaining_for_matching(session, as_of),
    )


def families(session: Session) -> dict[str, str]:
    return {
        code: family
        for code, family in session.exec(
            select(Occupation.isco08, Occupation.family).where(Occupation.family.is_not(None))  # type: ignore[union-attr]
        ).all()
    }


# ---------------------------------------------------------------------------------------------
# Execution


Progress = Callable[[float, str], None]


def execute(
    session: Session,
    run: MatchingRun,
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> MatchingRun:
    """Run the round and store the matches with status ``done``, all in one transaction."""
    report = progress or (lambda _f, _s: None)
    clock = time.perf_counter()
    as_of = as_of or date.today()
    # A re-queued run (its worker died) starts afresh: anything it wrote was rolled back,
    # but a crash after commit and before the job was marked done would leave matches.
    session.exec(delete(Match).where(Match.run_id == run.id))  # type: ignore[call-overload]
    session.commit()
    report(0.05, "loading")
    inputs = load_inputs(session, list(run.programs), as_of)
    vacancy_rows, vacancies = inputs.vacancy_rows, inputs.vacancies
    applicant_rows, people = inputs.people, inputs.applicants
    # Recorded outcomes score the round once there are enough of them; the weights until then.
    model, scoring_report = outcomes.fitted_model(session)
    # No transaction stays open while the round runs (SQLite: it would hold the write lock,
    # and pages could not follow the progress).
    session.commit()
    loaded = time.perf_counter() - clock
    report(0.2, "matching")
    options = run.options or {}
    floors = options.get("floors") or None
    groups = None
    if floors:
        by = floors.get("by", "origin")
        groups = [r.nationality if by == "origin" else r.sex for r in applicant_rows]
    result = run_round(
        people,
        vacancies,
        inputs.catalog,
        families=inputs.families,
        objective=run.objective,
        min_score=float(options.get("min_score") or 0.0),
        groups=groups,
        floors=(floors or {}).get("shares") if floors else None,
        program_caps=inputs.program_caps,
        outcome_model=model,
    )
    report(0.85, "writing")
    step = time.perf_counter()
    _write_matches(session, run, result, applicant_rows, vacancy_rows)
    stats = dict(result.stats)
    stats["timings"] = {**stats.get("timings", {}), "loading": round(loaded, 3)}
    stats.update(
        breakdowns(
            result,
            origin_of=[p.nationality for p in applicant_rows],
            program_of=[v.program_code for v in vacancy_rows],
            destination_of=[v.worksite_country for v in vacancy_rows],
            slots_of=[v.slots for v in vacancies],
        )
    )
    stats["scoring"] = scoring_report
    stats["timings"]["writing"] = round(time.perf_counter() - step, 3)
    stats["seconds"] = round(time.perf_counter() - clock, 3)
    run.stats = stats
    run.status, run.stage, run.progress, run.finished_at = "done", "done", 1.0, utcnow()
    session.add(run)
    session.commit()
    return run


def _write_matches(
    session: Session,
    run: MatchingRun,
    result: RoundResult,
    applicant_rows: list[Person],
    vacancy_rows: list[Vacancy],
) -> None:
    rows = []
    for m in result.matches:
        person = applicant_rows[m.applicant]
        vacancy = vacancy_rows[m.vacancy]
        explanation = explain(
            m.components, m.score, lang=person.preferred_lang or "es", review=m.review
        )
        explanation["scored_by"] = result.stats.get("scored_by", "weights")
        explanation["program"] = vacancy.program_code
        explanation["destination"] = vacancy.worksite_country
        rows.append(
            {
                "run_id": run.id,
                "applicant_id": int(person.id),
                "vacancy_id": int(vacancy.id or 0),
                "score": round(m.score, 4),
                "review": m.review,
                "explanation": explanation,
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Match), rows[start : start + 5000])


def breakdowns(
    result: RoundResult,
    *,
    origin_of: Sequence[str],
    program_of: Sequence[str],
    destination_of: Sequence[str],
    slots_of: Sequence[int],
) -> dict[str, Any]:
    """Matched and empty slots by program, destination and origin, for comparing runs and
    for the gap view (each sequence is aligned with the round's applicants or vacancies)."""
    matched_program: Counter[str] = Counter()
    matched_destination: Counter[str] = Counter()
    matched_origin: Counter[str] = Counter()
    for m in result.matches:
        matched_program[program_of[m.vacancy]] += 1
        matched_destination[destination_of[m.vacancy]] += 1
        matched_origin[origin_of[m.applicant]] += 1
    slots_program: Counter[str] = Counter()
    empty: dict[str, Counter[str]] = defaultdict(Counter)
    taken = Counter(m.vacancy for m in result.matches)
    for j, (program, room) in enumerate(zip(program_of, slots_of, strict=True)):
        slots_program[program] += room
        left = room - taken.get(j, 0)
        if left > 0:
            empty[program][result.vacancy_cause[j] or "supply"] += left
    unmatched: dict[str, Counter[str]] = defaultdict(Counter)
    for a, cause in enumerate(result.applicant_cause):
        if cause:
            unmatched[origin_of[a]][cause] += 1
    return {
        "by_program": dict(matched_program),
        "by_destination": dict(matched_destination),
        "by_origin": dict(matched_origin),
        "slots_by_program": dict(slots_program),
        "empty_slots": result.empty_slots,
        "empty_by_program": {k: dict(v) for k, v in empty.items()},
        "unmatched": result.unmatched,
        "unmatched_by_origin": {k: dict(v) for k, v in unmatched.items()},
        "floors": result.floors,
    }


def run_queued_matching(session: Session, job: Job, progress: Any, settings: Any) -> None:
    """The worker's handler for ``matching_run`` jobs."""
    run = session.get(MatchingRun, job.payload["run_id"])
    if run is None:
        raise LookupError(f"matching run {job.payload.get('run_id')} does not exist")
    run.status, run.started_at, run.stage, run.progress = "running", utcnow(), "loading", 0.0
    run.error = None
    session.add(run)
    session.commit()
    run_id = run.id

    def report(fraction: float, stage: str) -> None:
        progress(int(fraction * 100), 100)
        with Session(session.get_bind()) as side:  # its own short transaction: pages follow
            side.exec(
                update(MatchingRun)
                .where(MatchingRun.id == run_id)  # type: ignore[call-overload]
                .values(progress=fraction, stage=stage)
            )
            side.commit()

    try:
        execute(session, run, progress=report)
    except Exception as exc:
        session.rollback()
        failed = session.get(MatchingRun, run_id)
        assert failed is not None
        failed.status, failed.stage, failed.finished_at = "failed", "failed", utcnow()
        failed.error = f"{type(exc).__name__}: {exc}"[:2000]
        session.add(failed)
        session.commit()
        raise
    log.info("matching run %s done: %s", run_id, run.stats.get("matched"))


# ---------------------------------------------------------------------------------------------
# Reading and publishing


def public(run: MatchingRun) -> dict[str, Any]:
    stats = run.stats or {}
    keys = (
        "applicants",
        "vacancies",
        "slots",
        "candidate_pairs",
        "matched",
        "upper_bound",
        "seconds",
    )
    return {
        "id": run.id,
        "status": run.status,
        "objective": run.objective,
        "programs": list(run.programs),
        "options": run.options or {},
        "progress": round(run.progress or 0.0, 3),
        "stage": run.stage,
        "stats": {
            **{k: stats.get(k) for k in keys},
            **{k: v for k, v in stats.items() if k not in keys},
        },
        "error": run.error,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "published_at": run.published_at,
    }


def list_runs(
    session: Session, *, page: int = 1, per_page: int = 20
) -> tuple[list[MatchingRun], int]:
    total = session.exec(select(func.count()).select_from(MatchingRun)).one()
    rows = session.exec(
        select(MatchingRun)
        .order_by(MatchingRun.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)  # type: ignore[union-attr]
    ).all()
    return list(rows), int(total)


def previous_done(session: Session, run: MatchingRun) -> MatchingRun | None:
    return session.exec(
        select(MatchingRun)
        .where(MatchingRun.status == "done", MatchingRun.id < run.id)  # type: ignore[operator]
        .order_by(MatchingRun.id.desc())  # type: ignore[union-attr]
    ).first()


def compare(run: MatchingRun, before: MatchingRun | None) -> dict[str, Any]:
    """What changed since the previous run, overall and by program, destination, origin."""
    now, then = run.stats or {}, (before.stats if before else {}) or {}
    out: dict[str, Any] = {}
    for key in ("matched", "upper_bound", "slots", "applicants", "greedy"):
        out[key] = {"now": now.get(key), "before": then.get(key)}
    for group in ("by_program", "by_destination", "by_origin"):
        keys = sorted(set(now.get(group, {})) | set(then.get(group, {})))
        out[group] = {
            k: {"now": now.get(group, {}).get(k, 0), "before": then.get(group, {}).get(k, 0)}
            for k in keys
        }
    return out


def list_matches(
    session: Session, run_id: int, *, page: int = 1, per_page: int = 50
) -> tuple[list[Match], int]:
    total = session.exec(
        select(func.count()).select_from(Match).where(Match.run_id == run_id)
    ).one()
    rows = session.exec(
        select(Match)
        .where(Match.run_id == run_id)
        .order_by(Match.score.desc(), Match.id)  # type: ignore[attr-defined]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def publish(
    session: Session,
    run: MatchingRun,
    *,
    user: User,
    actor: Actor,
    match_ids: list[int] | None = None,
    programs: list[str] | None = None,
) -> int:
    """Turn the run's matches (all, the chosen ones, or those of the chosen programs) into
    ``proposed`` placements.

    A match whose applicant already has a placement under way, or whose vacancy has no slot
    left, is skipped (a later run may have been published first). Returns how many were made.
    """
    if run.status != "done":
        raise RunError("status", "only a finished run can be published", status=409)
    stmt = select(Match).where(Match.run_id == run.id, Match.placement_id.is_(None))  # type: ignore[union-attr]
    if match_ids:
        stmt = stmt.where(Match.id.in_(match_ids))  # type: ignore[union-attr]
    if programs:
        stmt = stmt.join(Vacancy, Vacancy.id == Match.vacancy_id).where(  # type: ignore[arg-type]
            Vacancy.program_code.in_(programs)  # type: ignore[attr-defined]
        )
    chosen = list(session.exec(stmt.order_by(Match.score.desc())))  # type: ignore[attr-defined]
    busy = placements.applicants_with_active_placement(session)
    taken = placements.active_counts_by_vacancy(session, list({m.vacancy_id for m in chosen}))
    positions = dict(
        session.exec(
            select(Vacancy.id, Vacancy.positions).where(
                Vacancy.id.in_({m.vacancy_id for m in chosen})  # type: ignore[union-attr]
            )
        ).all()
    )
    made = 0
    for m in chosen:
        if m.applicant_id in busy or taken.get(m.vacancy_id, 0) >= positions.get(m.vacancy_id, 0):
            continue
        placement = placements.propose(
            session, m.applicant_id, m.vacancy_id, run_id=run.id, user=user
        )
        m.placement_id = placement.id
        session.add(m)
        busy.add(m.applicant_id)
        taken[m.vacancy_id] = taken.get(m.vacancy_id, 0) + 1
        made += 1
    run.published_at, run.published_by_id = utcnow(), user.id
    session.add(run)
    record(session, actor, "matching_run.publish", "matching_run", run.id, placements=made)
    session.commit()
    return made


def placement_of_match(session: Session, match: Match) -> Placement | None:
    return session.get(Placement, match.placement_id) if match.placement_id else None
