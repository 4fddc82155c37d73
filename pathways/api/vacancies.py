"""Vacancies: create, list, get, update, close, and bulk import (API.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import request

from pathways.api.blueprint import api_bp
from pathways.api.problems import ApiProblem, validation_problem
from pathways.api.spec import operation
from pathways.auth import actor_for
from pathways.imports import ImportFormatError, iter_parse
from pathways.models import User, Vacancy
from pathways.requestctx import db_session, vacancy_context
from pathways.schemas.vacancies import (
    ImportQuery,
    ImportResultModel,
    VacancyCreate,
    VacancyPage,
    VacancyPublic,
    VacancyQuery,
    VacancyUpdate,
)
from pathways.services import imports, vacancies, vacancy_shapes

WRITERS = ("ministry", "admin")
READERS = ("ministry", "officer", "admin", "applicant")


def _problem(exc: vacancies.VacancyError) -> ApiProblem:
    if exc.status == 422:
        return validation_problem([{"field": exc.field, "message": exc.message}])
    return ApiProblem(exc.status, exc.message)


def _public(row: Vacancy, principal: User) -> dict[str, Any]:
    session = db_session()
    titles = vacancies.isco_titles(session, {row.isco08} if row.isco08 else set(), "en")
    may_see_raw = principal.role in {"admin", "officer"} or (
        principal.role == "ministry" and principal.country == row.worksite_country
    )
    return vacancy_shapes.to_public(
        row, isco_title=titles.get(row.isco08 or ""), include_raw=may_see_raw
    )


def _get(vacancy_id: int) -> Vacancy:
    row = db_session().get(Vacancy, vacancy_id)
    if row is None:
        raise ApiProblem(404, f"No vacancy with id {vacancy_id}.")
    return row


@operation(
    api_bp,
    "/vacancies",
    "POST",
    summary="Post a vacancy (normalised on the way in)",
    tag="vacancies",
    body=VacancyCreate,
    roles=WRITERS,
    responses={201: VacancyPublic},
    extra_codes=(409,),
)
def create_vacancy(body: VacancyCreate, principal: User) -> tuple[dict[str, Any], int]:
    parsed = vacancy_shapes.from_api(body.model_dump(), source="api")
    try:
        row = vacancies.create_vacancy(
            db_session(), parsed, actor=actor_for(principal), user=principal, **vacancy_context()
        )
    except vacancies.VacancyError as exc:
        raise _problem(exc) from None
    return _public(row, principal), 201


@operation(
    api_bp,
    "/vacancies",
    "GET",
    summary="List vacancies with filters and paging",
    tag="vacancies",
    query=VacancyQuery,
    roles=READERS,
    responses={200: VacancyPage},
)
def list_vacancies(query: VacancyQuery, principal: User) -> dict[str, Any]:
    status = query.status or ("open" if principal.role == "applicant" else None)
    rows, total = vacancies.list_vacancies(
        db_session(),
        program=query.program,
        country=query.country,
        isco08=query.isco08,
        status=status,
        q=query.q,
        page=query.page,
        per_page=query.per_page,
    )
    titles = vacancies.isco_titles(db_session(), {r.isco08 for r in rows if r.isco08}, "en")
    items = [vacancy_shapes.to_public(r, isco_title=titles.get(r.isco08 or "")) for r in rows]
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page}


@operation(
    api_bp,
    "/vacancies/<int:vacancy_id>",
    "GET",
    summary="One vacancy",
    tag="vacancies",
    roles=READERS,
    responses={200: VacancyPublic, 404: None},
)
def get_vacancy(vacancy_id: int, principal: User) -> dict[str, Any]:
    row = _get(vacancy_id)
    if principal.role == "applicant" and row.status != "open":
        raise ApiProblem(404, f"No vacancy with id {vacancy_id}.")
    return _public(row, principal)


@operation(
    api_bp,
    "/vacancies/<int:vacancy_id>",
    "PATCH",
    summary="Change fields of a vacancy",
    tag="vacancies",
    body=VacancyUpdate,
    roles=WRITERS,
    responses={200: VacancyPublic, 404: None},
)
def update_vacancy(vacancy_id: int, body: VacancyUpdate, principal: User) -> dict[str, Any]:
    row = _get(vacancy_id)
    current = vacancy_shapes.as_parsed(row)
    changes = vacancy_shapes.from_api(
        body.model_dump(exclude_unset=True), source=row.source, base=current
    )
    if changes.end_date and changes.start_date and changes.end_date < changes.start_date:
        raise validation_problem([{"field": "end_date", "message": "is before start_date"}])
    if changes.worksite_country != changes.program[:2]:
        raise validation_problem(
            [
                {
                    "field": "worksite.country",
                    "message": f"is not the destination of {changes.program}",
                }
            ]
        )
    try:
        row = vacancies.update_vacancy(
            db_session(),
            row,
            replace(changes, source=row.source),
            actor=actor_for(principal),
            user=principal,
            **vacancy_context(),
        )
    except vacancies.VacancyError as exc:
        raise _problem(exc) from None
    return _public(row, principal)


@operation(
    api_bp,
    "/vacancies/<int:vacancy_id>/close",
    "POST",
    summary="Close a vacancy",
    tag="vacancies",
    roles=WRITERS,
    responses={200: VacancyPublic, 404: None},
)
def close_vacancy(vacancy_id: int, principal: User) -> dict[str, Any]:
    try:
        row = vacancies.close_vacancy(
            db_session(), _get(vacancy_id), actor=actor_for(principal), user=principal
        )
    except vacancies.VacancyError as exc:
        raise _problem(exc) from None
    return _public(row, principal)


@operation(
    api_bp,
    "/vacancies/import",
    "POST",
    summary="Import a file of vacancies (OFLC, SeasonalJobs, LMIA, JSON-LD, CSV)",
    tag="vacancies",
    query=ImportQuery,
    roles=WRITERS,
    raw_body={"text/csv": "binary", "application/json": "binary", "multipart/form-data": "binary"},
    responses={200: ImportResultModel},
    extra_codes=(413,),
    description="The file is the request body, or the multipart field `file`. Each bad "
    "row is reported with its number and field while the rest imports; re-importing "
    "creates nothing new (`external_ref` is the key). The whole file is one "
    "transaction.",
)
def import_vacancies(query: ImportQuery, principal: User) -> dict[str, Any]:
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    if not data:
        raise validation_problem([{"field": "file", "message": "the file is empty"}])
    session = db_session()
    try:
        iter_parse(query.format, data)  # checks the header only: a wrong format is one error
    except ImportFormatError as exc:
        raise validation_problem(
            [{"field": "file", "message": str(exc)}], detail=str(exc)
        ) from None
    batch = imports.new_batch(
        session,
        fmt=query.format,
        user=principal,
        filename=upload.filename if upload is not None else None,
    )
    batch = imports.run_import(
        session, batch, data, actor=actor_for(principal), user=principal, **vacancy_context()
    )
    return imports.report(batch)
