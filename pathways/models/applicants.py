"""Supply: applicants and their consent records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class Applicant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    name: str = Field(max_length=200)
    nationality: str = Field(max_length=2, index=True)
    birth_date: date
    sex: str = Field(max_length=1)  # F, M or X
    residence_country: str = Field(max_length=2)
    residence_subdivision: str | None = Field(default=None, max_length=6)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # [{"title": "cortador de café", "months": 36, "isco08": "9211"}]
    experience: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    available_from: date | None = None
    available_to: date | None = None
    destinations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    prior_immigration_violation: bool | None = None
    # Origin ministries verify the identity and documents of their nationals.
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by_id: int | None = Field(default=None, foreign_key="user.id")
    external_ref: str | None = Field(default=None, max_length=120, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Consent(SQLModel, table=True):
    """What the applicant agreed to, when, in which language; withdrawal is recorded, not erased."""

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True)
    purpose: str = Field(default="matching", max_length=40)
    text_version: str = Field(max_length=20)
    lang: str = Field(max_length=5)
    given_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
