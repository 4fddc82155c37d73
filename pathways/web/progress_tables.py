"""The tables of the progress pages, built once from a report and shown as HTML or CSV.

A page and its CSV files render the same :class:`Table` objects, made from the same service
call as the API answer, so the figures cannot differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from pathways.exports import csv_bytes
from pathways.services.disclosure import Cell, suppress
from pathways.services.gap import GapReport, GapRow
from pathways.services.progress_report import ProgressReport
from pathways.web import progress_labels as labels


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header: stable, in English
    label: Any  # the page's header, translated
    numeric: bool = True


@dataclass(frozen=True)
class Row:
    code: str  # the row's code (CSV, element ids)
    label: str  # what the page shows for it
    values: tuple[Any, ...]  # one per numeric column: int, float, None, or a Cell


@dataclass(frozen=True)
class Table:
    key: str
    title: Any
    columns: tuple[Column, ...]  # the row header first, then the values
    rows: tuple[Row, ...]
    note: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Columns the page leaves out when they are 0 in every row (the CSV keeps them all).
    optional: frozenset[str] = frozenset()

    def shown(self) -> list[int]:
        """Indices of the columns the page shows."""
        return [
            i
            for i, c in enumerate(self.columns)
            if c.key not in self.optional or any(row.values[i - 1] for row in self.rows)
        ]

    def csv(self) -> bytes:
        """The table as CSV: code, name, then the values (a hidden cell stays empty)."""
        return csv_bytes(
            ["code", "name", *(c.key for c in self.columns[1:])],
            ([row.code, row.label, *(_csv_value(v) for v in row.values)] for row in self.rows),
        )


def _csv_value(value: Any) -> Any:
    if isinstance(value, Cell):
        return "" if value.shown is None else value.shown
    if isinstance(value, float):
        return round(value, 1)
    return value


def _month_label(month: str) -> date:
    return date(int(month[:4]), int(month[5:]), 1)


# ---------------------------------------------------------------------------------------------
# The officer dashboard


def _breakdown(
    key: str,
    title: Any,
    head: Any,
    counts: Mapping[str, int],
    name: Callable[[str], str],
    total: int,
) -> Table:
    rows = tuple(
        Row(code, name(code), (n, 100 * n / total if total else None)) for code, n in counts.items()
    )
    columns = (Column("name", head, numeric=False), Column("people", _l("People")),
               Column("share_percent", _l("Share of those counted")))  # fmt: skip
    return Table(key, title, columns, rows)


def dashboard_tables(report: ProgressReport) -> dict[str, Table]:
    """Every table of the dashboard, by key (also the CSV file name)."""
    c = report.counts
    names = labels.program_names()
    total = c.counted
    burnup = Table(
        "month",
        _l("Month by month"),
        (
            Column("month", _l("Month"), numeric=False),
            Column("counted", _l("Counted in the month")),
            Column("cumulative", _l("Counted to date")),
            Column("target_line", _l("Target pro-rated")),
            Column("forecast", _l("Forecast")),
            Column("forecast_low", _l("Forecast, low")),
            Column("forecast_high", _l("Forecast, high")),
        ),
        tuple(
            Row(
                m.month,
                m.month,
                (m.counted, m.cumulative, m.target_line, m.forecast, m.low, m.high),
            )  # fmt: skip
            for m in report.burnup
        ),
        extra={"months": {m.month: _month_label(m.month) for m in report.burnup}},
    )
    return {
        "month": burnup,
        "destination": _breakdown("destination", _l("By destination country"),
                                  _l("Country"), c.by_destination, labels.country, total),
        "program": _breakdown("program", _l("By program"), _l("Program"), c.by_program,
                              lambda code: names.get(code, code), total),
        "origin": _breakdown("origin", _l("By nationality"), _l("Nationality"), c.by_origin,
                             labels.country, total),
        "department": _breakdown("department", _l("By department of residence"),
                                 _l("Department"), c.by_subdivision, labels.place, total),
        "sex": _breakdown("sex", _l("By sex"), _l("Sex"), c.by_sex, labels.sex, total),
        "returning": _breakdown("returning", _l("New and returning workers"), _l("Workers"),
                                c.new_vs_returning,
                                lambda k: str(labels.NEW_VS_RETURNING[k]), total),
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The public page: the same counts, with small cells suppressed


def public_tables(report: ProgressReport) -> dict[str, Table]:
    c = report.counts
    names = labels.program_names()

    def table(key: str, title: Any, head: Any, counts: Mapping[str, int],
              name: Callable[[str], str], nested: bool = False) -> Table:  # fmt: skip
        cells = suppress(counts, group_of=(lambda code: code[:2]) if nested else None)
        return Table(
            key,
            title,
            (Column("name", head, numeric=False), Column("people", _l("People"))),
            tuple(Row(code, name(code), (cell,)) for code, cell in cells.items()),
            extra={"months": {m: _month_label(m) for m in counts}} if key == "month" else {},
        )

    return {
        "destination": table("destination", _l("By destination country"), _l("Country"),
                             c.by_destination, labels.country),
        "program": table("program", _l("By program"), _l("Program"), c.by_program,
                         lambda code: names.get(code, code), nested=True),
        "origin": table("origin", _l("By nationality"), _l("Nationality"), c.by_origin,
                        labels.country),
        "department": table("department", _l("By department of residence"), _l("Department"),
                            c.by_subdivision, labels.place, nested=True),
        "sex": table("sex", _l("By sex"), _l("Sex"), c.by_sex, labels.sex),
        "returning": table("returning", _l("New and returning workers"), _l("Workers"),
                           c.new_vs_returning, lambda k: str(labels.NEW_VS_RETURNING[k])),
        "month": table("month", _l("By month"), _l("Month"), c.by_month, lambda m: m),
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Why slots stay empty


def gap_tables(gap: GapReport) -> dict[str, Table]:
    names = labels.program_names()

    def slots(key: str, title: Any, head: Any, rows: tuple[GapRow, ...],
              name: Callable[[str], str]) -> Table:  # fmt: skip
        causes = list(rows[0].causes) if rows else list(labels.SLOT_CAUSES)
        return Table(
            key,
            title,
            (
                Column("name", head, numeric=False),
                Column("slots", _l("Slots")),
                Column("filled", _l("Filled")),
                Column("empty", _l("Empty")),
                *(Column(f"empty_{cause}", labels.SLOT_CAUSES.get(cause, cause))
                  for cause in causes),
            ),
            tuple(Row(r.code, name(r.code),
                      (r.total, r.filled, r.left, *(r.causes[c] for c in causes)))
                  for r in rows),
            optional=frozenset(f"empty_{cause}" for cause in causes),
        )  # fmt: skip

    causes = list(gap.origins[0].causes) if gap.origins else list(labels.APPLICANT_CAUSES)
    return {
        "programs": slots("programs", _l("Empty slots by program"), _l("Program"),
                          gap.programs, lambda code: names.get(code, code)),
        "destinations": slots("destinations", _l("Empty slots by destination country"),
                              _l("Country"), gap.destinations, labels.country),
        "applicants": Table(
            "applicants",
            _l("Applicants without an offer, by nationality"),
            (
                Column("name", _l("Nationality"), numeric=False),
                Column("applicants", _l("Applicants in the run")),
                Column("matched", _l("With an offer")),
                Column("without_offer", _l("Without an offer")),
                *(Column(f"without_{cause}", labels.APPLICANT_CAUSES.get(cause, cause))
                  for cause in causes),
            ),
            tuple(Row(r.code, labels.country(r.code),
                      (r.total, r.filled, r.left, *(r.causes[c] for c in causes)))
                  for r in gap.origins),
            optional=frozenset(f"without_{cause}" for cause in causes),
        ),
    }  # fmt: skip
