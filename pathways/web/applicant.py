"""The applicant's own pages: register, check what we understood of their work, read and change
their profile, see their options and offers, and decide about their consent and their data.

Each page acts only on the signed-in person's own record (``applicants.own_record``): there is
no applicant id in any URL, so nobody can open another person's page; offers are answered
through ``offers.respond``, which refuses a placement of someone else with a 404.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from pathways.auth import actor_for, current_principal, role_required
from pathways.extensions import limiter
from pathways.models import Applicant, User
from pathways.requestctx import db_session, settings
from pathways.schemas.codes import country_names
from pathways.services import applicants, eligibility, occupations, offers, placements, programs
from pathways.services.accounts import MIN_PASSWORD_LENGTH
from pathways.services.applicants import CONSENT_VERSION, ApplicantError
from pathways.web import applicant_display as display
from pathways.web import applicant_forms as forms
from pathways.web import applicant_input as checks
from pathways.web.consent import consent_text

bp = Blueprint("applicant", __name__)
#: How many other occupations the "did we understand?" page offers for each job.
ALTERNATIVES = 3


def _lang() -> str:
    return str(get_locale() or "es")


def _cache() -> float:
    return settings().catalog_cache_seconds


def _resolver() -> Any:
    return occupations.get_resolver(db_session(), max_age=_cache())


def _program_names(lang: str) -> dict[str, str]:
    return {p.code: p.name.get(lang) for p in programs.get_catalog(db_session(), max_age=_cache())}


def _user() -> User:
    user = current_principal()
    assert user is not None
    return user


def _own() -> Applicant | None:
    return applicants.own_record(db_session(), _user())


def _no_record() -> Any:
    """An account without a registration yet (e.g. made by an administrator)."""
    return render_template("applicant/no_record.html")


def _rate_limit() -> str:
    return settings().eligibility_rate_limit


# ---------------------------------------------------------------------------------------------
# Registration


@bp.route("/registro", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def register():  # type: ignore[no-untyped-def]
    user = current_principal()
    if user is not None:
        if user.role != "applicant":
            abort(403)
        if applicants.own_record(db_session(), user) is not None:
            return redirect(url_for("applicant.profile"))
    lang = _lang()
    form = forms.make_registration_form(lang, _program_names(lang))
    status = 200
    if request.method == "POST":
        status = 400
        data = checks.registration_body(form, lang, account=user is None)
        if data is not None:
            try:
                if user is None:
                    user, _row = applicants.register_self(
                        db_session(),
                        data,
                        email=form.email.data or "",
                        password=form.password.data or "",
                        resolver=_resolver(),
                    )
                    login_user(user)
                else:
                    applicants.register(
                        db_session(), data, actor=actor_for(user), user=user, resolver=_resolver()
                    )
            except ApplicantError as exc:
                if exc.field == "principal" and exc.status == 409:  # registered meanwhile
                    return redirect(url_for("applicant.profile"))
                checks.service_error(form, exc)
            else:
                if not data.experience:
                    flash(_("Thank you. Your profile is ready."), "info")
                    return redirect(url_for("applicant.profile"))
                flash(_("Your registration is saved. Please check what we understood."), "info")
                return redirect(url_for("applicant.confirm_jobs"))
    response = make_response(
        render_template(
            "applicant/register.html",
            form=form,
            account=user is None,
            problems=checks.problems(form),
            consent=consent_text(lang),
            consent_version=CONSENT_VERSION,
            min_password=MIN_PASSWORD_LENGTH,
        ),
        status,
    )
    # What was typed (the password too) is sent back on an error: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# "Did we understand?": the occupation of each job


def _choices(row: Applicant, public: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    resolver = _resolver()
    jobs = []
    for index, job in enumerate(public["experience"]):
        current = job["isco08"]
        options = [] if not current else [(current, job["occupation"] or current)]
        found = resolver.resolve(job["title"], lang=row.preferred_lang, limit=ALTERNATIVES + 1)
        for candidate in found:
            if candidate.isco08 != current and len(options) < ALTERNATIVES + bool(current):
                options.append((candidate.isco08, candidate.to_dict(lang)["title"]))
        jobs.append({"index": index, "job": job, "options": options, "current": current})
    return jobs


@bp.route("/mi-perfil/trabajos", methods=["GET", "POST"])
@role_required("applicant")
def confirm_jobs():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    if not row.experience:
        return redirect(url_for("applicant.profile"))
    lang = _lang()
    if request.method == "POST":
        actor = actor_for(_user())
        try:
            for index, job in enumerate(list(row.experience)):
                chosen = request.form.get(f"job-{index}", "")
                if chosen and (chosen != job.get("isco08") or not job.get("confirmed")):
                    applicants.confirm_occupation(db_session(), row, index, chosen, actor=actor)
        except ApplicantError:
            db_session().rollback()
            flash(_("This could not be saved. Please check your answers and try again."), "error")
        else:
            flash(_("Thank you. Your profile is ready."), "info")
            return redirect(url_for("applicant.profile"))
    public = applicants.to_public(db_session(), row, lang=lang)
    return render_template("applicant/confirm_jobs.html", jobs=_choices(row, public, lang))


# ---------------------------------------------------------------------------------------------
# Profile


@bp.get("/mi-perfil")
@role_required("applicant")
def profile():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    lang = _lang()
    public = applicants.to_public(db_session(), row, lang=lang)
    return render_template(
        "applicant/profile.html",
        me=display.profile(public, lang, _program_names(lang)),
        consent=display.consent_state(public["consent"]),
    )


@bp.route("/mi-perfil/editar", methods=["GET", "POST"])
@role_required("applicant")
def edit():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    lang = _lang()
    posted = request.method == "POST"
    form = forms.make_edit_form(lang, _program_names(lang), row, posted=posted)
    if posted:
        data = checks.update_body(form, row)
        if data is not None:
            try:
                applicants.update(
                    db_session(), row, data, actor=actor_for(_user()), resolver=_resolver()
                )
            except ApplicantError as exc:
                db_session().rollback()
                checks.service_error(form, exc)
            else:
                if any(not j.get("confirmed") for j in row.experience):
                    flash(_("Your changes are saved. Please check what we understood."), "info")
                    return redirect(url_for("applicant.confirm_jobs"))
                flash(_("Your changes are saved."), "info")
                return redirect(url_for("applicant.profile"))
    return render_template(
        "applicant/edit.html", form=form, problems=checks.problems(form)
    ), 400 if posted else 200


# ---------------------------------------------------------------------------------------------
# Options: the eligibility engine on the person's own record


@bp.get("/mi-perfil/opciones")
@role_required("applicant")
def options():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    lang = _lang()
    isco08, months = display.main_work(row)
    check = eligibility.check_eligibility(
        db_session(),
        nationality=row.nationality,
        birth_date=row.birth_date,
        lang=lang,
        residence_country=row.residence_country,
        languages=list(row.languages),
        isco08=isco08,
        experience_months=months,
        available_from=row.available_from,
        available_to=row.available_to,
        destinations=list(row.destinations),
        prior_immigration_violation=row.prior_immigration_violation,
        cache_seconds=_cache(),
    )
    cards = eligibility.result_cards(db_session(), check.results, lang, cache_seconds=_cache())
    titles = applicants.occupation_titles(db_session(), [isco08], lang)
    return render_template(
        "applicant/options.html",
        check=check,
        cards=cards,
        groups=eligibility.by_status(cards),
        country_name=country_names(lang),
        main_work=titles.get(isco08 or ""),
        main_months=display.months_text(months) if months is not None else None,
    )


# ---------------------------------------------------------------------------------------------
# Offers


def _offers(row: Applicant, lang: str) -> list[dict[str, Any]]:
    found = offers.for_applicant(db_session(), row)
    titles = applicants.occupation_titles(db_session(), (o.vacancy.isco08 for o in found), lang)
    names = _program_names(lang)
    return [display.offer(o, lang, names, titles) for o in found]


@bp.get("/mi-perfil/ofertas")
@role_required("applicant")
def offers_list():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    return render_template("applicant/offers.html", offers=_offers(row, _lang()))


@bp.route(
    "/mi-perfil/ofertas/<int:placement_id>/<any(aceptar, rechazar):answer>",
    methods=["GET", "POST"],
)
@role_required("applicant")
def offer_answer(placement_id: int, answer: str):  # type: ignore[no-untyped-def]
    """GET asks to confirm the answer (no script needed); POST gives it."""
    row = _own()
    if row is None:
        abort(404)
    accept = answer == "aceptar"
    if request.method == "POST":
        try:
            offers.respond(db_session(), row, placement_id, accept, user=_user())
        except placements.PlacementError as exc:
            if exc.status == 404:
                abort(404)
            db_session().rollback()
            flash(_("This offer can no longer be answered."), "error")
        else:
            flash(
                _("You accepted the offer. We will tell you the next steps.")
                if accept
                else _("Done: this offer is closed and you will not be asked about it again."),
                "info",
            )
        return redirect(url_for("applicant.offers_list") + f"#offer-{placement_id}")
    shown = next((o for o in _offers(row, _lang()) if o["id"] == placement_id), None)
    if shown is None:
        abort(404)
    if not (shown["can_accept"] if accept else shown["can_decline"]):
        flash(_("This offer can no longer be answered."), "error")
        return redirect(url_for("applicant.offers_list"))
    return render_template("applicant/offer_answer.html", offer=shown, accept=accept)


# ---------------------------------------------------------------------------------------------
# Consent and data


@bp.get("/mi-perfil/datos")
@role_required("applicant")
def data():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    lang = _lang()
    public = applicants.to_public(db_session(), row, lang=lang)
    state = display.consent_state(public["consent"])
    return render_template(
        "applicant/data.html",
        consent=state,
        text=consent_text(lang),
        version=CONSENT_VERSION,
    )


@bp.post("/mi-perfil/datos/consentimiento")
@role_required("applicant")
def consent():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        abort(404)
    actor = actor_for(_user())
    if request.form.get("give") == "yes":
        applicants.give_consent(db_session(), row, lang=_lang(), actor=actor)
        flash(_("Thank you. You can receive offers again."), "info")
    else:
        applicants.withdraw_consent(db_session(), row, actor=actor)
        flash(_("You withdrew your consent. You will not receive new offers."), "info")
    return redirect(url_for("applicant.data"))


@bp.route("/mi-perfil/datos/borrar", methods=["GET", "POST"])
@role_required("applicant")
def erase():  # type: ignore[no-untyped-def]
    row = _own()
    if row is None:
        return _no_record()
    if request.method == "GET":
        return render_template("applicant/erase.html")
    applicants.erase(db_session(), row, actor=actor_for(_user()))
    logout_user()
    flash(_("Your data was deleted and you were signed out. Thank you for using Pathways."), "info")
    return redirect(url_for("web.home"))
