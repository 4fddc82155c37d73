"""Shapes shared by several resources."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Row ids are 32-bit integers in PostgreSQL: a larger or non-positive one cannot name a row,
# and sending it to the database would fail there (a 500) instead of here (a 422).
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class StrictModel(BaseModel):
    """Request bodies reject unknown fields, so a typo is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(StrictModel):
    page: int = Field(default=1, ge=1, le=100_000, description="1-based page number")
    per_page: int = Field(default=50, ge=1, le=500, description="items per page (max 500)")
