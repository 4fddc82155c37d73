"""Program officers' policy what-if pages: compose a scenario, follow it, read it beside the
baseline, compare several."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from pathways.auth import actor_for, current_principal, role_required
from pathways.models import Scenario
from pathways.requestctx import db_session
from pathways.schemas.codes import country_names
from pathways.services import scenario_changes, scenario_results, scenarios
from pathways.services.scenario_changes import ChangesRefused
from pathways.web import scenario_forms
from pathways.web.scenario_charts import paired_bars

bp = Blueprint("scenarios", __name__, url_prefix="/scenarios")
PER_PAGE = 25
RUNNERS = ("officer", "admin")

#: Why a slot stays empty or a person has no offer, in plain words.
CAUSES = {
    "offer_rules": _l("the offer does not meet the program's rules"),
    "rules": _l("nobody may go under the program's rules (for example, their nationality)"),
    "occupation": _l("nobody has that work experience"),
    "destination": _l("nobody wants to go to that country"),
    "dates": _l("nobody is available for the season"),
    "requirements": _l("nobody has a required language or licence"),
    "supply": _l("fewer candidates than slots"),
    "cap": _l("the program's visas ran out"),
    "competition": _l("the jobs they could take went to others"),
}
STAGES = {
    "queued": _l("waiting for a worker"),
    "loading": _l("reading the current state"),
    "baseline_candidates": _l("finding who could take each job"),
    "baseline_placement": _l("placing people as things are"),
    "scenario_candidates": _l("applying the changes"),
    "scenario_placement": _l("placing people with the changes"),
    "done": _l("finished"),
    "failed": _l("failed"),
}


def _lang() -> str:
    return str(get_locale() or "es")


def _scenario(scenario_id: int) -> Scenario:
    row = db_session().get(Scenario, scenario_id)
    if row is None:
        abort(404)
    return row


def _labels() -> dict[str, Any]:
    """What templates need to say codes in plain words, in the page's language."""
    lang = _lang()
    session = db_session()
    return {
        "program_names": dict(scenario_changes.program_choices(session, lang)),
        "occupation_names": dict(scenario_changes.occupation_choices(session, lang)),
        "countries": country_names(lang),
        "causes": CAUSES,
        "stages": STAGES,
    }


@bp.get("/")
@role_required(*RUNNERS)
def index():  # type: ignore[no-untyped-def]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = scenarios.list_scenarios(db_session(), page=page, per_page=PER_PAGE)
    return render_template(
        "scenarios/list.html",
        rows=[scenario_results.public(r) for r in rows],
        running=any(r.status in ("queued", "running") for r in rows),
        total=total,
        page=page,
        per_page=PER_PAGE,
        **_labels(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*RUNNERS)
def new():  # type: ignore[no-untyped-def]
    form: Any = request.form if request.method == "POST" else MultiDict()
    errors: dict[str, str] = {}
    if request.method == "POST":
        checked, body, errors = scenario_forms.validate(request.form)
        if checked is not None:
            user = current_principal()
            try:
                row = scenarios.create_scenario(
                    db_session(),
                    name=checked.name,
                    changes=[c.model_dump(mode="json") for c in checked.changes],
                    user=user,  # type: ignore[arg-type]
                    actor=actor_for(user),
                )
            except ChangesRefused as exc:
                db_session().rollback()
                errors = scenario_forms.refused(exc, body)
            else:
                flash(_("The scenario was saved: it is being computed."), "info")
                return redirect(url_for("scenarios.show", scenario_id=row.id))
    lang = _lang()
    session = db_session()
    return render_template(
        "scenarios/new.html",
        form=form,
        errors=errors,
        programs=scenario_changes.program_choices(session, lang),
        occupations=scenario_changes.occupation_choices(session, lang),
        origins=scenario_forms.ORIGINS,
        countries=country_names(lang),
    ), (400 if errors else 200)


@bp.get("/<int:scenario_id>")
@role_required(*RUNNERS)
def show(scenario_id: int):  # type: ignore[no-untyped-def]
    item = scenario_results.public(_scenario(scenario_id))
    chart = None
    if item["comparison"]:
        chart = paired_bars(
            [
                (code, int(row["baseline"]), int(row["scenario"]))
                for code, row in item["comparison"]["by_program"].items()
            ]
        )
    return render_template(
        "scenarios/show.html", s=item, lang=_lang(), program_chart=chart, **_labels()
    )


@bp.get("/<int:scenario_id>.json")
@role_required(*RUNNERS)
def progress(scenario_id: int):  # type: ignore[no-untyped-def]
    row = _scenario(scenario_id)
    return jsonify(
        status=row.status,
        progress=round(row.progress or 0.0, 3),
        stage=str(STAGES.get(row.stage, row.stage)),
    )


@bp.get("/compare")
@role_required(*RUNNERS)
def compare():  # type: ignore[no-untyped-def]
    ids = list(dict.fromkeys(request.args.getlist("ids", type=int)))[:10]
    if len(ids) < 2:
        flash(_("Choose at least two scenarios to compare."), "error")
        return redirect(url_for("scenarios.index"))
    found, missing = scenarios.get_many(db_session(), ids)
    if missing:
        abort(404)
    return render_template(
        "scenarios/compare.html", cmp=scenario_results.compare(found), **_labels()
    )
