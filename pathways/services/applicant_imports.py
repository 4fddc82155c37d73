"""Registering many applicants from a CSV file (origin ministries), with a per-row report.

Each row is validated exactly as the API validates one applicant (``ApplicantCreate``); the
valid rows are saved in one transaction (all or nothing), re-imports are idempotent by
``external_ref``, and a row is refused when the user may not register that nationality.
See ``data/templates/applicants.csv`` for the columns.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from matching.occupations import OccupationResolver
from pathways.imports.records import ImportFormatError
from pathways.imports.tabular import FormatSpec, read_csv, resolve_columns
from pathways.models import Applicant, User
from pathways.schemas.applicants import ApplicantCreate
from pathways.services import applicants
from pathways.services.audit import Actor, record

SPEC = FormatSpec(
    label="a Pathways applicant file",
    fields={
        name: (name,)
        for name in (
            "external_ref",
            "name",
            "nationality",
            "birth_date",
            "sex",
            "residence_subdivision",
            "languages",
            "experience",
            "available_from",
            "available_to",
            "destinations",
            "programs",
            "returning_programs",
            "phone",
            "id_document",
            "preferred_lang",
            "consent",
            "consent_lang",
        )
    },
    required=(
        ("external_ref",),
        ("name",),
        ("nationality",),
        ("birth_date",),
        ("sex",),
        ("consent",),
    ),
)
_LIST = re.compile(r"[;,|]")


class ApplicantFileError(ValueError):
    """The file as a whole is not an applicant file (one clear message).

    Keeps the English ``template`` and ``params`` of the format problem, so that a page can
    word it in its reader's language; ``str(exc)`` is the English message.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def _list(text: str) -> list[str]:
    return [x.strip() for x in _LIST.split(text or "") if x.strip()]


def _experience(text: str) -> list[dict[str, Any]]:
    jobs = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        title, _, months = part.rpartition(":")
        if not title:
            title, months = months, "0"
        jobs.append({"title": title.strip(), "months": months.strip() or "0"})
    return jobs


def row_body(cells: dict[str, str]) -> dict[str, Any]:
    """One row as the API body it stands for."""
    get = lambda k: (cells.get(k) or "").strip()  # noqa: E731
    body: dict[str, Any] = {
        "external_ref": get("external_ref") or None,
        "name": get("name"),
        "nationality": get("nationality").upper(),
        "birth_date": get("birth_date") or None,
        "sex": get("sex").upper(),
        "residence": {
            "country": get("nationality").upper(),
            "subdivision": get("residence_subdivision") or None,
        },
        "languages": [x.lower() for x in _list(get("languages"))],
        "experience": _experience(get("experience")),
        "available_from": get("available_from") or None,
        "available_to": get("available_to") or None,
        "destinations": [x.upper() for x in _list(get("destinations"))],
        "programs": [x.upper() for x in _list(get("programs"))],
        "returning_programs": [x.upper() for x in _list(get("returning_programs"))],
        "phone": get("phone") or None,
        "id_document": get("id_document") or None,
        "preferred_lang": get("preferred_lang").lower() or "es",
        "consent": get("consent").lower() in ("yes", "y", "true", "1", "sí", "si", "oui"),
        "consent_lang": get("consent_lang").lower() or None,
    }
    return body


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "row"
        message = str(err["msg"]).removeprefix("Value error, ")
        # kept with the batch so that pages can word it in their language
        out.append({"field": loc, "message": message, "error": dict(err)})
    return out


def _public_error(err: dict[str, Any], detailed: bool) -> dict[str, Any]:
    """A row error as the API reports it; ``detailed`` adds what a page needs to word it in
    its reader's language (the pydantic error, or the English template and its values)."""
    out = {"field": err["field"], "message": err["message"]}
    if detailed:
        out.update({k: err[k] for k in ("error", "template", "params") if k in err})
    return out


def import_file(
    session: Session,
    data: bytes,
    *,
    actor: Actor,
    user: User,
    resolver: OccupationResolver,
    detailed: bool = False,
) -> dict[str, Any]:
    """Validate every row, then save the new ones together; the report of API.md's shape.

    ``detailed`` (pages) keeps with each row error what is needed to translate it.
    """
    try:
        header, rows, _warnings = read_csv(data)
        columns = resolve_columns(header, SPEC)
    except ImportFormatError as exc:
        raise ApplicantFileError(exc.template, **exc.params) from None
    names = columns.headers
    valid: list[tuple[int, ApplicantCreate]] = []
    rejected: list[dict[str, Any]] = []
    received = 0
    seen: dict[str, int] = {}
    for number, cells in rows:
        received += 1
        by_field = {
            key: cells[pos] if pos < len(cells) else "" for key, pos in columns.index.items()
        }
        try:
            item = ApplicantCreate.model_validate(row_body(by_field))
        except ValidationError as exc:
            rejected.append({"row": number, "errors": _errors(exc)})
            continue
        try:
            applicants.check_register(user, item.nationality, session)
        except applicants.ApplicantError as exc:
            problem = {
                "field": exc.field,
                "message": exc.message,
                "template": exc.template,
                "params": exc.params,
            }
            rejected.append({"row": number, "errors": [problem]})
            continue
        ref = item.external_ref or ""
        if ref in seen:
            problem = {
                "field": "external_ref",
                "message": f"already in row {seen[ref]}",
                "template": "“%(ref)s” already appears in row %(row)s",
                "params": {"ref": ref, "row": seen[ref]},
            }
            rejected.append({"row": number, "errors": [problem]})
            continue
        seen[ref] = number
        valid.append((number, item))
    del names
    refs = [item.external_ref for _n, item in valid if item.external_ref]
    known = (
        set(
            session.exec(select(Applicant.external_ref).where(Applicant.external_ref.in_(refs)))  # type: ignore[union-attr]
        )
        if refs
        else set()
    )
    new = [item for _n, item in valid if item.external_ref not in known]
    try:
        ids = applicants.register_many(session, new, actor=actor, user=user, resolver=resolver)
        record(
            session,
            actor,
            "applicant.import",
            "applicant",
            None,
            received=received,
            created=len(ids),
            rejected=len(rejected),
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return {
        "received": received,
        "created": len(ids),
        "updated": 0,
        "unchanged": len(valid) - len(new),
        "rejected": [
            {
                "row": r["row"],
                "errors": [_public_error(e, detailed) for e in r["errors"]],
            }
            for r in rejected
        ],
        "unknown_columns": columns.unknown,
    }
