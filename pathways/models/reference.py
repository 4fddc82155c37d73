"""Reference data loaded from data/ (and official files): programs, rules, caps, occupations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class Program(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=20)  # API.md program code
    destination: str = Field(max_length=2, index=True)
    name_en: str = Field(max_length=200)
    name_es: str = Field(max_length=200)
    name_fr: str = Field(max_length=200)
    url: str | None = Field(default=None, max_length=500)
    # The program file as parsed (rules excluded: they live in ProgramRule, with history).
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProgramRule(SQLModel, table=True):
    """One version of one rule. Versions are never edited: a change adds a new version."""

    __tablename__ = "program_rule"
    __table_args__ = (UniqueConstraint("program_code", "rule_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    program_code: str = Field(foreign_key="program.code", index=True, max_length=20)
    rule_id: str = Field(max_length=100)
    effective_from: date
    effective_to: date | None = None
    certainty: str = Field(default="official", max_length=20)
    source: str = Field(max_length=500)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    origin: str = Field(default="data", max_length=20)  # data file, or web form
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    loaded_by_id: int | None = Field(default=None, foreign_key="user.id")


class ReferenceVersion(SQLModel, table=True):
    """Bumped on every load, so each worker process knows when its cached catalog is stale."""

    __tablename__ = "reference_version"

    key: str = Field(primary_key=True, max_length=40)
    version: int = 0
    digest: str = Field(default="", max_length=64)
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Occupation(SQLModel, table=True):
    isco08: str = Field(primary_key=True, max_length=4)
    level: int = 4
    title_en: str = Field(max_length=300)
    title_es: str = Field(max_length=300)
    title_fr: str = Field(max_length=300)
    family: str | None = Field(default=None, max_length=40)


class OccupationCode(SQLModel, table=True):
    """Crosswalk row: an ISCO-08 unit group and a national code (SOC 2018, NOC 2021, SINCO)."""

    __tablename__ = "occupation_code"
    __table_args__ = (UniqueConstraint("isco08", "system", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    isco08: str = Field(max_length=4, index=True)
    system: str = Field(sa_type=String(12))
    code: str = Field(max_length=12, index=True)
    relation: str = Field(default="exact", max_length=12)
    source: str = Field(default="", max_length=300)


class OccupationAlias(SQLModel, table=True):
    __tablename__ = "occupation_alias"

    id: int | None = Field(default=None, primary_key=True)
    isco08: str = Field(max_length=4, index=True)
    lang: str | None = Field(default=None, max_length=5)
    text: str = Field(max_length=300)
    weight: float = 1.0
    soc2018: str | None = Field(default=None, max_length=10)
    source: str = Field(default="", max_length=120)
