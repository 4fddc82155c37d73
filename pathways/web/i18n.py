"""The language of a page: an explicit choice, else the user's, else Spanish for applicants."""

from __future__ import annotations

from flask import request, session
from flask_login import current_user

from pathways.settings import SUPPORTED_LANGS

# Pages whose audience is applicants (and the public) default to Spanish.
APPLICANT_BLUEPRINTS = {"applicant", "eligibility", "transparency", None}
APPLICANT_ENDPOINTS = {"web.home", "auth.login"}


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in SUPPORTED_LANGS:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in SUPPORTED_LANGS:
        return str(session["lang"])
    if current_user.is_authenticated and current_user.preferred_lang in SUPPORTED_LANGS:
        return str(current_user.preferred_lang)
    anonymous_or_applicant = (
        not current_user.is_authenticated or getattr(current_user, "role", None) == "applicant"
    )
    if anonymous_or_applicant and (
        request.blueprint in APPLICANT_BLUEPRINTS or request.endpoint in APPLICANT_ENDPOINTS
    ):
        return "es"
    return request.accept_languages.best_match(SUPPORTED_LANGS) or "es"


def select_timezone() -> str:
    return "UTC"
