"""Placements: the pathway lifecycle (API.md: Placements)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from pathways.models.enums import ProgramCode
from pathways.schemas.common import PageQuery, RowId, StrictModel

State = Literal[
    "proposed",
    "offered",
    "accepted",
    "authorized",
    "visa_issued",
    "arrived",
    "completed",
    "withdrawn",
]
MoveTo = Literal[
    "offered", "accepted", "authorized", "visa_issued", "arrived", "completed", "withdrawn"
]


class PlacementCreate(StrictModel):
    applicant_id: RowId
    vacancy_id: RowId


class TransitionRequest(StrictModel):
    to: MoveTo
    at: date | datetime | None = Field(
        default=None,
        description="when it happened (default: now); a past date records history, "
        "a future one is refused",
    )
    note: str | None = Field(default=None, max_length=500)


class BulkTransitionRequest(TransitionRequest):
    ids: list[RowId] = Field(min_length=1, max_length=1000, description="the placements to move")


class HistoryEntry(BaseModel):
    from_: State | None = Field(alias="from")
    to: State
    at: datetime = Field(description="when it happened")
    recorded_at: datetime = Field(description="when it was recorded")
    by: str | None = Field(description="who recorded it (empty for the system)")
    note: str | None

    model_config = {"populate_by_name": True}


class PlacementPublic(BaseModel):
    id: int
    status: State
    status_at: datetime
    applicant_id: int
    vacancy_id: int
    program: str
    destination: str
    run_id: int | None
    cap: str | None = Field(description="the cap pool that counted its visa, if any")
    next: list[State] = Field(description="the states it may move to")
    created_at: datetime
    history: list[HistoryEntry] | None = None


class PlacementPage(BaseModel):
    items: list[PlacementPublic]
    total: int
    page: int
    per_page: int


class PlacementQuery(PageQuery):
    status: State | None = None
    program: ProgramCode | None = None
    vacancy_id: RowId | None = None
    applicant_id: RowId | None = None
    run_id: RowId | None = None


class BulkResult(BaseModel):
    moved: int
    items: list[PlacementPublic]
