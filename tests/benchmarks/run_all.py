"""Run every benchmark one after the other; exit non-zero if any failed.

Run: ``make benchmarks`` or ``.venv/bin/python tests/benchmarks/run_all.py`` from the
repository root. Each script's output is streamed as it runs; a summary follows. Exit code:
0 when every script exited 0, else the highest exit code seen (1 = a target missed,
2 = a prerequisite such as wrk or ../shared/data missing).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPTS = (
    "bench_resolver.py",
    "bench_evaluation.py",
    "bench_eligibility.py",
    "bench_import.py",
    "bench_assignment.py",
    "bench_duplicates.py",
    "bench_matching.py",
    "bench_progress.py",
    "bench_whatif.py",
    "bench_load.py",
)
TIMEOUT = 1800  # seconds per script


def venv_python() -> str:
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def main() -> int:
    python = venv_python()
    summary: list[tuple[str, int | str, float]] = []
    for name in SCRIPTS:
        print(f"===== {name} =====", flush=True)
        t = time.perf_counter()
        try:
            rc: int | str = subprocess.run(
                [python, str(HERE / name)], cwd=REPO, timeout=TIMEOUT
            ).returncode
        except subprocess.TimeoutExpired:
            rc = f"timeout ({TIMEOUT} s)"
        summary.append((name, rc, time.perf_counter() - t))
        print(flush=True)
    print("===== summary =====")
    worst = 0
    for name, rc, seconds in summary:
        if rc == 0:
            verdict = "ok"
        elif rc == 2:
            verdict = "prerequisite missing"
        elif isinstance(rc, int) and rc == 1:
            verdict = "target missed"
        else:
            verdict = "failed"
        print(f"  {name:<24} exit {rc!s:<18} {seconds:7.1f} s  {verdict}")
        worst = max(worst, rc if isinstance(rc, int) and rc > 0 else (1 if rc else 0))
    print("all benchmarks met their targets" if worst == 0 else "some benchmarks FAILED")
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
