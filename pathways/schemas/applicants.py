"""Applicants (API.md: Applicants) and their duplicates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pathways.models.enums import LicenceCode, ProgramCode
from pathways.reference.places import canonical_subdivision, is_known_subdivision
from pathways.schemas.codes import CountryCode, LanguageCode
from pathways.schemas.common import PageQuery, StrictModel

Destination = Literal["US", "CA", "MX"]
Lang = Literal["es", "en", "fr"]
Sex = Literal["F", "M", "X"]


class Residence(StrictModel):
    country: CountryCode = Field(examples=["GT"])
    subdivision: str | None = Field(
        default=None, max_length=6, examples=["GT-QZ"], description="ISO 3166-2 department"
    )

    @model_validator(mode="after")
    def _known(self) -> Residence:
        if self.subdivision is not None:
            if not is_known_subdivision(self.subdivision, self.country):
                raise PydanticCustomError(
                    "subdivision_country",
                    "subdivision {subdivision} is not in {country}",
                    {"subdivision": self.subdivision, "country": self.country},
                )
            self.subdivision = canonical_subdivision(self.subdivision)
        return self


class Experience(StrictModel):
    title: str = Field(min_length=2, max_length=200, examples=["cortador de café"])
    months: int = Field(ge=0, le=720, examples=[36])
    isco08: str | None = Field(
        default=None,
        pattern=r"^\d{4}$",
        description="ISCO-08 unit group when known (e.g. confirmed by the person); "
        "otherwise resolved from the title",
    )


class Certification(StrictModel):
    name: str = Field(min_length=2, max_length=200, examples=["Licencia de conducir"])
    licence: LicenceCode | None = None


class NamedBy(StrictModel):
    employer: str = Field(min_length=2, max_length=300)
    vacancy_ref: str | None = Field(default=None, max_length=120)


class ApplicantFields(StrictModel):
    """Everything but the identity: what an applicant may change later."""

    languages: list[LanguageCode] = Field(default_factory=list, max_length=15)
    experience: list[Experience] = Field(default_factory=list, max_length=15)
    available_from: date | None = None
    available_to: date | None = None
    destinations: list[Destination] = Field(default_factory=list, max_length=3)
    programs: list[ProgramCode] = Field(default_factory=list, max_length=8)
    min_hourly_wage_usd: Decimal | None = Field(default=None, ge=0, le=500, decimal_places=2)
    certifications: list[Certification] = Field(default_factory=list, max_length=15)
    returning_programs: list[ProgramCode] = Field(
        default_factory=list, max_length=8, description="programs worked in before"
    )
    named_by: list[NamedBy] = Field(
        default_factory=list, max_length=5, description="employers who asked for this person"
    )
    phone: str | None = Field(default=None, max_length=40, pattern=r"^[0-9+() .-]{6,40}$")
    preferred_lang: Lang = "es"
    prior_immigration_violation: bool | None = None

    @field_validator("available_to")
    @classmethod
    def _window(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("available_from")
        if value is not None and start is not None and value < start:
            raise ValueError("is before available_from")
        return value


class ApplicantCreate(ApplicantFields):
    name: str = Field(min_length=2, max_length=200, examples=["María López Pérez"])
    nationality: CountryCode = Field(examples=["GT"])
    birth_date: date = Field(examples=["1994-05-02"])
    sex: Sex
    residence: Residence
    id_document: str | None = Field(default=None, max_length=60)
    external_ref: str | None = Field(default=None, min_length=1, max_length=120)
    consent: bool = Field(description="must be true: the person agreed to be matched")
    consent_lang: Lang | None = None

    @field_validator("birth_date")
    @classmethod
    def _birth(cls, value: date) -> date:
        today = date.today()
        if value > today:
            raise ValueError("is in the future")
        if today.year - value.year > 120:
            raise ValueError("is more than 120 years ago")
        return value

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("must be true: nothing is stored without the person's consent")
        return value


class ApplicantUpdate(ApplicantFields):
    """A partial update: only the fields sent change."""

    languages: list[LanguageCode] | None = None  # type: ignore[assignment]
    experience: list[Experience] | None = None  # type: ignore[assignment]
    destinations: list[Destination] | None = None  # type: ignore[assignment]
    programs: list[ProgramCode] | None = None  # type: ignore[assignment]
    certifications: list[Certification] | None = None  # type: ignore[assignment]
    returning_programs: list[ProgramCode] | None = None  # type: ignore[assignment]
    named_by: list[NamedBy] | None = None  # type: ignore[assignment]
    preferred_lang: Lang | None = None  # type: ignore[assignment]
    residence: Residence | None = None


class ExperiencePublic(BaseModel):
    title: str
    months: int
    isco08: str | None
    occupation: str | None
    confidence: float | None
    confirmed: bool


class ApplicantPublic(BaseModel):
    id: int
    name: str
    nationality: str
    birth_date: date
    sex: str
    residence: dict[str, Any]
    languages: list[str]
    experience: list[ExperiencePublic]
    available_from: date | None
    available_to: date | None
    destinations: list[str]
    programs: list[str]
    min_hourly_wage_usd: float | None
    certifications: list[dict[str, Any]]
    returning_programs: list[str]
    named_by: list[dict[str, Any]]
    phone: str | None
    id_document: str | None
    preferred_lang: str
    status: str
    verified: bool
    consent: dict[str, Any] | None
    duplicates: list[dict[str, Any]]
    external_ref: str | None
    created_at: datetime
    updated_at: datetime


class ApplicantQuery(PageQuery):
    lang: Lang = Field(default="en", description="language of occupation titles")
    nationality: CountryCode | None = None
    status: Literal["active", "withdrawn", "deleted"] | None = None
    verified: bool | None = None
    q: str | None = Field(default=None, max_length=100, description="words of the name")


class ApplicantPage(BaseModel):
    items: list[ApplicantPublic]
    total: int
    page: int
    per_page: int


class DuplicateQuery(PageQuery):
    status: Literal["open", "same", "different"] | None = None
    lang: Lang = Field(default="en", description="language of the evidence")


class DuplicateResolve(StrictModel):
    decision: Literal["same", "different"]
    note: str | None = Field(default=None, max_length=500)
