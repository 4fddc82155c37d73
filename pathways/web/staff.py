"""What the staff pages (registrations, duplicates, matching, candidates) share: the signed-in
user, the page's language, paging, and names for the codes they show."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_babel import get_locale

from pathways.auth import current_principal
from pathways.models import User
from pathways.models.enums import ORIGINS
from pathways.reference.languages import language_name
from pathways.reference.places import origin_subdivisions
from pathways.requestctx import db_session, settings
from pathways.schemas.codes import country_names
from pathways.services import programs

PER_PAGE = 25


def user() -> User:
    found = current_principal()
    assert found is not None  # role_required ran first
    return found


def lang() -> str:
    code = str(get_locale() or "es")
    return code if code in ("es", "en", "fr") else "es"


def page_arg() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def pages(total: int, per_page: int = PER_PAGE) -> int:
    return max((total + per_page - 1) // per_page, 1)


def require_origin_or_staff(who: User) -> None:
    """Registrations are for origin ministries (GT, SV, HN), officers and admins."""
    if who.role == "ministry" and who.country not in ORIGINS:
        abort(403)


def program_names() -> dict[str, str]:
    """Program code → its name in the page's language, in catalog order."""
    catalog = programs.get_catalog(db_session(), max_age=settings().catalog_cache_seconds)
    here = lang()
    return {p.code: p.name.get(here) or p.code for p in catalog}


def department_name(code: str | None) -> str:
    if not code:
        return ""
    found = origin_subdivisions().get(code)
    return found.name if found is not None else code


def departments(countries: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    """Country code → [(department code, "Name (code)")], sorted by name."""
    out: dict[str, list[tuple[str, str]]] = {c: [] for c in countries}
    for sub in origin_subdivisions().values():
        if sub.country in out:
            out[sub.country].append((sub.code, f"{sub.name} ({sub.code})"))
    return {c: sorted(items, key=lambda item: item[1]) for c, items in out.items()}


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return country_names(lang()).get(code, code)


def language_names(codes: Any) -> str:
    here = lang()
    return ", ".join(language_name(c, here) for c in codes or ())


def template_globals() -> dict[str, Any]:
    """Helpers the staff templates call."""
    return {
        "country_name": country_name,
        "department_name": department_name,
        "language_names": language_names,
    }
