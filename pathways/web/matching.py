"""Matching runs for officers and admins: start one, follow it while the worker runs it, read
its figures (placed, the max-flow bound, the greedy baseline, what changed since the previous
run, why slots stay empty and why people get no offer), the top matches, and publish them as
proposed placements."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import ValidationError

from pathways.auth import actor_for, role_required
from pathways.models import Applicant, MatchingRun, Vacancy
from pathways.models.enums import ORIGINS, PROGRAM_CODES
from pathways.requestctx import db_session
from pathways.schemas.matching import RunCreate
from pathways.services import matching_runs
from pathways.web import labels, messages, staff

bp = Blueprint("matching", __name__, url_prefix="/matching")
RUNNERS = ("officer", "admin")
MATCHES_PER_PAGE = 20
FLOOR_GROUPS = {"origin": ORIGINS, "sex": ("F", "M", "X")}


def _run(run_id: int) -> MatchingRun:
    run = db_session().get(MatchingRun, run_id)
    if run is None:
        abort(404)
    return run


@bp.get("/")
@role_required(*RUNNERS)
def runs():  # type: ignore[no-untyped-def]
    page = staff.page_arg()
    rows, total = matching_runs.list_runs(db_session(), page=page, per_page=staff.PER_PAGE)
    return render_template(
        "matching/runs.html",
        runs=[matching_runs.public(r) for r in rows],
        total=total,
        page=page,
        pages=staff.pages(total),
        programs=staff.program_names(),
        run_words=labels.RUN_STATUS,
        objective_words=labels.OBJECTIVE,
    )


def _floors(form: dict[str, Any], errors: dict[str, str]) -> dict[str, Any] | None:
    """The fairness floor of the form: shares typed as percentages, given as fractions."""
    by = form.get("floor_by", "")
    if by not in FLOOR_GROUPS:
        return None
    shares: dict[str, float] = {}
    for group in FLOOR_GROUPS[by]:
        text = (form.get(f"share_{group}") or "").strip().replace(",", ".")
        if not text:
            continue
        try:
            shares[group] = float(text) / 100
        except ValueError:
            errors[f"share_{group}"] = str(messages.pydantic_error({"type": "float_parsing"}))
    return {"by": by, "shares": shares}


def validate_run(
    form: dict[str, Any], chosen: list[str]
) -> tuple[RunCreate | None, dict[str, str]]:
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"programs": chosen, "objective": form.get("objective", "")}
    floors = _floors(form, errors)
    if floors is not None:
        body["floors"] = floors
    try:
        data = RunCreate.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            head = str(err["loc"][0]) if err["loc"] else "form"
            errors.setdefault(head, messages.pydantic_error(dict(err)))
        return None, errors
    return (None, errors) if errors else (data, errors)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*RUNNERS)
def new_run():  # type: ignore[no-untyped-def]
    who = staff.user()
    names = staff.program_names()
    form: dict[str, Any] = {"objective": "max_pathways", "floor_by": ""}
    chosen = list(names)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        chosen = [p for p in request.form.getlist("programs") if p]
        data, errors = validate_run(form, chosen)
        if not chosen:
            errors["programs"] = str(messages.pydantic_error({"type": "missing"}))
        if data is not None and not errors:
            options: dict[str, Any] = {"min_score": data.min_score}
            if data.floors is not None:
                options["floors"] = data.floors.model_dump()
            run = matching_runs.start_run(
                db_session(),
                program_codes=[str(p) for p in data.programs],
                objective=data.objective,
                options=options,
                user=who,
                actor=actor_for(who),
            )
            return redirect(url_for("matching.run", run_id=run.id))
    return render_template(
        "matching/new.html",
        programs=names,
        chosen=chosen,
        form=form,
        errors=errors,
        groups=FLOOR_GROUPS,
        sex_words=labels.SEX,
    ), 400 if errors else 200


def _matches(run: MatchingRun, page: int) -> tuple[list[dict[str, Any]], int]:
    session = db_session()
    rows, total = matching_runs.list_matches(
        session, run.id or 0, page=page, per_page=MATCHES_PER_PAGE
    )
    out = []
    for m in rows:
        person = session.get(Applicant, m.applicant_id)
        vacancy = session.get(Vacancy, m.vacancy_id)
        out.append(
            {
                "match": m,
                "person": person,
                "vacancy": vacancy,
                "parts": labels.score_parts(m.explanation),
            }
        )
    return out, total


def _by_program_table(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Slots, placed and empty slots by cause for each program of the run."""
    rows = []
    slots = stats.get("slots_by_program") or {}
    order = list(staff.program_names())
    for code in sorted(slots, key=lambda c: order.index(c) if c in order else len(order)):
        empty = (stats.get("empty_by_program") or {}).get(code, {})
        rows.append(
            {
                "program": code,
                "slots": slots.get(code, 0),
                "placed": (stats.get("by_program") or {}).get(code, 0),
                "empty": empty,
            }
        )
    return rows


@bp.get("/<int:run_id>")
@role_required(*RUNNERS)
def run(run_id: int):  # type: ignore[no-untyped-def]
    current = _run(run_id)
    data = matching_runs.public(current)
    context: dict[str, Any] = {}
    if current.status == "done":
        page = staff.page_arg()
        before = matching_runs.previous_done(db_session(), current)
        matches, total = _matches(current, page)
        stats = current.stats or {}
        context = {
            "stats": stats,
            "before": before,
            "comparison": matching_runs.compare(current, before),
            "by_program": _by_program_table(stats),
            "empty_causes": [
                c for c in labels.EMPTY_CAUSE if c in (stats.get("empty_slots") or {})
            ],
            "unmatched_causes": [
                c for c in labels.UNMATCHED_CAUSE if c in (stats.get("unmatched") or {})
            ],
            "origins": sorted(
                set(stats.get("by_origin") or {}) | set(stats.get("unmatched_by_origin") or {})
            ),
            "destination_names": {c: staff.country_name(c) for c in ("US", "CA", "MX")},
            "origin_names": {c: staff.country_name(c) for c in ORIGINS},
            "matches": matches,
            "matches_total": total,
            "page": page,
            "pages": staff.pages(total, MATCHES_PER_PAGE),
        }
    return render_template(
        "matching/run.html",
        run=data,
        programs=staff.program_names(),
        run_words=labels.RUN_STATUS,
        stage_words=labels.RUN_STAGE,
        objective_words=labels.OBJECTIVE,
        empty_words=labels.EMPTY_CAUSE,
        unmatched_words=labels.UNMATCHED_CAUSE,
        sex_words=labels.SEX,
        **context,
    )


@bp.get("/<int:run_id>.json")
@role_required(*RUNNERS)
def run_progress(run_id: int):  # type: ignore[no-untyped-def]
    current = _run(run_id)
    return jsonify(
        status=current.status,
        stage=current.stage,
        stage_text=labels.word(labels.RUN_STAGE, current.stage),
        progress=round(current.progress or 0.0, 3),
    )


@bp.route("/<int:run_id>/publish", methods=["GET", "POST"])
@role_required(*RUNNERS)
def publish(run_id: int):  # type: ignore[no-untyped-def]
    """GET asks for confirmation (placements are proposed to people); POST publishes."""
    who = staff.user()
    current = _run(run_id)
    if request.method == "GET" or current.status != "done":
        return render_template(
            "matching/publish.html",
            run=matching_runs.public(current),
            programs=staff.program_names(),
        )
    chosen = [p for p in request.form.getlist("programs") if p in PROGRAM_CODES]
    ticked = [int(m) for m in request.form.getlist("match_ids") if m.isdigit()]
    if request.form.get("choice") == "programs" and not chosen:
        flash(_("Choose at least one program to publish."), "error")
        return redirect(url_for("matching.publish", run_id=run_id))
    if request.form.get("choice") == "ticked" and not ticked:
        flash(_("Tick the matches to publish first."), "error")
        return redirect(url_for("matching.run", run_id=run_id) + "#matches")
    try:
        made = matching_runs.publish(
            db_session(),
            current,
            user=who,
            actor=actor_for(who),
            match_ids=ticked or None,
            programs=chosen or None,
        )
    except matching_runs.RunError as exc:
        db_session().rollback()
        flash(messages.service_problem(None, None, exc.message), "error")
        return redirect(url_for("matching.run", run_id=run_id))
    flash(
        ngettext(
            "%(num)s proposed placement was created.",
            "%(num)s proposed placements were created.",
            made,
        ),
        "info",
    )
    return redirect(url_for("matching.run", run_id=run_id))
