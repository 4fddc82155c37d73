from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pathways.schemas.common import StrictModel


class ResolveQuery(StrictModel):
    title: str = Field(min_length=1, max_length=200, description="a job title in any language")
    lang: Literal["es", "en", "fr"] | None = Field(default=None, description="language hint")
    limit: int = Field(default=5, ge=1, le=20)


class CandidateModel(BaseModel):
    isco08: str
    title: str
    soc2018: list[str]
    noc2021: list[str]
    sinco2019: list[str]
    score: float


class ResolveResponse(BaseModel):
    query: str
    candidates: list[CandidateModel]
