"""Demand: vacancies posted or imported by destination ministries, and their import batches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, String
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class Vacancy(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    program_code: str = Field(foreign_key="program.code", index=True, max_length=20)
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    employer_name: str | None = Field(default=None, max_length=300)
    # The employer's workforce at the work location when it posted (TFWP low-wage cap: the
    # share of low-wage foreign workers there), and its industry (NAICS: the share allowed).
    employer_workforce: int | None = None
    employer_low_wage_tfws: int | None = None
    employer_naics: str | None = Field(default=None, max_length=6)
    # Occupation: what the source said, its native code, and what the resolver made of it.
    title: str = Field(max_length=300)
    title_lang: str | None = Field(default=None, max_length=5)
    native_code_system: str | None = Field(default=None, max_length=12)
    native_code: str | None = Field(default=None, max_length=12)
    isco08: str | None = Field(default=None, max_length=4, index=True)
    isco08_confidence: float | None = None
    positions: int = Field(ge=1)
    worksite_country: str = Field(max_length=2, index=True)
    worksite_subdivision: str | None = Field(default=None, max_length=6)
    worksite_city: str | None = Field(default=None, max_length=200)
    worksite_postal_code: str | None = Field(default=None, max_length=20)
    # Money in integer minor units with its currency; normalised hourly figures alongside.
    wage_amount_minor: int | None = None
    wage_currency: str | None = Field(default=None, max_length=3)
    wage_per: str | None = Field(default=None, max_length=10)
    wage_hourly_minor: int | None = None
    wage_hourly_usd_minor: int | None = None
    hours_per_week: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    housing_provided: bool | None = None
    transport_provided: bool | None = None
    experience_months: int | None = None
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    licences: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skills_text: str | None = None
    status: str = Field(default="open", sa_type=String(10), index=True)
    source: str = Field(default="api", max_length=20)
    external_ref: str | None = Field(default=None, max_length=120, unique=True)
    raw: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ImportBatch(SQLModel, table=True):
    """One uploaded file, imported all-or-nothing, with its per-row report."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    format: str = Field(max_length=20)
    filename: str | None = Field(default=None, max_length=255)
    status: str = Field(default="queued", sa_type=String(10))
    country: str | None = Field(default=None, max_length=2)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows whose work had already ended when the file was imported (e.g. past disclosure
    # records): stored closed, as history, and kept out of the demand counts.
    history: int = 0
    processed: int = 0
    rejected: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    unknown_columns: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    error: str | None = None
    # The process importing it (host:pid:thread, as jobs.worker_name): a batch imported
    # inside a web request has no job, and this is how a restart knows its importer died.
    claimed_by: str | None = Field(default=None, max_length=120)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
