"""Progress toward the target (API.md: ``GET /api/v1/progress``)."""

from __future__ import annotations

from typing import Any

from pathways.api.blueprint import api_bp
from pathways.api.spec import operation
from pathways.models import User
from pathways.requestctx import db_session, settings
from pathways.schemas.progress import ProgressPublic
from pathways.services import progress_report

READERS = ("officer", "admin", "ministry")


@operation(
    api_bp,
    "/progress",
    "GET",
    summary="New pathways counted toward the target, with the forecast to the window's end",
    tag="progress",
    roles=READERS,
    responses={200: ProgressPublic},
    description="The counting rule, target, window and origins are the service's settings "
    "(PATHWAYS_TARGET*); `definition` spells the rule out. Figures are computed on each call "
    "from the milestones noted as placements move, so they match the dashboard.",
)
def get_progress(principal: User) -> dict[str, Any]:
    report = progress_report.current_report(db_session(), settings())
    return progress_report.as_api(report)
