"""The scenario form: one section per kind of change, each switched on by a checkbox; turned
into the same request the API takes, and its problems back into messages by form field."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError

from pathways.schemas.scenarios import ScenarioCreate
from pathways.services.scenario_changes import ChangesRefused
from pathways.web import messages

ORIGINS = ("GT", "SV", "HN")
# (change type, its field) -> the form field that holds it
FIELDS = {
    ("open_program", "program"): "open_program",
    ("open_program", "nationalities"): "open_nationalities",
    ("h2b_supplemental", "amount"): "h2b_amount",
    ("h2b_supplemental", "reserved_for"): "h2b_reserved",
    ("add_vacancies", "program"): "vac_program",
    ("add_vacancies", "count"): "vac_count",
    ("add_vacancies", "isco08"): "vac_isco",
    ("add_vacancies", "months"): "vac_months",
    ("add_applicants", "count"): "app_count",
    ("add_applicants", "isco08"): "app_isco",
    ("add_applicants", "origin"): "app_origin",
}
SWITCHES = {
    "open_on": "open_program",
    "h2b_on": "h2b_supplemental",
    "vac_on": "add_vacancies",
    "app_on": "add_applicants",
}


def _codes(form: Any, name: str, other: str | None = None) -> list[str]:
    codes = list(form.getlist(name))
    if other:
        codes += [c.strip().upper() for c in (form.get(other) or "").split(",") if c.strip()]
    return codes


def _number(value: str | None) -> Any:
    value = (value or "").strip()
    return value or None


def read_form(form: Any) -> dict[str, Any]:
    """The API request the form describes (numbers left as typed: the schema checks them)."""
    changes: list[dict[str, Any]] = []
    if form.get("open_on"):
        changes.append(
            {
                "type": "open_program",
                "program": form.get("open_program") or None,
                "nationalities": _codes(form, "open_nationalities", "open_other"),
            }
        )
    if form.get("h2b_on"):
        changes.append(
            {
                "type": "h2b_supplemental",
                "amount": _number(form.get("h2b_amount")),
                "reserved_for": _codes(form, "h2b_reserved"),
            }
        )
    if form.get("vac_on"):
        change = {
            "type": "add_vacancies",
            "program": form.get("vac_program") or None,
            "count": _number(form.get("vac_count")),
        }
        for key, name in (("isco08", "vac_isco"), ("months", "vac_months")):
            if _number(form.get(name)) is not None:
                change[key] = _number(form.get(name))
        changes.append(change)
    if form.get("app_on"):
        change = {
            "type": "add_applicants",
            "count": _number(form.get("app_count")),
            "isco08": form.get("app_isco") or None,
        }
        if form.get("app_origin"):
            change["origin"] = form.get("app_origin")
        changes.append(change)
    return {"name": (form.get("name") or "").strip(), "changes": changes}


def _field(loc: tuple[str, ...], body: dict[str, Any]) -> str:
    """The form field of an error location (``changes.<i>.<type>.<field>`` or ``name``)."""
    if loc and loc[0] == "changes" and len(loc) >= 2 and loc[1].isdigit():
        index = int(loc[1])
        kind = body["changes"][index]["type"] if index < len(body["changes"]) else ""
        rest = [part for part in loc[2:] if part != kind and not part.isdigit()]
        if rest and (kind, rest[0]) in FIELDS:
            return FIELDS[(kind, rest[0])]
        return next(k for k, v in SWITCHES.items() if v == kind) if kind else "changes"
    return loc[0] if loc else "changes"


def validate(form: Any) -> tuple[ScenarioCreate | None, dict[str, Any], dict[str, str]]:
    """The checked request, the body as read, and the messages by form field."""
    body = read_form(form)
    errors: dict[str, str] = {}
    if not body["changes"]:
        errors["changes"] = _("Choose at least one change.")
    try:
        checked = ScenarioCreate.model_validate(body)
    except ValidationError as exc:
        for loc, message in messages.pydantic_errors(exc):
            errors.setdefault(_field(loc, body), message)
        return None, body, errors
    return (None if errors else checked), body, errors


def refused(exc: ChangesRefused, body: dict[str, Any]) -> dict[str, str]:
    """The service's objections, by form field, in the page's language."""
    errors: dict[str, str] = {}
    for e in exc.errors:
        errors.setdefault(_field(tuple(e.field.split(".")), body), messages.format_problem(e))
    return errors
