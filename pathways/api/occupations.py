"""Job titles → ISCO-08, with SOC, NOC and SINCO codes (public, like the eligibility check)."""

from __future__ import annotations

from typing import Any

from pathways.api.blueprint import api_bp
from pathways.api.spec import operation
from pathways.requestctx import db_session, settings
from pathways.schemas.occupations import ResolveQuery, ResolveResponse
from pathways.services import occupations


def _limit() -> str:
    return settings().eligibility_rate_limit


@operation(
    api_bp,
    "/occupations/resolve",
    "GET",
    tag="occupations",
    query=ResolveQuery,
    summary="Resolve a job title to ISCO-08 candidates with national codes",
    responses={200: ResolveResponse},
    limit=_limit,
)
def resolve_occupation(query: ResolveQuery) -> dict[str, Any]:
    resolver = occupations.get_resolver(db_session(), max_age=settings().catalog_cache_seconds)
    candidates = resolver.resolve(query.title, lang=query.lang, limit=query.limit)
    return {"query": query.title, "candidates": [c.to_dict(query.lang or "en") for c in candidates]}
