"""DEMO ONLY — an illustrative placement history, so the progress pages have something to show.

Nothing here happened. A share of the demo applicants get one placement each on a demo
vacancy of the past twelve months (``DEMO-H-…``, closed), moved through the real states in
their order (proposed → offered → accepted → authorized → visa_issued → arrived → completed,
some withdrawn on the way, the most recent still under way), with visas issued in the months'
real proportions (US H-2 issuances to Guatemalans, Salvadorans and Hondurans,
``data/seasonality``). Rows are written in bulk, then the counted milestones are rebuilt
(``progress.rebuild``): the same state the placement service would have left.

Demo assumptions (not facts): the share of applicants with a history, the programs' mix, the
days between states, how many withdraw.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, func, select

from pathways.db import utcnow
from pathways.models import Applicant, Placement, PlacementEvent, Vacancy
from pathways.models.enums import ApplicantStatus
from pathways.reference.demo import demand_profile
from pathways.reference.seasonality import monthly_issuances
from pathways.services import progress
from pathways.services.audit import Actor, record

REF = "DEMO-H-"
SHARE = 0.06  # of the demo applicants (demo assumption)
FEWEST = 150  # people with a history however small the demo (at most half of them)
MONTHS = 12
# Programs a placement falls in (demo assumption, roughly the visas GT/SV/HN nationals get);
# MX-TVTF is for Guatemalans only (its nationality rule), SAWP for none of the three.
PROGRAM_MIX = {
    "US-H2A": 0.56, "US-H2B": 0.2, "CA-TFWP-AG": 0.08, "CA-TFWP-LOW": 0.05,
    "CA-TFWP-HIGH": 0.01, "MX-TVTF": 0.07, "MX-RT-WORK": 0.03,
}  # fmt: skip
STATES = ("proposed", "offered", "accepted", "authorized", "visa_issued", "arrived", "completed")
# Days from the visa to each state (the completion is the season's end, drawn per placement).
OFFSETS = (-45, -38, -33, -20, 0, 12)
WITHDRAWN_BEFORE_VISA = 0.08
WITHDRAWN_AFTER_VISA = 0.03


#: Builds one row of the vacancy template from a demand group (demo._vacancy_row).
RowMaker = Callable[[random.Random, Any, str, int], dict[str, str]]
#: Imports template rows for a destination country as its ministry would.
Importer = Callable[[str, list[dict[str, str]]], None]


def seed_history(
    session: Session,
    rng: random.Random,
    *,
    data_dir: Path,
    make_row: RowMaker,
    import_rows: Importer,
    officer_id: int | None,
    today: date | None = None,
) -> int:
    """Write the demo history once (a second call adds nothing); returns placements made."""
    done = session.exec(
        select(func.count()).select_from(Vacancy).where(Vacancy.external_ref.like(f"{REF}%"))  # type: ignore[union-attr]
    ).one()
    if done:
        return 0
    today = today or utcnow().date()
    people = session.exec(
        select(Applicant.id, Applicant.nationality)
        .where(Applicant.external_ref.like("DEMO-A-%"))  # type: ignore[union-attr]
        .where(Applicant.status == ApplicantStatus.active.value)
        .order_by(Applicant.id)  # type: ignore[arg-type]
    ).all()
    wanted = max(round(SHARE * len(people)), min(FEWEST, len(people) // 2))
    chosen = sorted(rng.sample(list(people), wanted), key=lambda p: p[0]) if wanted else []
    if not chosen:
        return 0
    months, weights = _visa_months(data_dir, today)
    plans = [_plan(rng, int(pid), nat, months, weights, today) for pid, nat in chosen]
    vacancies = _vacancies(session, rng, plans, make_row, import_rows, data_dir)
    now = datetime.now(UTC)
    rows = [
        {
            "applicant_id": p["applicant"],
            "vacancy_id": vacancies[p["vacancy_key"]],
            "program_code": p["program"],
            "status": p["events"][-1][0],
            "status_at": p["events"][-1][1],
            "created_by_id": officer_id,
            "created_at": p["events"][0][1],
        }
        for p in plans
    ]
    ids = session.execute(
        insert(Placement).returning(Placement.id, sort_by_parameter_order=True),  # type: ignore[arg-type]
        rows,
    ).scalars()
    events = []
    for placement_id, plan in zip(ids.all(), plans, strict=True):
        previous = None
        for state, at in plan["events"]:
            events.append({"placement_id": placement_id, "from_status": previous,
                           "to_status": state, "at": at, "recorded_at": min(at, now),
                           "actor_id": officer_id, "note": "demo history"})  # fmt: skip
            previous = state
    for start in range(0, len(events), 5000):
        session.execute(insert(PlacementEvent), events[start : start + 5000])
    record(session, Actor.system("seed-demo"), "demo.history", "placement", None,
           placements=len(plans), events=len(events))  # fmt: skip
    session.commit()
    progress.rebuild(session)
    return len(plans)


def _visa_months(data_dir: Path, today: date) -> tuple[list[date], list[float]]:
    """The first days of the last ``MONTHS`` months, weighted as visas are issued in them."""
    shares = [0.0] * 12
    for month, n in monthly_issuances(data_dir).items():
        shares[int(month[5:]) - 1] += n
    index = today.year * 12 + today.month - 1
    firsts = [date(m // 12, m % 12 + 1, 1) for m in range(index - MONTHS, index + 1)]
    return firsts, [shares[d.month - 1] for d in firsts]


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _plan(
    rng: random.Random,
    applicant: int,
    nationality: str,
    months: list[date],
    weights: list[float],
    today: date,
) -> dict[str, Any]:
    """One placement's states and dates, none after yesterday."""
    mix = {k: v for k, v in PROGRAM_MIX.items() if k != "MX-TVTF" or nationality == "GT"}
    program = rng.choices(list(mix), weights=list(mix.values()))[0]
    first = rng.choices(months, weights=weights)[0]
    last_day = (date(first.year + first.month // 12, first.month % 12 + 1, 1)) - timedelta(1)
    visa = first + timedelta(days=rng.randint(0, (last_day - first).days))
    season = rng.randint(120, 240)
    days = [visa + timedelta(days=o) for o in OFFSETS] + [visa + timedelta(days=12 + season)]
    limit = today - timedelta(days=1)
    reached = [s for s, d in zip(STATES, days, strict=True) if d <= limit]
    if not reached:  # the proposal itself is still to come: it was made yesterday
        reached, days[0] = ["proposed"], limit
    # Some withdraw: before the visa (after 1-4 states), or with the visa, before leaving.
    keep, withdraws = len(reached), False
    roll = rng.random()
    if roll < WITHDRAWN_BEFORE_VISA:
        keep, withdraws = min(keep, rng.randint(1, 4)), True
    elif roll < WITHDRAWN_BEFORE_VISA + WITHDRAWN_AFTER_VISA and keep >= 5:
        keep, withdraws = 5, True
    # On a day after the last state kept (days are in order), yesterday at the latest.
    withdrawn_at = min(days[keep], limit) if withdraws and keep < len(STATES) else None
    reached = reached[:keep]
    events = [(state, _noon(day)) for state, day in zip(reached, days, strict=False)]
    if withdrawn_at is not None:
        events.append(("withdrawn", _noon(withdrawn_at)))
    return {
        "applicant": applicant,
        "program": program,
        "events": events,
        "vacancy_key": (program, first),
        "season": (visa + timedelta(days=12), visa + timedelta(days=12 + season)),
    }


def _vacancies(
    session: Session,
    rng: random.Random,
    plans: list[dict[str, Any]],
    make_row: RowMaker,
    import_rows: Importer,
    data_dir: Path,
) -> dict[Any, int]:
    """One closed demo vacancy per program and month of the visas, sized to its people,
    imported like the other demo vacancies (the project's CSV template, the importer)."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for g in demand_profile(data_dir):
        groups[g.program].append(g)
    size: dict[Any, int] = defaultdict(int)
    season: dict[Any, tuple[date, date]] = {}
    for p in plans:
        size[p["vacancy_key"]] += 1
        start, end = season.get(p["vacancy_key"], p["season"])
        season[p["vacancy_key"]] = (min(start, p["season"][0]), max(end, p["season"][1]))
    keys = sorted(size, key=lambda k: (k[1], k[0]))
    refs = {key: f"{REF}{i:06d}" for i, key in enumerate(keys, start=1)}
    by_country: dict[str, list[dict[str, str]]] = defaultdict(list)
    for key in keys:
        program = key[0]
        row = make_row(rng, rng.choice(groups[program]), refs[key], season[key][0].year)
        row.update(
            positions=str(size[key]),
            start_date=season[key][0].isoformat(),
            end_date=season[key][1].isoformat(),
            status="closed",  # the season's workers were all recruited
        )
        by_country[program[:2]].append(row)
    for country, rows in sorted(by_country.items()):
        import_rows(country, rows)
    ids = dict(
        session.exec(
            select(Vacancy.external_ref, Vacancy.id).where(
                Vacancy.external_ref.in_(list(refs.values()))  # type: ignore[union-attr]
            )
        ).all()
    )
    return {key: ids[ref] for key, ref in refs.items()}
