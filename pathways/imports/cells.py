"""Cell conversion: a RowReader turns text cells into typed values and collects per-field
errors instead of raising, so one bad cell never stops a file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from matching.normalize import hourly_wage_detail, normalize_period

from .records import FieldError

# ---------------------------------------------------------------------------------------------
# Cell conversion

_TRUE = {"y", "yes", "true", "t", "1", "si", "sí", "oui", "x"}
_FALSE = {"n", "no", "false", "f", "0", "non"}
_NUMBER_CLEAN = re.compile(r"[\s$€£]|(?:CAD|USD|MXN|US|CA|MX)\$?", re.IGNORECASE)


def parse_decimal(text: str) -> Decimal:
    """``"$1,234.50"`` → 1234.50; ``"17,13"`` (decimal comma) → 17.13. Raises ValueError."""
    cleaned = _NUMBER_CLEAN.sub("", text)
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return value


def parse_date(text: str) -> date:
    """ISO dates and datetimes (``2026-01-08T00:00:00Z``), ``YYYY/MM/DD`` and US
    ``M/D/YYYY``. Raises ValueError."""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if not m:
            raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD)")
        mo, d, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None


def parse_bool(text: str) -> bool:
    folded = text.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no")


class RowReader:
    """Reads one record's cells by canonical field, collecting errors and warnings.

    Every getter returns ``None`` for a missing column or an empty cell, and for a bad value
    (after recording a :class:`FieldError` under the given API field name).
    """

    def __init__(self, cells: Mapping[str, str], columns: Mapping[str, str]) -> None:
        self.cells = cells  # canonical field → cell text
        self.columns = columns  # canonical field → column name as in the file
        self.errors: list[FieldError] = []
        self.warnings: list[FieldError] = []

    def error(
        self, field_name: str, template: str, *, column: str | None = None, **params: Any
    ) -> None:
        """Record an error; ``template`` is a literal English sentence (it is translated)."""
        self.errors.append(FieldError(field_name, template, params, column))

    def warn(
        self, field_name: str, template: str, *, column: str | None = None, **params: Any
    ) -> None:
        self.warnings.append(FieldError(field_name, template, params, column))

    def _where(self, key: str | None) -> str | None:
        return self.columns.get(key) if key else None

    def text(self, key: str) -> str | None:
        value = self.cells.get(key)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def decimal(self, key: str, field_name: str, *, zero_is_empty: bool = False) -> Decimal | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            number = parse_decimal(value)
        except ValueError:
            self.error(
                field_name, "“%(value)s” is not a number", value=value, column=self._where(key)
            )
            return None
        if number < 0:
            self.error(field_name, "“%(value)s” is negative", value=value, column=self._where(key))
            return None
        if zero_is_empty and number == 0:
            return None
        return number

    def integer(self, key: str, field_name: str) -> int | None:
        number = self.decimal(key, field_name)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(
                field_name,
                "“%(value)s” is not a whole number",
                value=self.text(key),
                column=self._where(key),
            )
            return None
        return int(number)

    def date(self, key: str, field_name: str) -> date | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.error(
                field_name,
                "“%(value)s” is not a date (write it as year-month-day, e.g. 2027-03-01)",
                value=value,
                column=self._where(key),
            )
            return None

    def boolean(self, key: str, field_name: str) -> bool | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return parse_bool(value)
        except ValueError:
            self.error(
                field_name, "“%(value)s” is not yes or no", value=value, column=self._where(key)
            )
            return None

    def positions(self, *keys: str) -> int | None:
        """First positive worker count among ``keys`` (a zero falls through to the next
        column: OFLC leaves certified counts at 0 for denied cases); none → error."""
        zero_key: str | None = None
        for key in keys:
            if self.text(key) is None:
                continue
            count = self.integer(key, "positions")
            if count is None:
                return None
            if count >= 1:
                return count
            zero_key = zero_key or key
        if zero_key is not None:
            self.error("positions", "must be at least 1, got 0", column=self._where(zero_key))
        else:
            self.error("positions", "the number of workers needed is missing")
        return None

    def wage(
        self,
        amount_key: str,
        per_key: str | None,
        hours: Decimal | None,
        *,
        per_text: str | None = None,
        guaranteed_hourly: Decimal | None = None,
    ) -> tuple[Decimal | None, str | None, Decimal | None]:
        """``(amount, per, hourly)``. A wage without a recognisable period is an error,
        except an empty period, which leaves the wage unset with a warning."""
        amount = self.decimal(amount_key, "wage")
        label = per_text if per_text is not None else (self.text(per_key) if per_key else None)
        if amount is None:
            return None, None, None
        if label is None:
            self.warn(
                "wage", "wage %(amount)s has no pay period; wage left unset", amount=str(amount)
            )
            return None, None, None
        per = normalize_period(label)
        if per is None:
            self.error(
                "wage",
                "“%(value)s” is not a pay period (hour, day, week, …)",
                value=label,
                column=self._where(per_key),
            )
            return None, None, None
        detail = hourly_wage_detail(
            amount, per, hours_per_week=hours, guaranteed_hourly=guaranteed_hourly
        )
        if detail.reason:
            self.warn("wage", "%(reason)s", reason=detail.reason)
        return amount, per, detail.amount


def check_dates(reader: RowReader, start: date | None, end: date | None) -> None:
    if start and end and end < start:
        reader.error(
            "end_date",
            "end date %(end)s is before start date %(start)s",
            end=end.isoformat(),
            start=start.isoformat(),
        )


def closed_status(status: str | None) -> str:
    """OFLC/SeasonalJobs case statuses → ``open``/``closed``."""
    if status and re.search(r"denied|withdrawn|rejected|revoked|expired|closed", status, re.I):
        return "closed"
    return "open"


SOC_RE = re.compile(r"^(\d{2})-?(\d{4})(?:\.(\d{2}))?$")


def normalize_soc(code: str | None) -> tuple[str | None, str | None]:
    """``"45-2092.00"`` → ``("ONETSOC", "45-2092.00")``; ``"452092"`` → ``("SOC2018",
    "45-2092")``; anything else → ``(None, None)``."""
    if not code:
        return None, None
    m = SOC_RE.match(code.strip())
    if not m:
        return None, None
    major, minor, onet = m.groups()
    if onet is not None:
        return "ONETSOC", f"{major}-{minor}.{onet}"
    return "SOC2018", f"{major}-{minor}"
