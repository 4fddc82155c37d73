"""Eligibility (public, rate-limited) and the program catalog."""

from __future__ import annotations

from pathways.api.blueprint import api_bp
from pathways.api.spec import operation
from pathways.requestctx import db_session, settings
from pathways.schemas.eligibility import (
    EligibilityRequest,
    EligibilityResponse,
    ProgramsQuery,
    ProgramsResponse,
)
from pathways.services import caps, eligibility


def _limit() -> str:
    return settings().eligibility_rate_limit


@operation(
    api_bp,
    "/eligibility",
    "POST",
    summary="Which programs are open to a person, and why",
    tag="eligibility",
    body=EligibilityRequest,
    responses={200: EligibilityResponse},
    limit=_limit,
    description="No account needed and nothing is stored. `as_of` (default today) "
    "selects the rule versions in force on that date. Every program appears once.",
)
def check_eligibility(body: EligibilityRequest) -> dict:
    check = eligibility.check_eligibility(
        db_session(),
        cache_seconds=settings().catalog_cache_seconds,
        **body.model_dump(exclude_none=True),
    )
    return check.to_dict()


@operation(
    api_bp,
    "/programs",
    "GET",
    summary="The program catalog: rules, sources, caps and use",
    tag="eligibility",
    query=ProgramsQuery,
    responses={200: ProgramsResponse},
)
def list_programs(query: ProgramsQuery) -> dict:
    items = caps.catalog_view(db_session(), lang=query.lang, as_of=query.as_of)
    return {"items": items, "total": len(items)}
