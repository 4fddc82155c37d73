from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from pathways.schemas.common import PageQuery


class MePublic(BaseModel):
    id: int
    email: str
    role: str
    country: str | None


class AuditQuery(PageQuery):
    action: str | None = None
    entity: str | None = None


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]
    request_id: str | None


class AuditPage(BaseModel):
    items: list[AuditEventPublic]
    total: int
