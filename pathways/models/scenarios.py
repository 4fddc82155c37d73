"""Policy what-if scenarios: a set of changes, computed by `pathways worker` on a copy of the
current state, with the baseline and scenario figures side by side."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, String
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class Scenario(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # [{"type": "open_program", "program": "CA-SAWP", "nationalities": ["GT"]}, ...]
    changes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default="queued", sa_type=String(10), index=True)
    progress: float = 0.0
    stage: str = Field(default="queued", max_length=40)
    # {"baseline": {...}, "scenario": {...}, "notes": [...], ...} once done
    results: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A digest of what the figures were computed from (applicants, vacancies, placements,
    # rules, the date): two scenarios with the same one compare like with like, and a later
    # scenario on the same state reuses the baseline figures.
    state_fingerprint: str | None = Field(default=None, max_length=64, index=True)
    as_of: date | None = None
    # The baseline's placement ((applicant id, vacancy id) pairs, int64, zlib): a later
    # scenario on the same state starts from it instead of solving the baseline again.
    baseline_placement: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    error: str | None = None
    job_id: int | None = Field(default=None, foreign_key="job.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
