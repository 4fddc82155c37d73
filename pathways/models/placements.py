"""The pathway lifecycle: a placement and every status change with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class Placement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True)
    program_code: str = Field(foreign_key="program.code", index=True, max_length=20)
    run_id: int | None = Field(default=None, foreign_key="matching_run.id", index=True)
    status: str = Field(default="proposed", sa_type=String(12), index=True)
    status_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The cap pool that counted this placement's visa ("<cap id>/<fiscal year>"), set when it
    # reached its program's counting state; a later withdrawal does not give the number back.
    cap_key: str | None = Field(default=None, max_length=120, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlacementEvent(SQLModel, table=True):
    __tablename__ = "placement_event"

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    from_status: str | None = Field(default=None, sa_type=String(12))
    to_status: str = Field(sa_type=String(12), index=True)
    at: datetime = Field(sa_type=UTCDateTime)  # when it happened (may be in the past)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    note: str | None = Field(default=None, max_length=500)
