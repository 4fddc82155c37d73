"""Placement pages for officers and ministries: the list with its filters, a whole crew moved
at once, one placement with its audit trail and its next step.

A destination ministry moves the placements on its country's vacancies; an origin ministry
follows those of its nationals (read only); officers and admins do both everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from pathways.auth import actor_for, current_principal, role_required
from pathways.models import User
from pathways.requestctx import db_session
from pathways.services import offers, placements
from pathways.services.placements import PlacementError, PlacementView
from pathways.services.programs import PROGRAM_ORDER

bp = Blueprint("placements", __name__, url_prefix="/placements")
STAFF = ("officer", "admin", "ministry")
PER_PAGE = 50

#: Placement states as staff read them.
STATE_NAMES = {
    "proposed": _l("Proposed"),
    "offered": _l("Offered"),
    "accepted": _l("Accepted"),
    "authorized": _l("Authorized"),
    "visa_issued": _l("Visa issued"),
    "arrived": _l("Arrived"),
    "completed": _l("Completed"),
    "withdrawn": _l("Withdrawn"),
}


def _user() -> User:
    user = current_principal()
    assert user is not None
    return user


def _state_words(value: str) -> str:
    return ", ".join(str(STATE_NAMES.get(s.strip(), s.strip())) for s in value.split(","))


def problem_text(exc: PlacementError) -> list[str]:
    """The error and each cap pool's reason, in the page's language."""
    params = {
        k: _state_words(v) if k in ("state", "to", "next") and isinstance(v, str) else v
        for k, v in exc.params.items()
    }
    lang = str(get_locale() or "es")[:2]
    lines = [gettext(exc.template, **params) if params else gettext(exc.template)]
    for refusal in exc.refusals:
        reason = (
            gettext(refusal.reason, **refusal.params) if refusal.params else gettext(refusal.reason)
        )
        lines.append(f"{refusal.label.get(lang)}: {reason}")
    return lines


def _person(view: PlacementView, user: User) -> str:
    """A destination ministry sees the name once the person accepted; others always."""
    named = view.placement.status in offers.NAMED_FROM or not (
        user.role == "ministry" and user.country == view.vacancy.worksite_country
    )
    return view.applicant.name if named else f"#{view.placement.id:06d}"


def _rows(views: list[PlacementView], user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": v.placement.id,
            "person": _person(v, user),
            "nationality": v.applicant.nationality,
            "vacancy": v.vacancy,
            "program": v.placement.program_code,
            "status": v.placement.status,
            "since": v.placement.status_at,
            "movable": placements.can_move(user, v.vacancy),
        }
        for v in views
    ]


def _filters() -> dict[str, Any]:
    status = request.args.get("status") or None
    program = request.args.get("program") or None
    return {
        "status": status if status in STATE_NAMES else None,
        "program": program if program in PROGRAM_ORDER else None,
        "vacancy_id": request.args.get("vacancy_id", type=int),
        "run_id": request.args.get("run_id", type=int),
    }


def _list_page(errors: list[tuple[int, list[str]]] | None = None, status_code: int = 200):  # type: ignore[no-untyped-def]
    user = _user()
    filters = _filters()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    views, total = placements.list_visible(
        db_session(), user, page=page, per_page=PER_PAGE, **filters
    )
    rows = _rows(views, user)
    return (
        render_template(
            "placements/list.html",
            rows=rows,
            total=total,
            page=page,
            per_page=PER_PAGE,
            filters={k: v for k, v in filters.items() if v is not None},
            counts=placements.status_counts(db_session(), user),
            states=STATE_NAMES,
            programs=PROGRAM_ORDER,
            can_move_any=any(r["movable"] for r in rows),
            targets=[s for s in STATE_NAMES if s != "proposed"],
            errors=errors or [],
            today=date.today().isoformat(),
        ),
        status_code,
    )


@bp.get("")
@role_required(*STAFF)
def placements_list():  # type: ignore[no-untyped-def]
    return _list_page()


def _moment() -> date | None:
    raw = (request.form.get("at") or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PlacementError(
            "at", "is not a date (write it as year-month-day, e.g. 2027-03-01)", status=422
        ) from None


@bp.post("/move")
@role_required(*STAFF)
def move_many():  # type: ignore[no-untyped-def]
    """Move the ticked placements together (a whole crew): all of them or none."""
    user = _user()
    ids = [int(x) for x in request.form.getlist("ids") if x.isdigit()]
    to = request.form.get("to", "")
    if not ids:
        flash(gettext("Tick the placements to move first."), "error")
        return redirect(url_for("placements.placements_list", **request.args))
    try:
        moved = placements.transition_many(
            db_session(),
            user,
            ids,
            to,
            at=_moment(),
            note=(request.form.get("note") or "").strip()[:500] or None,
            actor=actor_for(user),
        )
    except placements.BulkError as exc:
        errors = [(f.placement_id, problem_text(f.error)) for f in exc.failures]
        flash(gettext("Nothing was moved: %(n)s of them cannot be.", n=len(errors)), "error")
        return _list_page(errors, 409 if exc.status == 409 else 422)
    except PlacementError as exc:
        flash(" ".join(problem_text(exc)), "error")
        return _list_page(status_code=exc.status)
    flash(
        gettext(
            "%(n)s placements moved to “%(state)s”.", n=len(moved), state=STATE_NAMES.get(to, to)
        ),
        "info",
    )
    return redirect(url_for("placements.placements_list", **request.args))


def _detail(view: PlacementView, user: User, problem: list[str] | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    session = db_session()
    return (
        render_template(
            "placements/detail.html",
            view=view,
            person=_person(view, user),
            history=placements.history_with_actors(session, view.placement),
            next_states=placements.allowed_next(view.placement.status),
            movable=placements.can_move(user, view.vacancy),
            states=STATE_NAMES,
            problem=problem or [],
            today=date.today().isoformat(),
        ),
        code,
    )


@bp.get("/<int:placement_id>")
@role_required(*STAFF)
def placement_detail(placement_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    try:
        view = placements.get_visible(db_session(), user, placement_id)
    except PlacementError:
        abort(404)
    return _detail(view, user)


@bp.post("/<int:placement_id>/move")
@role_required(*STAFF)
def placement_move(placement_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    session = db_session()
    try:
        view = placements.get_visible(session, user, placement_id)
    except PlacementError:
        abort(404)
    to = request.form.get("to", "")
    try:
        placements.move_one(
            session,
            user,
            placement_id,
            to,
            at=_moment(),
            note=(request.form.get("note") or "").strip()[:500] or None,
            actor=actor_for(user),
        )
    except PlacementError as exc:
        if exc.status == 403:
            abort(403)
        view = placements.get_visible(session, user, placement_id)
        return _detail(view, user, problem_text(exc), exc.status)
    flash(gettext("The placement is now “%(state)s”.", state=STATE_NAMES.get(to, to)), "info")
    return redirect(url_for("placements.placement_detail", placement_id=placement_id))
