"""Import of the SeasonalJobs snapshot through the API, on SQLite, timed end to end.

Run: ``python tests/benchmarks/bench_import.py`` from the repository root with the venv's
python. Needs ``../shared/data/us_oflc/seasonaljobs_job_orders_snapshot_2026-01.csv`` (the
data directory is overridable with ``PATHWAYS_SHARED_DATA``); exits 2 when it is missing.

Issue: "the 13,557-row SeasonalJobs snapshot imported through the API in under 60 s on
SQLite, every row accounted for (received == created + updated + unchanged + rejected)."
The service runs as ``gunicorn --workers 1 --timeout 300`` on a throwaway SQLite database
with the reference data loaded; an admin and its token are made with the CLI; the file is
POSTed as the body of ``/api/v1/vacancies/import?format=seasonaljobs`` and timed from the
first byte sent to the last byte of the response. Then the same file is POSTed again: the
re-import must create nothing (``external_ref`` is the key).

Before the server part, the file is parsed in-process (``pathways.imports.parse_file``, the
parser alone: no database, no resolver), timed; this was a timed unit test.

Targets (exit 1 if any is missed): parse < 10 s; first import < 60 s; HTTP 200 both times;
the accounting identity holds both times; ``received`` equals the file's data rows;
re-import created == 0.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import REPO, Harness, die, request  # noqa: E402

NAME = "bench_import"
TARGET_SECONDS = 60.0
PARSE_TARGET_SECONDS = 10.0
REQUEST_TIMEOUT = 330  # above gunicorn's --timeout 300
SHARED = Path(os.environ.get("PATHWAYS_SHARED_DATA") or REPO.parent / "shared" / "data")
SNAPSHOT = SHARED / "us_oflc" / "seasonaljobs_job_orders_snapshot_2026-01.csv"
EMAIL = "bench-admin@example.org"


def data_rows(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        return sum(1 for row in reader if any(cell.strip() for cell in row))


def post_file(port: int, token: str, body: bytes) -> tuple[int, Any, float]:
    t = time.perf_counter()
    status, raw = request(
        port,
        "POST",
        "/api/v1/vacancies/import?format=seasonaljobs",
        body,
        {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        timeout=REQUEST_TIMEOUT,
    )
    seconds = time.perf_counter() - t
    try:
        data = json.loads(raw)
    except ValueError:
        data = raw.decode(errors="replace")
    return status, data, seconds


def parse_time(body: bytes) -> tuple[float, int]:
    """Seconds to parse the snapshot in-process (best of two runs) and the rows parsed."""
    sys.path.insert(0, str(REPO))
    from pathways.imports import parse_file

    best, n = float("inf"), 0
    for _ in range(2):
        t = time.perf_counter()
        parsed = parse_file("seasonaljobs", body)
        best, n = min(best, time.perf_counter() - t), len(parsed.rows)
    return best, n


def parse_line(rows: int, seconds: float) -> str:
    return (
        f"  parse in-process (parser only): {rows} rows in {seconds:.2f} s "
        f"(target < {PARSE_TARGET_SECONDS:.0f} s)"
    )


def accounted(report: dict[str, Any]) -> bool:
    return report["received"] == (
        report["created"] + report["updated"] + report["unchanged"] + len(report["rejected"])
    )


def main() -> int:
    if not SNAPSHOT.is_file():
        die(
            NAME,
            f"shared data file missing: {SNAPSHOT} (set PATHWAYS_SHARED_DATA to the "
            "directory holding us_oflc/); nothing was measured",
        )
    body = SNAPSHOT.read_bytes()
    rows = data_rows(SNAPSHOT)
    parse_seconds, parsed_rows = parse_time(body)

    results: list[tuple[str, int, Any, float]] = []
    with Harness(NAME) as h:
        setup = h.prepare_db()
        h.cli(
            "create-user",
            "--email",
            EMAIL,
            "--role",
            "admin",
            "--password",
            "bench-only-password-123",
        )
        token = h.cli("issue-token", "--email", EMAIL).strip().splitlines()[-1].strip()
        port = h.gunicorn("pathways", "wsgi:app", workers=1, timeout=300)
        for label in ("first import", "re-import"):
            print(f"  POST {SNAPSHOT.name} ({label})...", flush=True)
            status, data, seconds = post_file(port, token, body)
            results.append((label, status, data, seconds))
            if status != 200 or not isinstance(data, dict):
                print(f"  {label}: HTTP {status}: {str(data)[:1500]}")
                print(h.log_tail("pathways"))
                break

    print()
    print(
        f"{NAME}: {SNAPSHOT} ({len(body) / 1e6:.1f} MB, {rows} data rows); SQLite; "
        "gunicorn --workers 1 --timeout 300"
    )
    print(
        f"  setup (db upgrade + load-reference): {setup:.1f} s; {os.cpu_count()} CPU(s); "
        f"1-min load average {os.getloadavg()[0]:.2f}"
    )
    print(parse_line(parsed_rows, parse_seconds))
    print()
    print(
        f"  {'run':<14}{'HTTP':>5}{'received':>10}{'created':>9}{'updated':>9}"
        f"{'unchanged':>11}{'rejected':>10}{'seconds':>9}{'rows/s':>8}  identity"
    )
    failures: list[str] = []
    if parse_seconds >= PARSE_TARGET_SECONDS:
        failures.append(f"parse took {parse_seconds:.2f} s >= {PARSE_TARGET_SECONDS:.0f} s")
    if parsed_rows != rows:
        failures.append(f"parsed {parsed_rows} rows != {rows} data rows")
    for label, status, data, seconds in results:
        if status != 200 or not isinstance(data, dict):
            print(
                f"  {label:<14}{status:>5}{'-':>10}{'-':>9}{'-':>9}{'-':>11}{'-':>10}"
                f"{seconds:>9.1f}{'-':>8}  -"
            )
            failures.append(f"{label}: HTTP {status}")
            continue
        ok = accounted(data)
        print(
            f"  {label:<14}{status:>5}{data['received']:>10}{data['created']:>9}"
            f"{data['updated']:>9}{data['unchanged']:>11}{len(data['rejected']):>10}"
            f"{seconds:>9.1f}{data['received'] / seconds:>8.0f}  {'ok' if ok else 'BROKEN'}"
        )
        if not ok:
            failures.append(f"{label}: received != created + updated + unchanged + rejected")
        if data["received"] != rows:
            failures.append(f"{label}: received {data['received']} != {rows} data rows")
    if results and results[0][1] == 200:
        first = results[0]
        if first[3] >= TARGET_SECONDS:
            failures.append(f"first import took {first[3]:.1f} s >= {TARGET_SECONDS:.0f} s")
        rejected = first[2]["rejected"]
        if rejected:
            fields: dict[str, int] = {}
            for r in rejected:
                for e in r.get("errors", []):
                    key = f"{e.get('field')}: {e.get('message')}"
                    fields[key] = fields.get(key, 0) + 1
            top = sorted(fields.items(), key=lambda kv: -kv[1])[:5]
            print(
                "  most frequent rejection reasons (first import): "
                + "; ".join(f"{n} x {k}" for k, n in top)
            )
    if len(results) == 2 and results[1][1] == 200:
        again = results[1][2]
        print(
            f"  re-import: created == {again['created']} "
            f"({'idempotent' if again['created'] == 0 else 'NOT idempotent'})"
        )
        if again["created"] != 0:
            failures.append(f"re-import created {again['created']} (expected 0)")
    elif len(results) < 2:
        failures.append("re-import not run")
    print(
        f"  target: parse < {PARSE_TARGET_SECONDS:.0f} s, first import < {TARGET_SECONDS:.0f} s, "
        "every row accounted for, re-import creates nothing"
    )
    if failures:
        print("  FAIL: " + "; ".join(failures))
        return 1
    print("  PASS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
