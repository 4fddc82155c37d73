"""Matching runs and their matches (API.md: Matching)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from pathways.models.enums import ProgramCode
from pathways.schemas.common import PageQuery, RowId, StrictModel


class Floors(StrictModel):
    by: Literal["origin", "sex"] = Field(description="the grouping the shares are about")
    shares: dict[str, float] = Field(
        description='minimum share of the people placed, e.g. {"SV": 0.25} or {"F": 0.3}'
    )

    @field_validator("shares")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("give at least one group")
        if any(not 0 <= share <= 1 for share in value.values()):
            raise ValueError("each share must be between 0 and 1")
        if sum(value.values()) > 1:
            raise ValueError("the shares add up to more than 1")
        return value


class RunCreate(StrictModel):
    programs: list[ProgramCode] = Field(
        default_factory=list, max_length=8, description="empty: every program"
    )
    objective: Literal["max_pathways", "max_score"] = "max_pathways"
    min_score: float = Field(default=0.0, ge=0, le=1)
    floors: Floors | None = None


class RunAccepted(BaseModel):
    id: int
    status: str


class RunStats(BaseModel):
    applicants: int | None = None
    vacancies: int | None = None
    slots: int | None = None
    candidate_pairs: int | None = None
    matched: int | None = None
    upper_bound: int | None = None
    seconds: float | None = None
    model_config = {"extra": "allow"}


class RunPublic(BaseModel):
    id: int
    status: str
    objective: str
    programs: list[str]
    options: dict[str, Any]
    progress: float
    stage: str
    stats: RunStats
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    published_at: datetime | None


class RunPage(BaseModel):
    items: list[RunPublic]
    total: int


class MatchPublic(BaseModel):
    id: int
    applicant_id: int
    vacancy_id: int
    score: float
    review: bool
    explanation: dict[str, Any]
    placement_id: int | None


class MatchPage(BaseModel):
    items: list[MatchPublic]
    total: int
    page: int
    per_page: int


class MatchQuery(PageQuery):
    pass


class PublishRequest(StrictModel):
    match_ids: list[RowId] = Field(
        default_factory=list, max_length=100_000, description="empty: every match of the run"
    )


class PublishResult(BaseModel):
    placements: int
