"""Read data/seasonality/ (US H-2 visas issued each month to Guatemalans, Salvadorans and
Hondurans: the progress forecast's prior knowledge of when in the year visas are issued)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

ISSUANCES_FILE = Path("seasonality") / "us_h2_issuances_gt_sv_hn_monthly.csv"


@cache
def monthly_issuances(data_dir: Path, origins: tuple[str, ...] = ()) -> dict[str, int]:
    """Visas issued per month (``"YYYY-MM"``), H-2A and H-2B together, to nationals of
    ``origins`` (every origin in the file when empty or when none of them is in it).

    A month the file lists for no one (2019-05, absent from the source) stays absent; a series
    missing one month of another's counts as zero there, as the file's README allows.
    """
    with (data_dir / ISSUANCES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    present = {row["origin"] for row in rows}
    wanted = set(origins) & present or present
    totals: dict[str, int] = {}
    for row in rows:
        if row["origin"] in wanted:
            totals[row["month"]] = totals.get(row["month"], 0) + int(row["issuances"])
    return dict(sorted(totals.items()))
