"""The main menu of each role: one table, checked against the URL map when the app starts.

A menu entry that points nowhere is a page nobody can reach, so a missing endpoint stops
start-up instead of being skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from pathways.auth import current_principal
from pathways.models import User
from pathways.models.enums import DESTINATIONS, ORIGINS

Audience = Callable[[User | None], bool]


def everyone(_user: User | None) -> bool:
    return True


def signed_out(user: User | None) -> bool:
    return user is None


def not_applicant(user: User | None) -> bool:
    """Everyone but applicants, who check their options from their own profile instead."""
    return user is None or user.role != "applicant"


def roles(*names: str) -> Audience:
    return lambda user: user is not None and user.role in names


def destination_ministry_or(*names: str) -> Audience:
    """Destination ministries (US, CA, MX) and the given roles."""
    return lambda user: (
        user is not None
        and (user.role in names or (user.role == "ministry" and user.country in DESTINATIONS))
    )


def origin_ministry_or(*names: str) -> Audience:
    """Origin ministries (GT, SV, HN) and the given roles."""
    return lambda user: (
        user is not None
        and (user.role in names or (user.role == "ministry" and user.country in ORIGINS))
    )


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object  # a lazy string, rendered in the page's language
    audience: Audience


STAFF = roles("officer", "admin", "ministry")

MENU: list[MenuEntry] = [
    MenuEntry("web.home", _l("Home"), everyone),
    MenuEntry("eligibility.form", _l("Check my options"), not_applicant),
    MenuEntry("applicant.register", _l("Sign up"), signed_out),
    MenuEntry("applicant.profile", _l("My profile"), roles("applicant")),
    MenuEntry("applicant.options", _l("My options"), roles("applicant")),
    MenuEntry("applicant.offers_list", _l("My offers"), roles("applicant")),
    MenuEntry("applicant.data", _l("My data"), roles("applicant")),
    MenuEntry("ministry.vacancies_list", _l("Vacancies"), destination_ministry_or("admin")),
    MenuEntry(
        "candidates.candidates", _l("Candidates"), destination_ministry_or("officer", "admin")
    ),
    MenuEntry(
        "registrations.applicants_list", _l("Registrations"), origin_ministry_or("officer", "admin")
    ),
    MenuEntry(
        "duplicates.flags", _l("Possible duplicates"), origin_ministry_or("officer", "admin")
    ),
    MenuEntry("matching.runs", _l("Matching"), roles("officer", "admin")),
    MenuEntry("placements.placements_list", _l("Placements"), STAFF),
    MenuEntry("progress.dashboard", _l("Progress"), STAFF),
    MenuEntry("progress.gap", _l("Empty slots"), STAFF),
    MenuEntry("officer.programs", _l("Programs"), roles("officer", "admin", "ministry")),
    MenuEntry("scenarios.index", _l("Policy what-if"), roles("officer", "admin")),
    MenuEntry("audit.events", _l("Audit log"), roles("officer", "admin")),
    MenuEntry("account.tokens", _l("API tokens"), roles("ministry", "officer", "admin")),
    MenuEntry("api.docs_page", _l("API"), roles("ministry", "officer", "admin")),
    MenuEntry("transparency.page", _l("Transparency"), everyone),
]


def check_menu(app: Flask) -> None:
    """Refuse to start with a menu entry whose page does not exist."""
    missing = [e.endpoint for e in MENU if e.endpoint not in app.view_functions]
    if missing:
        raise RuntimeError(f"menu entries point to pages that do not exist: {missing}")


def nav_items() -> list[tuple[str, str]]:
    """(href, label) of the menu for the current user."""
    user = current_principal()
    return [(url_for(e.endpoint), str(e.label)) for e in MENU if e.audience(user)]
