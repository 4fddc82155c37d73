"""Supply: applicants, their consent records, and possible duplicate registrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class Applicant(SQLModel, table=True):
    """A person looking for a legal work pathway. Personal fields are erased on request
    (``status = "deleted"``); the row stays so that aggregate counts keep adding up."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    name: str = Field(max_length=200)
    # The name folded (no accents, case or order) to find the same person registered twice.
    name_key: str = Field(default="", max_length=200, index=True)
    phone: str | None = Field(default=None, max_length=40)
    id_document: str | None = Field(default=None, max_length=60)
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
    programs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_hourly_wage_usd_minor: int | None = None  # the lowest wage they would take, in cents
    # [{"name": "Licencia de conducir", "licence": "driver"}]
    certifications: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    returning_programs: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # [{"employer": "Valle Verde Orchards LLC", "vacancy_ref": "H-300-…"}]
    named_by: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    preferred_lang: str = Field(default="es", max_length=5)
    prior_immigration_violation: bool | None = None
    status: str = Field(default="active", max_length=10, index=True)  # ApplicantStatus
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
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


class DuplicateFlag(SQLModel, table=True):
    """Two registrations that may be the same person, with the evidence. Never merged
    automatically: an officer or the origin ministry says whether they are the same."""

    __tablename__ = "duplicate_flag"
    __table_args__ = (UniqueConstraint("applicant_id", "other_id"),)

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True)
    other_id: int = Field(foreign_key="applicant.id", index=True)
    score: float
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", max_length=12, index=True)  # open, same, different
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_by_id: int | None = Field(default=None, foreign_key="user.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=500)
