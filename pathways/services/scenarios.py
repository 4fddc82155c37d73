"""Policy what-if scenarios: save one, run it in the worker, read and compare the results.

An officer picks changes (open a program to more nationalities, more H-2B visas, more
vacancies, more people with an occupation). The worker loads the current state once — the
same state a matching run reads — computes the baseline round and the scenario round in
memory (see :mod:`matching.whatif`: the scenario shares the baseline's candidates and starts
from its placement) and stores both sets of figures. The live data never changes: no match,
placement, vacancy, applicant or rule is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, func, select

from matching.candidates import build_candidates
from matching.rounds import RoundResult, run_round
from matching.whatif import extend_candidates, without_pairs
from pathways import jobs
from pathways.db import utcnow
from pathways.models import Job, Scenario, User
from pathways.models.enums import PROGRAM_CODES
from pathways.services import matching_runs, occupations, scenario_changes, scenario_state
from pathways.services.audit import Actor, record
from pathways.services.scenario_changes import H2B, ScenarioState
from pathways.settings import Settings

log = logging.getLogger("pathways.scenarios")
JOB_KIND = "policy_scenario"
Progress = Callable[[float, str], None]


def create_scenario(
    session: Session, *, name: str, changes: list[dict[str, Any]], user: User, actor: Actor
) -> Scenario:
    """Check the changes and queue the scenario (the worker computes it); nothing is recorded
    when a change is refused (:class:`~pathways.services.scenario_changes.ChangesRefused`)."""
    scenario_changes.check_changes(session, changes, as_of=date.today())
    scenario = Scenario(name=name, changes=changes, created_by_id=user.id)
    session.add(scenario)
    session.flush()
    job = jobs.enqueue(session, JOB_KIND, {"scenario_id": scenario.id})
    scenario.job_id = job.id
    session.add(scenario)
    record(
        session,
        actor,
        "scenario.create",
        "scenario",
        scenario.id,
        changes=[c["type"] for c in changes],
    )
    session.commit()
    return scenario


def list_scenarios(
    session: Session, *, page: int = 1, per_page: int = 20
) -> tuple[list[Scenario], int]:
    total = session.exec(select(func.count()).select_from(Scenario)).one()
    rows = session.exec(
        select(Scenario)
        .order_by(Scenario.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def get_many(session: Session, ids: list[int]) -> tuple[list[Scenario], list[int]]:
    """The scenarios of ``ids`` in that order, and the ids that do not exist."""
    found = {s.id: s for s in session.exec(select(Scenario).where(Scenario.id.in_(ids)))}  # type: ignore[union-attr]
    return [found[i] for i in ids if i in found], [i for i in ids if i not in found]


# ---------------------------------------------------------------------------------------------
# Running a scenario


def _placement(result: RoundResult, n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    for m in result.matches:
        out[m.applicant] = m.vacancy
    return out


def figures(
    result: RoundResult,
    *,
    origin_of: list[str],
    program_of: list[str],
    destination_of: list[str],
    slots_of: list[int],
    origins: tuple[str, ...],
    program_caps: dict[str, int],
) -> dict[str, Any]:
    """What one side of a what-if reports: people placed (and from the target origins), by
    program, destination and origin, and why slots stay empty and people go without."""
    out = matching_runs.breakdowns(
        result,
        origin_of=origin_of,
        program_of=program_of,
        destination_of=destination_of,
        slots_of=slots_of,
    )
    out.pop("floors", None)
    out.update(
        matched=int(result.stats["matched"]),
        from_target_origins=sum(n for o, n in out["by_origin"].items() if o in origins),
        applicants=len(origin_of),
        vacancies=len(program_of),
        slots=int(sum(slots_of)),
        candidate_pairs=int(result.stats["candidate_pairs"]),
        program_caps=dict(program_caps),
    )
    return out


def _honour_reservation(
    state: ScenarioState,
    candidates: Any,
    start: np.ndarray,
    relaxed: RoundResult,
    baseline: np.ndarray,
    round_args: dict[str, Any],
) -> tuple[RoundResult, dict[str, Any]]:
    """Visas reserved for some nationalities, when others apply too.

    The relaxed round lets everyone use them: an upper bound. When it gives people of other
    nationalities more H-2B places than the visas left before the supplement, the scenario
    is solved again with those people kept to the H-2B places they had in the baseline
    (fewer than that number): a placement that honours the reservation, so a lower bound.
    """
    assert state.reserved is not None
    amount, reserved = state.reserved
    general = state.program_caps[H2B] - amount
    h2b = np.array([p == H2B for p in state.program_of], dtype=bool)
    others = np.array([o not in reserved for o in state.origin_of], dtype=bool)
    used = sum(1 for m in relaxed.matches if h2b[m.vacancy] and others[m.applicant])
    if used <= general:
        return relaxed, {"kind": "reservation", "exact": True}
    was_h2b = np.zeros(len(state.origin_of), dtype=bool)
    placed = np.flatnonzero(baseline >= 0)
    was_h2b[placed] = h2b[baseline[placed]]
    kept = without_pairs(candidates, others & ~was_h2b, h2b)
    lower = run_round(candidates=kept, start=start, **round_args)
    return lower, {
        "kind": "reservation",
        "exact": False,
        "lower": int(lower.stats["matched"]),
        "upper": int(relaxed.stats["matched"]),
    }


def execute(
    session: Session,
    scenario: Scenario,
    *,
    settings: Settings,
    progress: Progress | None = None,
    as_of: date | None = None,
) -> Scenario:
    """Compute the baseline and the scenario on a copy of the current state; store both."""
    report = progress or (lambda _f, _s: None)
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    as_of = as_of or date.today()
    origins = tuple(settings.origins)
    report(0.02, "loading")
    inputs = matching_runs.load_inputs(session, list(PROGRAM_CODES), as_of)
    fingerprint = scenario_state.fingerprint(session, as_of)
    cached = scenario_state.cached_baseline(session, fingerprint, scenario.id)
    cached_id, cached_blob = (cached.id, cached.baseline_placement) if cached else (None, None)
    cached_figures = (cached.results or {}).get("baseline") if cached else None
    state = scenario_changes.apply_changes(
        inputs,
        scenario.changes,
        as_of=as_of,
        data_dir=settings.data_dir,
        resolver=lambda: occupations.get_resolver(session),
    )
    session.commit()  # no transaction stays open while the rounds run
    timings["loading"] = time.perf_counter() - clock

    step = time.perf_counter()
    report(0.1, "baseline_candidates")
    base_candidates = build_candidates(
        inputs.applicants, inputs.vacancies, inputs.catalog, families=inputs.families
    )
    timings["baseline_candidates"] = time.perf_counter() - step
    baseline_args = {
        "origin_of": [p.nationality for p in inputs.people],
        "program_of": [v.program_code for v in inputs.vacancy_rows],
        "destination_of": [v.worksite_country for v in inputs.vacancy_rows],
        "slots_of": [v.slots for v in inputs.vacancies],
        "origins": origins,
        "program_caps": inputs.program_caps,
    }
    baseline = None
    if cached_blob and cached_figures:
        baseline = scenario_state.unpack(cached_blob, inputs)
    if baseline is not None and not scenario_state.fits(baseline, base_candidates, inputs):
        baseline = None
    base_figures = cached_figures if baseline is not None else None
    step = time.perf_counter()
    if baseline is None:
        cached_id = None
        report(0.45, "baseline_placement")
        base = run_round(
            inputs.applicants,
            inputs.vacancies,
            inputs.catalog,
            families=inputs.families,
            program_caps=inputs.program_caps,
            candidates=base_candidates,
            with_greedy=False,
        )
        baseline = _placement(base, len(inputs.applicants))
        base_figures = figures(base, **baseline_args)
    timings["baseline_placement"] = time.perf_counter() - step

    step = time.perf_counter()
    report(0.65, "scenario_candidates")
    candidates = extend_candidates(
        base_candidates,
        state.applicants,
        state.vacancies,
        state.catalog,
        families=inputs.families,
        changed_programs=state.changed_programs,
    )
    del base_candidates
    timings["scenario_candidates"] = time.perf_counter() - step
    step = time.perf_counter()
    report(0.85, "scenario_placement")
    start = np.concatenate(
        [baseline, np.full(len(state.applicants) - len(baseline), -1, dtype=np.int64)]
    )
    round_args: dict[str, Any] = {
        "applicants": state.applicants,
        "vacancies": state.vacancies,
        "programs": state.catalog,
        "families": inputs.families,
        "program_caps": state.program_caps,
        "with_greedy": False,
    }
    result = run_round(candidates=candidates, start=start, **round_args)
    notes = list(state.notes)
    if state.reserved is not None:
        result, note = _honour_reservation(state, candidates, start, result, baseline, round_args)
        notes.append(note)
    timings["scenario_placement"] = time.perf_counter() - step
    scenario_figures = figures(
        result,
        origin_of=state.origin_of,
        program_of=state.program_of,
        destination_of=state.destination_of,
        slots_of=[v.slots for v in state.vacancies],
        origins=origins,
        program_caps=state.program_caps,
    )
    scenario.results = {
        "as_of": as_of.isoformat(),
        "target_origins": list(origins),
        "baseline": base_figures,
        "scenario": scenario_figures,
        "notes": notes,
        "baseline_from": cached_id,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(time.perf_counter() - clock, 3),
    }
    scenario.state_fingerprint, scenario.as_of = fingerprint, as_of
    if cached_id is None:
        scenario.baseline_placement = scenario_state.pack(baseline, inputs)
    scenario.status, scenario.stage, scenario.progress = "done", "done", 1.0
    scenario.finished_at = utcnow()
    session.add(scenario)
    session.commit()
    return scenario


def run_queued_scenario(session: Session, job: Job, progress: Any, settings: Any) -> None:
    """The worker's handler for ``policy_scenario`` jobs (``settings``: the worker's; the
    target origins and the data folder come from them)."""
    scenario = session.get(Scenario, job.payload["scenario_id"])
    if scenario is None:
        raise LookupError(f"scenario {job.payload.get('scenario_id')} does not exist")
    scenario.status, scenario.started_at, scenario.stage = "running", utcnow(), "loading"
    scenario.progress, scenario.error = 0.0, None
    session.add(scenario)
    session.commit()
    scenario_id = scenario.id

    def report(fraction: float, stage: str) -> None:
        progress(int(fraction * 100), 100)
        with Session(session.get_bind()) as side:  # its own short transaction: pages follow
            side.exec(
                update(Scenario)
                .where(Scenario.id == scenario_id)  # type: ignore[call-overload]
                .values(progress=fraction, stage=stage)
            )
            side.commit()

    try:
        if settings is None:
            raise ValueError("a what-if needs the worker's settings (origins, data folder)")
        execute(session, scenario, settings=settings, progress=report)
    except Exception as exc:
        session.rollback()
        failed = session.get(Scenario, scenario_id)
        assert failed is not None
        failed.status, failed.stage, failed.finished_at = "failed", "failed", utcnow()
        failed.error = f"{type(exc).__name__}: {exc}"[:2000]
        session.add(failed)
        session.commit()
        raise
    log.info("scenario %s done", scenario_id)
