"""Vacancy requests and responses (API.md: Vacancies)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pathways.models.enums import LicenceCode, ProgramCode
from pathways.schemas.codes import CountryCode, LanguageCode
from pathways.schemas.common import PageQuery, StrictModel

Period = Literal["hour", "day", "week", "biweekly", "month", "year", "piece"]
CodeSystem = Literal["SOC2018", "ONETSOC", "NOC2021", "NOC2011", "SINCO2019"]


class Money(StrictModel):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, examples=[17.13])
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["USD"])
    per: Period = "hour"


class Worksite(StrictModel):
    country: CountryCode = Field(examples=["US"])
    subdivision: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", examples=["US-WA"]
    )
    city: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _subdivision_in_country(self) -> Worksite:
        if self.subdivision and not self.subdivision.startswith(self.country + "-"):
            raise PydanticCustomError(
                "subdivision_country",
                "subdivision {subdivision} is not in {country}",
                {"subdivision": self.subdivision, "country": self.country},
            )
        return self


class OccupationCode(StrictModel):
    system: CodeSystem
    code: str = Field(min_length=2, max_length=12)


class Employer(StrictModel):
    name: str = Field(min_length=1, max_length=300)
    # Canada's low-wage stream caps the share of low-wage foreign workers at a work location.
    workforce: int | None = Field(default=None, ge=1, le=10_000_000)
    low_wage_foreign_workers: int | None = Field(default=None, ge=0, le=10_000_000)
    naics: str | None = Field(default=None, pattern=r"^\d{2,6}$")

    @model_validator(mode="after")
    def _share_within_workforce(self) -> Employer:
        if (
            self.workforce is not None
            and self.low_wage_foreign_workers is not None
            and self.low_wage_foreign_workers > self.workforce
        ):
            raise PydanticCustomError(
                "low_wage_over_workforce",
                "low-wage foreign workers ({low_wage}) exceed the workforce ({workforce})",
                {"low_wage": self.low_wage_foreign_workers, "workforce": self.workforce},
            )
        return self


class Requirements(StrictModel):
    experience_months: int | None = Field(default=None, ge=0, le=600)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    licences: list[LicenceCode] = Field(default_factory=list, max_length=10)
    skills: str | None = Field(default=None, max_length=4000)


class VacancyFields(StrictModel):
    """Fields shared by create and update; on update every field is optional."""

    title_lang: Literal["es", "en", "fr"] | None = None
    occupation_code: OccupationCode | None = None
    employer: Employer | None = None
    wage: Money | None = None
    hours_per_week: Decimal | None = Field(default=None, gt=0, le=84)
    housing_provided: bool | None = None
    transport_provided: bool | None = None
    requirements: Requirements | None = None


class VacancyCreate(VacancyFields):
    program: ProgramCode
    title: str = Field(min_length=2, max_length=300, examples=["Farmworker"])
    positions: int = Field(ge=1, le=100000)
    worksite: Worksite
    start_date: date
    end_date: date
    external_ref: str | None = Field(default=None, min_length=1, max_length=120)

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value: date, info: Any) -> date:
        start = info.data.get("start_date")
        if start is not None and value < start:
            raise ValueError("is before start_date")
        if value < date.today():
            # A posted vacancy is a job still to fill; records of past work are imported as
            # files, where they are kept as closed history.
            raise ValueError("is in the past: the work has already ended")
        return value

    @model_validator(mode="after")
    def _program_in_country(self) -> VacancyCreate:
        if self.worksite.country != self.program[:2]:
            raise PydanticCustomError(
                "program_country",
                "worksite.country {country} is not the destination of {program}",
                {"country": self.worksite.country, "program": str(self.program)},
            )
        return self


class VacancyUpdate(VacancyFields):
    title: str | None = Field(default=None, min_length=2, max_length=300)
    positions: int | None = Field(default=None, ge=1, le=100000)
    worksite: Worksite | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["open", "closed"] | None = None


class VacancyQuery(PageQuery):
    program: ProgramCode | None = None
    country: CountryCode | None = None
    isco08: str | None = Field(
        default=None, pattern=r"^\d{1,4}$", description="ISCO-08 code or prefix (major/minor group)"
    )
    status: Literal["open", "closed"] | None = None
    q: str | None = Field(default=None, max_length=100, description="words in title/employer")


class OccupationPublic(BaseModel):
    title: str
    title_lang: str | None
    native_system: str | None
    native_code: str | None
    isco08: str | None
    isco08_title: str | None
    confidence: float | None


class VacancyPublic(BaseModel):
    id: int
    program: str
    title: str
    employer: dict[str, Any] | None
    occupation: OccupationPublic
    positions: int
    worksite: dict[str, Any]
    wage: dict[str, Any] | None
    wage_hourly: dict[str, Any] | None
    wage_hourly_usd: dict[str, Any] | None
    hours_per_week: float | None
    start_date: date | None
    end_date: date | None
    housing_provided: bool | None
    transport_provided: bool | None
    requirements: dict[str, Any]
    status: str
    source: str
    external_ref: str | None
    created_at: datetime
    updated_at: datetime
    raw: dict[str, Any] | None = None


class VacancyPage(BaseModel):
    items: list[VacancyPublic]
    total: int
    page: int
    per_page: int


class ImportQuery(StrictModel):
    format: Literal["oflc-h2a", "oflc-h2b", "seasonaljobs", "lmia", "jsonld", "csv"]


class RowErrorModel(BaseModel):
    row: int
    errors: list[dict[str, str]]


class ImportResultModel(BaseModel):
    received: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RowErrorModel]
    unknown_columns: list[str] = []
    batch_id: int | None = None
    history: int = Field(
        default=0,
        description="rows whose work had already ended: stored as closed records (history), "
        "not counted as open positions; included in created/updated/unchanged",
    )
