"""Policy what-if scenarios: the changes an officer can pick, and the results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from pathways.models.enums import ProgramCode
from pathways.schemas.codes import CountryCode
from pathways.schemas.common import PageQuery, StrictModel

Isco08 = Annotated[
    str,
    Field(pattern=r"^\d{4}$", description="ISCO-08 unit group, e.g. 9211", examples=["9211"]),
]


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Countries = Annotated[list[CountryCode], AfterValidator(_distinct)]


class OpenProgram(StrictModel):
    """Open a program to more nationalities: its nationality rules also admit these."""

    type: Literal["open_program"]
    program: ProgramCode
    nationalities: Countries = Field(min_length=1, max_length=30, examples=[["GT"]])


class H2BSupplemental(StrictModel):
    """Extra US H-2B visas on top of those left; optionally only for some nationalities."""

    type: Literal["h2b_supplemental"]
    amount: int = Field(gt=0, le=1_000_000, examples=[20000])
    reserved_for: Countries = Field(
        default_factory=list, max_length=30, description="empty: anyone may use them"
    )


class AddVacancies(StrictModel):
    """More slots in a program, shaped like its open vacancies (or the demand profile)."""

    type: Literal["add_vacancies"]
    program: ProgramCode
    count: int = Field(gt=0, le=100_000, description="slots to add", examples=[500])
    isco08: Isco08 | None = None
    months: int | None = Field(default=None, gt=0, le=36, description="season length")


class AddApplicants(StrictModel):
    """More people with an occupation, their other details drawn from current applicants."""

    type: Literal["add_applicants"]
    count: int = Field(gt=0, le=100_000, examples=[2000])
    isco08: Isco08
    origin: CountryCode | None = Field(default=None, description="empty: any origin")


Change = Annotated[
    OpenProgram | H2BSupplemental | AddVacancies | AddApplicants, Field(discriminator="type")
]


class ScenarioCreate(StrictModel):
    name: str = Field(min_length=1, max_length=120)
    changes: list[Change] = Field(min_length=1, max_length=10)


class ScenarioAccepted(BaseModel):
    id: int
    status: str


class Row(BaseModel):
    baseline: int | None
    scenario: int | None
    change: int | None


class ScenarioPublic(BaseModel):
    id: int
    name: str
    changes: list[dict[str, Any]]
    status: str = Field(description="queued, running, done or failed")
    progress: float
    stage: str
    error: str | None
    as_of: date | None
    state_fingerprint: str | None = Field(
        description="the state the figures were computed on: equal for comparable scenarios"
    )
    created_at: datetime
    finished_at: datetime | None
    results: dict[str, Any] = Field(
        description="baseline and scenario figures (matched, from_target_origins, by_program, "
        "by_destination, by_origin, slots_by_program, empty_by_program, unmatched_by_origin) "
        "and notes on what each change did"
    )
    comparison: dict[str, Any] | None = Field(
        description="baseline, scenario and change per row, and the causes that moved"
    )


class ScenarioPage(BaseModel):
    items: list[ScenarioPublic]
    total: int


class CompareQuery(StrictModel):
    ids: str = Field(
        pattern=r"^\d{1,9}(,\d{1,9}){1,9}$",
        description="two to ten scenario ids, comma-separated",
        examples=["1,2"],
    )

    def id_list(self) -> list[int]:
        return list(dict.fromkeys(int(i) for i in self.ids.split(",")))


class ScenarioComparison(BaseModel):
    items: list[dict[str, Any]]
    same_state: bool
    rows: dict[str, Any]


class ScenarioQuery(PageQuery):
    pass
