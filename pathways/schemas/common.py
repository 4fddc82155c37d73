"""Shapes shared by several resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """Request bodies reject unknown fields, so a typo is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(StrictModel):
    page: int = Field(default=1, ge=1, le=100_000, description="1-based page number")
    per_page: int = Field(default=50, ge=1, le=500, description="items per page (max 500)")
