"""POST /api/v1/eligibility and GET /api/v1/programs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationInfo, field_validator

from pathways.schemas.codes import CountryCode, LanguageCode
from pathways.schemas.common import StrictModel


def _as_of_in_range(value: date) -> date:
    # Rules are dated from 1990 on and not projected further than five years ahead.
    if not date(1990, 1, 1) <= value <= date(date.today().year + 5, 12, 31):
        raise ValueError("must be between 1990-01-01 and five years from now")
    return value


AsOf = Annotated[date, AfterValidator(_as_of_in_range)]
Destination = Literal["US", "CA", "MX"]
Lang = Literal["es", "en", "fr"]


class EligibilityRequest(StrictModel):
    nationality: CountryCode = Field(examples=["GT"])
    birth_date: date = Field(examples=["1994-05-02"])
    residence_country: CountryCode | None = None
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    occupation_title: str | None = Field(default=None, max_length=200)
    isco08: str | None = Field(default=None, pattern=r"^\d{4}$")
    experience_months: int | None = Field(default=None, ge=0, le=720)
    available_from: date | None = None
    available_to: date | None = None
    destinations: list[Destination] = Field(default_factory=list, max_length=3)
    prior_immigration_violation: bool | None = None
    lang: Lang = "es"
    as_of: AsOf | None = None

    @field_validator("birth_date")
    @classmethod
    def _birth(cls, value: date) -> date:
        today = date.today()
        if value > today:
            raise ValueError("is in the future")
        if today.year - value.year > 120:
            raise ValueError("is more than 120 years ago")
        return value

    @field_validator("available_to")
    @classmethod
    def _window(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("available_from")
        if value is not None and start is not None and value < start:
            raise ValueError("is before available_from")
        return value


class ReasonModel(BaseModel):
    rule: str
    passed: bool | None
    message: str
    source: str


class ProgramResultModel(BaseModel):
    program: str
    destination: str
    status: Literal["eligible", "not_eligible", "needs_review"]
    reasons: list[ReasonModel]
    next_steps: list[str]


class ResolvedOccupation(BaseModel):
    isco08: str
    title: str
    score: float


class EligibilityResponse(BaseModel):
    as_of: date
    results: list[ProgramResultModel]
    occupation: ResolvedOccupation | None = None


class ProgramsQuery(StrictModel):
    lang: Lang = "en"
    as_of: AsOf | None = Field(default=None, description="only the rule versions in force then")


class ProgramsResponse(BaseModel):
    items: list[dict[str, Any]]
    total: int
