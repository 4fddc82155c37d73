"""Applicants: register, read, update, verify, withdraw consent, erase, import, duplicates."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel

from pathways.api.blueprint import api_bp
from pathways.api.problems import ApiProblem, validation_problem
from pathways.api.spec import operation
from pathways.auth import actor_for
from pathways.models import Applicant, User
from pathways.requestctx import db_session, settings
from pathways.schemas.applicants import (
    ApplicantCreate,
    ApplicantPage,
    ApplicantPublic,
    ApplicantQuery,
    ApplicantUpdate,
    DuplicateQuery,
    DuplicateResolve,
)
from pathways.schemas.vacancies import ImportResultModel
from pathways.services import applicant_imports, applicants, duplicates, occupations

REGISTRARS = ("applicant", "ministry", "officer", "admin")
VIEWERS = ("applicant", "ministry", "officer", "admin")
STAFF = ("ministry", "officer", "admin")


def _problem(exc: applicants.ApplicantError) -> ApiProblem:
    if exc.status == 422:
        return validation_problem([{"field": exc.field, "message": exc.message}])
    return ApiProblem(exc.status, exc.message)


def _resolver() -> Any:
    return occupations.get_resolver(db_session(), max_age=settings().catalog_cache_seconds)


def _lang() -> str:
    lang = request.args.get("lang", "en")
    return lang if lang in ("es", "en", "fr") else "en"


def _row(applicant_id: int, principal: User) -> Applicant:
    try:
        return applicants.check_access(principal, db_session().get(Applicant, applicant_id))
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None


@operation(
    api_bp,
    "/applicants",
    "POST",
    summary="Register an applicant (with their consent)",
    tag="applicants",
    body=ApplicantCreate,
    roles=REGISTRARS,
    responses={201: ApplicantPublic},
    extra_codes=(409,),
    description="The applicant themself, the origin ministry of their nationality, an "
    "officer or an admin. Work titles are resolved to ISCO-08; possible duplicate "
    "registrations are flagged for an officer, never merged.",
)
def create_applicant(body: ApplicantCreate, principal: User) -> tuple[dict[str, Any], int]:
    try:
        row = applicants.register(
            db_session(), body, actor=actor_for(principal), user=principal, resolver=_resolver()
        )
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None
    return applicants.to_public(db_session(), row, lang=body.preferred_lang), 201


@operation(
    api_bp,
    "/applicants",
    "GET",
    summary="List applicants (an origin ministry sees its nationals)",
    tag="applicants",
    query=ApplicantQuery,
    roles=VIEWERS,
    responses={200: ApplicantPage},
)
def list_applicants(query: ApplicantQuery, principal: User) -> dict[str, Any]:
    try:
        rows, total = applicants.list_applicants(
            db_session(),
            user=principal,
            nationality=query.nationality,
            status=query.status,
            verified=query.verified,
            q=query.q,
            page=query.page,
            per_page=query.per_page,
        )
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None
    session = db_session()
    return {
        "items": [applicants.to_public(session, r, lang=query.lang) for r in rows],
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
    }


@operation(
    api_bp,
    "/applicants/<int:applicant_id>",
    "GET",
    summary="One applicant",
    tag="applicants",
    roles=VIEWERS,
    responses={200: ApplicantPublic},
    extra_codes=(404,),
    description="The applicant themself, officers, admins, or the origin ministry of that "
    "nationality.",
)
def get_applicant(applicant_id: int, principal: User) -> dict[str, Any]:
    return applicants.to_public(db_session(), _row(applicant_id, principal), lang=_lang())


@operation(
    api_bp,
    "/applicants/<int:applicant_id>",
    "PATCH",
    summary="Change an applicant's profile (only the fields sent)",
    tag="applicants",
    body=ApplicantUpdate,
    roles=VIEWERS,
    responses={200: ApplicantPublic},
    extra_codes=(404, 409),
)
def update_applicant(applicant_id: int, body: ApplicantUpdate, principal: User) -> dict[str, Any]:
    row = _row(applicant_id, principal)
    try:
        applicants.update(db_session(), row, body, actor=actor_for(principal), resolver=_resolver())
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None
    return applicants.to_public(db_session(), row, lang=_lang())


@operation(
    api_bp,
    "/applicants/<int:applicant_id>/verify",
    "POST",
    summary="Record that identity and documents were checked (origin ministry)",
    tag="applicants",
    roles=STAFF,
    responses={200: ApplicantPublic},
    extra_codes=(404,),
)
def verify_applicant(applicant_id: int, principal: User) -> dict[str, Any]:
    row = _row(applicant_id, principal)
    try:
        applicants.verify(db_session(), row, actor=actor_for(principal), user=principal)
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None
    return applicants.to_public(db_session(), row, lang=_lang())


@operation(
    api_bp,
    "/applicants/<int:applicant_id>/consent/withdraw",
    "POST",
    summary="Withdraw consent: no more offers",
    tag="applicants",
    roles=VIEWERS,
    responses={200: ApplicantPublic},
    extra_codes=(404,),
)
def withdraw_consent(applicant_id: int, principal: User) -> dict[str, Any]:
    row = _row(applicant_id, principal)
    applicants.withdraw_consent(db_session(), row, actor=actor_for(principal))
    return applicants.to_public(db_session(), row, lang=_lang())


@operation(
    api_bp,
    "/applicants/<int:applicant_id>",
    "DELETE",
    summary="Erase the applicant's personal data (aggregate counts are kept)",
    tag="applicants",
    roles=VIEWERS,
    responses={200: ApplicantPublic},
    extra_codes=(404,),
)
def erase_applicant(applicant_id: int, principal: User) -> dict[str, Any]:
    row = _row(applicant_id, principal)
    applicants.erase(db_session(), row, actor=actor_for(principal))
    return applicants.to_public(db_session(), row, lang=_lang())


@operation(
    api_bp,
    "/applicants/import",
    "POST",
    summary="Register many applicants from a CSV file (origin ministries)",
    tag="applicants",
    roles=STAFF,
    raw_body={"text/csv": "binary", "multipart/form-data": "binary"},
    responses={200: ImportResultModel},
    extra_codes=(413, 422),
    description="The file is the request body (or the multipart field `file`); columns as "
    "in `data/templates/applicants.csv`. Rows are all saved together or not at all; each bad "
    "row is reported. Re-importing a file updates nothing and creates nothing new "
    "(`external_ref` is the key).",
)
def import_applicants(principal: User) -> dict[str, Any]:
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    if not data:
        raise validation_problem([{"field": "body", "message": "send the CSV file"}])
    try:
        report = applicant_imports.import_file(
            db_session(), data, actor=actor_for(principal), user=principal, resolver=_resolver()
        )
    except applicant_imports.ApplicantFileError as exc:
        raise ApiProblem(422, str(exc), title="Not an applicant file") from None
    return report


class DuplicatePublic(BaseModel):
    id: int
    applicant_id: int
    other_id: int
    score: float
    evidence: list[str]
    explanation: str
    status: str
    note: str | None


class DuplicatePage(BaseModel):
    items: list[DuplicatePublic]
    total: int


@operation(
    api_bp,
    "/duplicates",
    "GET",
    summary="Registrations that may be the same person, with the evidence",
    tag="applicants",
    query=DuplicateQuery,
    roles=("ministry", "officer", "admin"),
    responses={200: DuplicatePage},
)
def list_duplicates(query: DuplicateQuery, principal: User) -> dict[str, Any]:
    try:
        rows, total = duplicates.list_flags(
            db_session(),
            user=principal,
            status=query.status,
            page=query.page,
            per_page=query.per_page,
        )
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None
    return {"items": [duplicates.to_public(f, lang=query.lang) for f in rows], "total": total}


@operation(
    api_bp,
    "/duplicates/<int:flag_id>/resolve",
    "POST",
    summary="Say whether two registrations are the same person",
    tag="applicants",
    body=DuplicateResolve,
    roles=("ministry", "officer", "admin"),
    responses={200: DuplicatePublic},
    extra_codes=(404, 409),
)
def resolve_duplicate(flag_id: int, body: DuplicateResolve, principal: User) -> dict[str, Any]:
    try:
        flag = duplicates.resolve(
            db_session(),
            flag_id,
            body.decision,
            note=body.note,
            user=principal,
            actor=actor_for(principal),
        )
    except applicants.ApplicantError as exc:
        raise _problem(exc) from None
    return duplicates.to_public(flag, lang=_lang())
