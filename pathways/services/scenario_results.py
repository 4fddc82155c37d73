"""Reading what-if results: a scenario beside its baseline, and several scenarios side by side.

The figures are stored as computed (``Scenario.results``); the side-by-side views are made
here on reading, so the API, the pages and any export show the same numbers.
"""

from __future__ import annotations

from typing import Any

from pathways.models import Scenario
from pathways.models.enums import PROGRAM_CODES

GROUPS = ("by_program", "by_destination", "by_origin")
DESTINATION_ORDER = ("US", "CA", "MX")


def _order(group: str, keys: set[str]) -> list[str]:
    known = PROGRAM_CODES if group == "by_program" else DESTINATION_ORDER
    return sorted(keys, key=lambda k: (known.index(k) if k in known else len(known), k))


def _row(before: int | None, after: int | None) -> dict[str, int | None]:
    if before is None or after is None:
        return {"baseline": before, "scenario": after, "change": None}
    return {"baseline": before, "scenario": after, "change": after - before}


def side_by_side(results: dict[str, Any]) -> dict[str, Any] | None:
    """Baseline, scenario and change: totals, by program / destination / origin (people
    placed, and slots by program), and the empty-slot and no-offer causes that moved."""
    base, scen = results.get("baseline"), results.get("scenario")
    if not base or not scen:
        return None
    out: dict[str, Any] = {
        key: _row(base.get(key), scen.get(key))
        for key in ("matched", "from_target_origins", "applicants", "slots", "vacancies")
    }
    programs = {*base.get("slots_by_program", {}), *scen.get("slots_by_program", {})}
    for group in (*GROUPS, "slots_by_program"):
        before, after = base.get(group, {}), scen.get(group, {})
        # Programs with places but nobody placed show too: that is where a change shows.
        keys = {*before, *after} | (programs if group == "by_program" else set())
        order = _order("by_program" if group == "slots_by_program" else group, keys)
        out[group] = {k: _row(before.get(k, 0), after.get(k, 0)) for k in order}
    causes = []
    before_empty, after_empty = base.get("empty_by_program", {}), scen.get("empty_by_program", {})
    for program in _order("by_program", {*before_empty, *after_empty}):
        b, a = before_empty.get(program, {}), after_empty.get(program, {})
        for cause in sorted({*b, *a}):
            if b.get(cause, 0) != a.get(cause, 0):
                causes.append(
                    {"program": program, "cause": cause, **_row(b.get(cause, 0), a.get(cause, 0))}
                )
    out["empty_causes_changed"] = causes
    waiting = []
    before_un, after_un = base.get("unmatched_by_origin", {}), scen.get("unmatched_by_origin", {})
    for origin in sorted({*before_un, *after_un}):
        b, a = before_un.get(origin, {}), after_un.get(origin, {})
        for cause in sorted({*b, *a}):
            if b.get(cause, 0) != a.get(cause, 0):
                waiting.append(
                    {"origin": origin, "cause": cause, **_row(b.get(cause, 0), a.get(cause, 0))}
                )
    out["unmatched_causes_changed"] = waiting
    return out


def public(scenario: Scenario) -> dict[str, Any]:
    """A scenario as the API shows it (the stored baseline placement stays inside)."""
    results = scenario.results or {}
    return {
        "id": scenario.id,
        "name": scenario.name,
        "changes": scenario.changes,
        "status": scenario.status,
        "progress": round(scenario.progress or 0.0, 3),
        "stage": scenario.stage,
        "error": scenario.error,
        "as_of": scenario.as_of,
        "state_fingerprint": scenario.state_fingerprint,
        "created_at": scenario.created_at,
        "finished_at": scenario.finished_at,
        "results": results,
        "comparison": side_by_side(results) if scenario.status == "done" else None,
    }


def compare(scenarios: list[Scenario]) -> dict[str, Any]:
    """Several scenarios side by side: each one's figures and change against its baseline,
    row by row; ``same_state`` says whether they were all computed on the same state (then
    their baselines are one and the same, and their figures compare like with like)."""
    done = [s for s in scenarios if s.status == "done" and s.results]
    fingerprints = {s.state_fingerprint for s in done}
    items = []
    for s in scenarios:
        items.append(
            {
                "id": s.id,
                "name": s.name,
                "status": s.status,
                "as_of": s.as_of,
                "state_fingerprint": s.state_fingerprint,
                "changes": s.changes,
                "comparison": side_by_side(s.results or {}) if s in done else None,
            }
        )
    rows: dict[str, Any] = {}
    for key in ("matched", "from_target_origins"):
        rows[key] = [item["comparison"][key] if item["comparison"] else None for item in items]
    for group in GROUPS:
        keys: set[str] = set()
        for item in items:
            if item["comparison"]:
                keys |= set(item["comparison"][group])
        rows[group] = {
            k: [
                (item["comparison"][group].get(k) or _row(0, 0)) if item["comparison"] else None
                for item in items
            ]
            for k in _order(group, keys)
        }
    return {
        "items": items,
        "same_state": len(done) == len(scenarios) and len(fingerprints) == 1,
        "rows": rows,
    }
