"""Progress toward the new-pathways target (API.md: ``GET /api/v1/progress``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Window(BaseModel):
    start: str = Field(description="first day counted (ISO date)")
    end: str = Field(description="last day counted (ISO date)")


class MonthCount(BaseModel):
    month: str = Field(description="YYYY-MM")
    count: int


class Backtest(BaseModel):
    origins: int = Field(description="forecast origins tried on the months observed")
    horizon_months: int
    mape: float | None = Field(description="mean absolute error of the 3-month totals")
    bias: float | None = Field(description="> 0: over-forecast")
    coverage: float = Field(description="share of actual totals inside the interval")


class ForecastMonth(BaseModel):
    month: str
    cumulative: int | None = Field(description="central cumulative forecast at the month's end")
    low: int | None
    high: int | None
    target_line: int = Field(description="the target pro-rated to the month's end")


class ProgressForecast(BaseModel):
    end_of_window: int = Field(description="central forecast of the count when the window ends")
    low: int
    high: int | None = Field(description="null while no day of the window has been observed")
    on_track: bool = Field(description="end_of_window >= target")
    gap: int = Field(description="target - end_of_window (negative: ahead)")
    chance_of_target: float | None = Field(description="share of simulated futures that reach it")
    level: float = Field(description="probability covered by low..high")
    projected: bool = Field(description="false before the window starts and after it ends")
    method: str = Field(description="how the forecast was made, in plain words")
    backtest: Backtest | None
    by_month: list[ForecastMonth]


class ProgressPublic(BaseModel):
    target: int
    window: Window
    definition: str = Field(description="the counting rule in force, in plain words")
    counted: int = Field(description="new pathways counted so far")
    by_destination: dict[str, int]
    by_program: dict[str, int]
    by_origin: dict[str, int]
    by_sex: dict[str, int]
    by_month: list[MonthCount]
    expected_to_date: int = Field(description="the target pro-rated to as_of")
    forecast: ProgressForecast
    as_of: str = Field(description="the day the figures cover (UTC)")
    origins: list[str]
    by_subdivision: dict[str, int] = Field(
        description="by the department of residence (ISO 3166-2); a country code alone for "
        "people of that nationality who gave no department"
    )
    new_vs_returning: dict[str, int] = Field(
        description="'returning': people who had worked in the program before"
    )
