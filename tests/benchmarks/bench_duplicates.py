"""Duplicate registrations: the whole register at once, and one new registration at a time.

Run: ``python tests/benchmarks/bench_duplicates.py [--quick]`` from the repository root with
the venv's python. In-process, no server or database; not part of the default test run.
Exit code 0 when every target is met, 1 when one is missed, 2 when a prerequisite (the
``matching`` package, or the synthetic register of ``tests/matching/test_duplicates.py`` and
the pytest/hypothesis it imports) is missing.

The register is synthetic with a fixed seed, built by ``make_register`` of the unit tests (so
the figures here and the ones asserted there come from one noise model): 200,000 people of
Guatemala, Honduras and El Salvador (45/30/25 %) with Zipf-distributed given names and
surnames typical of the three countries, birth dates 1965-2006 with 1.5 % heaped on
1 January, 60 % with a document number and 70 % with a phone; hard negatives (2,000
namesakes born the same day in another department, 1,000 twins); and 2 % of the people
(4,000) registered a second time with noise: accents dropped, upper case, surnames swapped
or one dropped, a middle name cut to an initial or dropped, a familiar form ("Chepe"), a
typo or a sound-alike spelling, "Surnames, Given names" order, a day/month swap (15 %), the
department (15 %), sex (10 %), document or phone missing or changed.

Targets, on this 2-core shared machine:

- ``find_duplicates`` over the whole register (index build included): **< 30 s** wall;
- ``find_duplicates_of`` for 1,000 new registrations (the last 1,000 records, checked
  against an index of all the others built once): median **< 5 ms** each;
- at the default threshold, precision **>= 0.9** and recall **>= 0.95** against the truth
  (the same floor as the unit test on 2,000 people).

Also printed: CPU seconds, pairs found, the p95 and slowest single check, the index build,
the recall of the one-at-a-time path, and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

NAME = "bench_duplicates"
SEED = 20_240_601
PEOPLE, QUICK_PEOPLE = 200_000, 20_000
DUPLICATE_SHARE = 0.02
NEW = 1_000
TARGET_WHOLE_S = 30.0
TARGET_ONE_MS = 5.0
TARGET_PRECISION, TARGET_RECALL = 0.9, 0.95

try:
    from matching.duplicates import (
        DEFAULT_THRESHOLD,
        DuplicateIndex,
        find_duplicates,
        find_duplicates_of,
    )
    from tests.matching.test_duplicates import make_register, precision_recall
except ImportError as exc:  # pragma: no cover - reported, nothing measured
    print(f"{NAME}: cannot import what it measures ({exc}); nothing was measured", file=sys.stderr)
    raise SystemExit(2) from exc


def peak_rss_mb() -> float:
    """Peak resident memory of this process (``VmHWM``; ``ru_maxrss`` as a fallback)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_PEOPLE:,} people instead of {PEOPLE:,} (targets unchanged)",
    )
    args = parser.parse_args()
    people = QUICK_PEOPLE if args.quick else PEOPLE

    t = time.perf_counter()
    records, person = make_register(people, duplicate_share=DUPLICATE_SHARE, seed=SEED)
    made = time.perf_counter() - t
    print(
        f"{NAME}: {len(records):,} records ({people:,} people, {DUPLICATE_SHARE:.0%} "
        f"registered twice, hard negatives); generated in {made:.1f} s",
        flush=True,
    )

    wall, cpu = time.perf_counter(), time.process_time()
    found = find_duplicates(records)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    precision, recall, hits, false = precision_recall(records, person, found)

    existing, new = records[:-NEW], records[-NEW:]
    t = time.perf_counter()
    index = DuplicateIndex.build(existing)
    built = time.perf_counter() - t
    seconds = []
    one_by_one = []
    for r in new:
        t = time.perf_counter()
        one_by_one.extend(find_duplicates_of(r, index))
        seconds.append(time.perf_counter() - t)
    ms = sorted(s * 1000 for s in seconds)
    median, p95, slowest = statistics.median(ms), ms[int(0.95 * len(ms))], ms[-1]
    # The true pairs of a new registration and an indexed record: what one check should find.
    indexed = {r.key for r in existing}
    members: dict[int, list[int]] = {}
    for r in records:
        members.setdefault(person[r.key], []).append(r.key)
    true_new = {
        (min(r.key, o), max(r.key, o)) for r in new for o in members[person[r.key]] if o in indexed
    }
    found_new = {(c.a, c.b) for c in one_by_one} & true_new
    rss = peak_rss_mb()

    print()
    print(
        f"  threshold {DEFAULT_THRESHOLD}: {len(found):,} pairs found, {hits:,} true, "
        f"{false:,} false"
    )
    print(
        f"  precision {precision:.4f} (target >= {TARGET_PRECISION}), "
        f"recall {recall:.4f} (target >= {TARGET_RECALL})"
    )
    print(
        f"  find_duplicates, whole register: {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(target < {TARGET_WHOLE_S:.0f} s wall)"
    )
    print(f"  DuplicateIndex.build of {len(existing):,} records: {built:.1f} s")
    print(
        f"  find_duplicates_of, {NEW:,} new registrations: median {median:.3f} ms "
        f"(target < {TARGET_ONE_MS:.0f} ms), p95 {p95:.3f} ms, slowest {slowest:.3f} ms"
    )
    print(
        f"  one at a time: {len(found_new)} of the {len(true_new)} true pairs of a new "
        "registration and an indexed record found"
    )
    print(f"  peak RSS {rss:,.0f} MB")

    failures = []
    if wall >= TARGET_WHOLE_S:
        failures.append(f"find_duplicates took {wall:.1f} s >= {TARGET_WHOLE_S:.0f} s")
    if median >= TARGET_ONE_MS:
        failures.append(f"find_duplicates_of median {median:.3f} ms >= {TARGET_ONE_MS:.0f} ms")
    if precision < TARGET_PRECISION:
        failures.append(f"precision {precision:.4f} < {TARGET_PRECISION}")
    if recall < TARGET_RECALL:
        failures.append(f"recall {recall:.4f} < {TARGET_RECALL}")
    print()
    if failures:
        print(f"{NAME}: target missed: " + "; ".join(failures))
        return 1
    print(f"{NAME}: all targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
