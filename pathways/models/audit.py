"""Every write: who, what, when. Details hold identifiers and counts, never personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_label: str = Field(default="", max_length=60)  # "user:3", "cli", "worker"
    action: str = Field(max_length=60, index=True)  # e.g. "vacancy.create"
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str | None = Field(default=None, max_length=40)
