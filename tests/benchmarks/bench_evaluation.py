"""Eligibility evaluation in-process: time per program on the real catalog, one core.

Run: ``python tests/benchmarks/bench_evaluation.py`` from the repository root with the
venv's python. Needs nothing but the repository (``data/programs``). No server: this is the
computation the eligibility endpoint does per request, measured alone (it was a timed unit
test; performance claims live in benchmarks, see DEVELOPERS.md).

A Guatemalan crop labourer (the applicant of the former unit test) available March to
November 2027 for the US and Canada is evaluated against every program of ``data/programs``
``RUNS`` times after a warm-up; the best of ``REPEATS`` rounds is reported (the others
absorb noise from other processes).

Target (exit 1 when missed): < 200 µs per program per evaluation.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from matching.eligibility import ApplicantFacts, evaluate_programs  # noqa: E402
from tests.matching.catalog import load_catalog  # noqa: E402

NAME = "bench_evaluation"
TARGET_SECONDS = 200e-6  # per program
RUNS = 300
REPEATS = 5
AS_OF = date(2026, 11, 28)


def main() -> int:
    catalog = load_catalog()
    person = ApplicantFacts(
        nationality="GT",
        birth_date=date(1994, 5, 2),
        isco08="9211",
        experience_months=24,
        prior_immigration_violation=False,
        destinations=("US", "CA"),
        available_from=date(2027, 3, 1),
        available_to=date(2027, 11, 30),
    )
    for _ in range(20):  # warm-up
        evaluate_programs(catalog, person, as_of=AS_OF, lang="es")
    rounds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(RUNS):
            evaluate_programs(catalog, person, as_of=AS_OF, lang="es")
        rounds.append((time.perf_counter() - started) / RUNS / len(catalog))
    best, worst = min(rounds), max(rounds)
    print(
        f"{NAME}: {len(catalog)} programs, {RUNS} evaluations x {REPEATS} rounds; "
        f"{os.cpu_count()} CPU(s), 1-min load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"  per program: best round {best * 1e6:.0f} µs, worst {worst * 1e6:.0f} µs "
        f"(target < {TARGET_SECONDS * 1e6:.0f} µs)"
    )
    if best >= TARGET_SECONDS:
        print(f"  FAIL: {best * 1e6:.0f} µs per program >= {TARGET_SECONDS * 1e6:.0f} µs")
        return 1
    print("  PASS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
