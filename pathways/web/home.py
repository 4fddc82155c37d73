"""The home page each role lands on, the language switch, and the navigation per role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from pathways.auth import current_principal
from pathways.requestctx import db_session
from pathways.services import applicants, dashboard
from pathways.settings import SUPPORTED_LANGS

bp = Blueprint("web", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    user = current_principal()
    session_db = db_session()
    if user is None:
        return render_template("web/home_public.html")
    if user.role == "applicant":
        registered = applicants.own_record(session_db, user) is not None
        return render_template("web/home_applicant.html", user=user, registered=registered)
    if user.role == "ministry":
        if dashboard.is_destination(user.country):
            summary = dashboard.vacancy_summary(session_db, user.country)
            return render_template("web/home_ministry.html", user=user, vacancies=summary)
        summary = dashboard.applicant_summary(session_db, user.country)
        return render_template("web/home_ministry.html", user=user, applicants=summary)
    if user.role == "officer":
        return render_template(
            "web/home_officer.html",
            user=user,
            vacancies=dashboard.vacancy_summary(session_db),
            applicants=dashboard.applicant_summary(session_db),
            placements=dashboard.placement_summary(session_db),
        )
    return render_template(
        "web/home_admin.html", user=user, summary=dashboard.admin_summary(session_db)
    )


@bp.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    if code in SUPPORTED_LANGS:
        session["lang"] = code
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return redirect(target)
