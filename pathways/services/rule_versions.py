"""Program rules with their history, and adding a new version of a rule from the web.

A version is never edited: a change is a new version of the same rule id starting later, which
supersedes the open-ended one before it from its start date (see `program_definitions`). A new
version is inserted, then the whole program is rebuilt through the engine's own validation in
the same transaction, so a version the engine would refuse is never saved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matching.eligibility import program_from_dict
from pathways.models import Program, ProgramRule, User
from pathways.services import caps, programs
from pathways.services.audit import Actor, record
from pathways.services.reference_versions import bump_version

LANGS = ("es", "en", "fr")
CERTAINTIES = ("official", "secondary", "uncertain")
ON_FAIL = ("not_eligible", "needs_review")
ON_MISSING = ("needs_review", "ignore")
SCOPES = ("applicant", "vacancy")
BASES = ("law", "policy")


class RuleVersionError(ValueError):
    """A version that cannot be added; nothing was saved. `field` names the form field at fault."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class VersionView:
    """One stored version of a rule as the programs page shows it."""

    row: ProgramRule
    effective_end: date | None  # the stored end, or the day before a later version starts
    superseded_from: date | None  # the start of the later version that cut it short
    state: str  # "in_force" | "past" | "future"
    text: str
    loaded_by: str | None


@dataclass(frozen=True)
class RuleHistory:
    rule_id: str
    versions: list[VersionView]


def get_program(session: Session, code: str) -> Program | None:
    return session.get(Program, code)


def versions_of(session: Session, program_code: str) -> list[ProgramRule]:
    stmt = (
        select(ProgramRule)
        .where(ProgramRule.program_code == program_code)
        .order_by(ProgramRule.rule_id, ProgramRule.effective_from)  # type: ignore[arg-type]
    )
    return list(session.exec(stmt))


def rule_ids(session: Session, program_code: str) -> list[str]:
    """The program's rule ids in file order (first stored version first)."""
    rows = sorted(versions_of(session, program_code), key=lambda r: r.id or 0)
    return list(dict.fromkeys(r.rule_id for r in rows))


def current_version(session: Session, program_code: str, rule_id: str) -> ProgramRule | None:
    """The version in force today, else the latest one (to prefill a new version's form)."""
    rows = [r for r in versions_of(session, program_code) if r.rule_id == rule_id]
    if not rows:
        return None
    history = _history(rows, date.today(), lang="en", users={})
    for view in history:
        if view.state == "in_force":
            return view.row
    return rows[-1]


def _history(
    rows: list[ProgramRule], today: date, *, lang: str, users: dict[int, str]
) -> list[VersionView]:
    rows = sorted(rows, key=lambda r: r.effective_from)
    out = []
    for i, row in enumerate(rows):
        later = rows[i + 1].effective_from if i + 1 < len(rows) else None
        end, superseded = row.effective_to, None
        if later is not None and (end is None or end >= later):
            end, superseded = later - timedelta(days=1), later
        if row.effective_from > today:
            state = "future"
        elif end is not None and end < today:
            state = "past"
        else:
            state = "in_force"
        text = row.definition.get("text") or {}
        out.append(
            VersionView(
                row=row,
                effective_end=end,
                superseded_from=superseded,
                state=state,
                text=str(text.get(lang) or text.get("en") or ""),
                loaded_by=users.get(row.loaded_by_id) if row.loaded_by_id else None,
            )
        )
    return out


def programs_with_history(
    session: Session, *, lang: str, today: date | None = None
) -> list[dict[str, Any]]:
    """Every program (catalog order) with caps and their use, and each rule's version history."""
    today = today or date.today()
    catalog = {p["code"]: p for p in caps.catalog_view(session, lang=lang, as_of=None)}
    rows = list(session.exec(select(ProgramRule).order_by(ProgramRule.id)))  # type: ignore[arg-type]
    user_ids = {r.loaded_by_id for r in rows if r.loaded_by_id}
    users = (
        {u.id: u.email for u in session.exec(select(User).where(User.id.in_(user_ids)))}  # type: ignore[union-attr]
        if user_ids
        else {}
    )
    by_program: dict[str, dict[str, list[ProgramRule]]] = {}
    for row in rows:
        by_program.setdefault(row.program_code, {}).setdefault(row.rule_id, []).append(row)
    out = []
    for program in sorted(session.exec(select(Program)), key=lambda p: programs._order(p.code)):
        item = catalog.get(program.code, {})
        out.append(
            {
                "code": program.code,
                "destination": program.destination,
                "name": getattr(program, f"name_{lang}", program.name_en),
                "url": program.url,
                "caps": item.get("caps", []),
                "rules": [
                    RuleHistory(rid, _history(versions, today, lang=lang, users=users))
                    for rid, versions in by_program.get(program.code, {}).items()
                ],
            }
        )
    return out


def may_add_version(user: User | None, program: Program) -> bool:
    """Admins for every program; a ministry only for its own destination country's programs."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    return user.role == "ministry" and (user.country or "") == program.destination


def _texts(values: dict[str, str] | None, name: str, *, required: bool) -> dict[str, str] | None:
    values = {lang: (values or {}).get(lang, "").strip() for lang in LANGS}
    if not any(values.values()) and not required:
        return None
    for lang in LANGS:
        if not values[lang]:
            raise RuleVersionError(
                _l("Write this text in Spanish, English and French."), f"{name}_{lang}"
            )
    return values


def build_rule(
    *,
    program_code: str,
    rule_id: str,
    effective_from: date,
    effective_to: date | None,
    certainty: str,
    on_fail: str,
    on_missing: str,
    scope: str,
    basis: str,
    source: str,
    text: dict[str, str],
    remedy: dict[str, str] | None,
    condition_json: str,
) -> dict[str, Any]:
    """The rule as a program file would hold it (see data/programs/README.md)."""
    rule_id = (rule_id or "").strip()
    prefix = program_code.lower() + "."
    if not rule_id.startswith(prefix) or len(rule_id) <= len(prefix) or " " in rule_id:
        raise RuleVersionError(
            _l("A rule id starts with %(prefix)s and has no spaces.", prefix=prefix), "rule_id"
        )
    if effective_to is not None and effective_to < effective_from:
        raise RuleVersionError(_l("The end date is before the start date."), "effective_to")
    source = (source or "").strip()
    if not source.startswith("https://") or " " in source:
        raise RuleVersionError(_l("The source must be an https:// address."), "source")
    try:
        condition = json.loads(condition_json or "")
    except ValueError as exc:
        raise RuleVersionError(
            _l("The condition is not valid JSON: %(error)s", error=str(exc)), "condition"
        ) from None
    if not isinstance(condition, dict):
        raise RuleVersionError(
            _l(
                "The condition must be a JSON object, e.g. %(example)s",
                example='{"fact": "applicant.age", "op": "ge", "value": 18}',
            ),
            "condition",
        )
    rule: dict[str, Any] = {
        "id": rule_id,
        "scope": scope,
        "basis": basis,
        "effective_from": effective_from.isoformat(),
        "certainty": certainty,
        "on_fail": on_fail,
        "on_missing": on_missing,
        "source": source,
        "condition": condition,
        "text": _texts(text, "text", required=True),
    }
    if effective_to is not None:
        rule["effective_to"] = effective_to.isoformat()
    remedy_texts = _texts(remedy, "remedy", required=False)
    if remedy_texts is not None:
        rule["remedy"] = remedy_texts
    return rule


# Which form field an engine message is about (it names the field after the rule id).
_ENGINE_FIELDS = (
    (".condition", "condition"),
    ("reads job-offer facts", "scope"),
    ("uncertain rule", "certainty"),
    (".certainty", "certainty"),
    (".on_fail", "on_fail"),
    (".on_missing", "on_missing"),
    (".source", "source"),
    (".scope", "scope"),
    ("effective_to", "effective_to"),
    ("overlap", "effective_from"),
)


def _field_for(message: str) -> str:
    return next((field for needle, field in _ENGINE_FIELDS if needle in message), "condition")


def add_rule_version(
    session: Session,
    *,
    program_code: str,
    rule_id: str,
    effective_from: date,
    effective_to: date | None = None,
    certainty: str,
    on_fail: str,
    on_missing: str,
    scope: str,
    basis: str = "law",
    source: str,
    text: dict[str, str],
    remedy: dict[str, str] | None = None,
    condition_json: str,
    actor: Actor,
    user: User | None,
) -> ProgramRule:
    """Add a version of a rule, validated by the engine; raises RuleVersionError, saving nothing."""
    program = session.get(Program, program_code)
    if program is None:
        raise RuleVersionError(_l("There is no program %(code)s.", code=program_code))
    rule = build_rule(
        program_code=program.code,
        rule_id=rule_id,
        effective_from=effective_from,
        effective_to=effective_to,
        certainty=certainty,
        on_fail=on_fail,
        on_missing=on_missing,
        scope=scope,
        basis=basis,
        source=source,
        text=text,
        remedy=remedy,
        condition_json=condition_json,
    )
    earlier = [r for r in versions_of(session, program.code) if r.rule_id == rule["id"]]
    latest = max((r.effective_from for r in earlier), default=None)
    if latest is not None and effective_from <= latest:
        # History is only appended to: a version starting on or before the latest one would
        # overlap it or rewrite a period another version already covers.
        raise RuleVersionError(
            _l(
                "This would overlap an existing version: the latest version of %(rule)s starts "
                "on %(date)s, so a new version must start after that day.",
                rule=rule["id"],
                date=latest.isoformat(),
            ),
            "effective_from",
        )
    row = ProgramRule(
        program_code=program.code,
        rule_id=rule["id"],
        effective_from=effective_from,
        effective_to=effective_to,
        certainty=certainty,
        source=rule["source"],
        definition=rule,
        origin="web",
        loaded_by_id=user.id if user is not None else None,
    )
    try:
        session.add(row)
        session.flush()
        definition = next(
            d for d in programs.program_definitions(session) if d["code"] == program.code
        )
        program_from_dict(definition)
    except ValueError as exc:
        session.rollback()
        raise RuleVersionError(
            _l("The rule was not saved: %(error)s", error=str(exc)), _field_for(str(exc))
        ) from None
    except IntegrityError:
        session.rollback()
        raise RuleVersionError(
            _l("A version of this rule already starts on that day."), "effective_from"
        ) from None
    record(
        session,
        actor,
        "rule.add_version",
        "program_rule",
        row.id,
        program=program.code,
        rule=row.rule_id,
        effective_from=effective_from.isoformat(),
    )
    digest = hashlib.sha256(
        json.dumps([row.id, program.code, rule], sort_keys=True).encode()
    ).hexdigest()
    bump_version(session, "programs", digest)
    session.commit()
    return row
