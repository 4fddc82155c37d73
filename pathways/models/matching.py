"""Matching runs (executed by `pathways worker`) and the matches they produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class MatchingRun(SQLModel, table=True):
    __tablename__ = "matching_run"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="queued", sa_type=String(10), index=True)
    objective: str = Field(default="max_pathways", max_length=30)
    programs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # min_score, fairness floors ({"by": "origin", "shares": {"SV": 0.25}})
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    progress: float = 0.0
    stage: str = Field(default="", max_length=40)
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = None
    job_id: int | None = Field(default=None, foreign_key="job.id")
    requested_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by_id: int | None = Field(default=None, foreign_key="user.id")


class Match(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="matching_run.id", index=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True)
    score: float
    review: bool = False  # a person must still check a program rule for this pair
    explanation: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    placement_id: int | None = Field(default=None, foreign_key="placement.id")
