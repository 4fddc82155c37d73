"""Occupation resolver benchmark: accuracy on real titles and throughput on one core.

Run: ``python tests/benchmarks/bench_resolver.py [--only h2a|esco|speed ...]`` (from the
repository root). Needs the
real official files in ``../shared/data`` (or ``PATHWAYS_SHARED_DATA``); exits 2 with a
message when they are missing, 1 when a target is missed, 0 when all are met. Not part of
the default test run.

(a) top-1 SOC agreement on the OFLC H-2A disclosure job titles (JOB_TITLE → SOC_CODE[:7]):
    * the official aliases alone (O*NET, ESCO; no project titles), raw and with the H-2A
      programme hint ``prefer=H2A_PREFER`` (stated a priori, see below: no figure here was
      used to choose it);
    * the product's resolver as ``pathways load-reference --from ../shared/data`` builds it
      (project titles + official files, read back from the database), raw and with the hint;
    * **the product learning from certified records, held out**: 5 folds by employer (every
      case of an employer in one fold; seed 2022). For each fold the other four folds' rows
      are imported as an ``oflc-h2a`` batch into a throwaway SQLite database through
      ``pathways.services.imports.run_import``, which calls
      ``occupations.learn_from_certified_vacancies`` exactly as in production; the resolver
      is rebuilt from that database and scores the held-out fold's titles, which it never
      saw. The figure sums the five held-out folds. **Target: ≥ 85 % with the hint.**
    * the ceiling (majority SOC per normalised title, i.e. the best any title-only method
      can do, seen in-sample).
    The H-2B disclosure is the development set for the resolver's general settings and for
    the learning weights (raw, and learned with the same 5-fold protocol), so that the H-2A
    figures stay a test.
(b) top-1 ISCO-08 agreement on ESCO Spanish/French preferred labels of the family unit
    groups, with only the project's ``data/occupations`` loaded: as shipped (target ≥ 80 %;
    those labels are in ``titles.csv``); with the ESCO-sourced aliases of ``titles.csv`` held
    out; and 5-fold over ESCO occupations (the labels of the occupations under test held
    out, other ESCO labels kept).
(c) resolutions per second on one core with every O*NET alternate title loaded (target:
    ≥ 2,000 /s one by one, uncached).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from matching.occupations import (  # noqa: E402
    Alias,
    OccupationRecord,
    OccupationResolver,
    normalise_title,
)
from pathways.reference.occupations import (  # noqa: E402
    load_project_occupations,
    without_sources,
)
from pathways.reference.official import (  # noqa: E402
    official_aliases,
    official_records,
    scan_official_files,
)

#: The H-2A programme hint, fixed a priori from the programme's scope (agricultural labour
#: or services, 20 CFR 655.103): agricultural workers (SOC 45-2), first-line supervisors of
#: farm workers (45-1011), farm equipment mechanics (49-3041), hand packers in packing sheds
#: (53-7064) and grounds workers of nurseries (37-3011), one factor 1.1 for all of them
#: (a 10% score boost: enough to break near-ties, too little to beat a clearly better match
#: elsewhere). Not tuned on the disclosure labels.
H2A_PREFER = {"45-2": 1.1, "45-1011": 1.1, "49-3041": 1.1, "53-7064": 1.1, "37-3011": 1.1}

H2A_TARGET = 0.85  # top-1 SOC, product learning from certified records, held out, with hint
ESCO_TARGET = 0.80  # top-1 ISCO-08 on ESCO es/fr labels as shipped
SPEED_TARGET = 2000  # resolutions per second, one by one, uncached, one core

SHARED = Path(os.environ.get("PATHWAYS_SHARED_DATA") or REPO.parent / "shared" / "data")
H2A = SHARED / "us_oflc" / "h2a_disclosure_fy2022_q1.csv"
H2B = SHARED / "us_oflc" / "h2b_disclosure_fy2021q1_fy2022q1.csv"
ESCO = SHARED / "classifications" / "esco_occupations_en_es_fr.csv"
PROJECT = REPO / "data" / "occupations"


def fail(message: str) -> None:
    print(f"bench_resolver: {message}", file=sys.stderr)
    raise SystemExit(2)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def pct(hits: int, n: int) -> str:
    return f"{100.0 * hits / max(n, 1):5.1f}% ({hits}/{n})"


def top_soc(
    resolver: OccupationResolver, titles: list[str], prefer: dict[str, float] | None = None
) -> list[str | None]:
    out: list[str | None] = []
    for cands in resolver.resolve_many(titles, lang="en", limit=1, prefer=prefer):
        out.append(cands[0].soc2018[0] if cands and cands[0].soc2018 else None)
    return out


def _folds_by_employer(rows: list[dict[str, str]], k: int = 5) -> list[int]:
    """Fold of each row: every case of one employer in the same fold (seeded shuffle)."""
    employers = sorted({r["EMPLOYER_NAME"].strip().upper() for r in rows})
    random.Random(2022).shuffle(employers)
    fold_of = {e: i % k for i, e in enumerate(employers)}
    return [fold_of[r["EMPLOYER_NAME"].strip().upper()] for r in rows]


def _csv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


class ProductDb:
    """A throwaway SQLite database with the reference data loaded as the product loads it."""

    def __init__(self, tmp: Path) -> None:
        from sqlmodel import Session

        from pathways import migrate
        from pathways.db import make_engine
        from pathways.services import occupations
        from pathways.services.reference import load_reference

        self.engine = make_engine(f"sqlite:///{tmp / 'bench.sqlite'}")
        migrate.upgrade(self.engine)
        t = time.perf_counter()
        with Session(self.engine) as session:
            load_reference(session, data_dir=REPO / "data", official_dir=SHARED)
            self.raw = occupations.build_resolver_from_db(session)
        seconds = time.perf_counter() - t
        print(f"    product database (load-reference --from) loaded in {seconds:.1f} s")

    def learned_resolver(self, fmt: str, header: list[str], train: list[dict[str, str]]) -> Any:
        """Import ``train`` as one batch through the product's import service (which learns
        from it) and return the resolver rebuilt from the database; then forget the batch."""
        from sqlalchemy import delete
        from sqlmodel import Session

        from pathways.models import ImportBatch, Vacancy
        from pathways.services import imports, occupations
        from pathways.services.audit import Actor

        with Session(self.engine) as session:
            batch = imports.new_batch(session, fmt=fmt, filename="bench-train", user=None)
            imports.run_import(
                session,
                batch,
                _csv_bytes(header, train),
                actor=Actor.system("bench"),
                user=None,
                resolver=self.raw,
                data_dir=REPO / "data",
            )
            learned = occupations.build_resolver_from_db(session)
            session.exec(delete(Vacancy))  # type: ignore[call-overload]
            session.exec(delete(ImportBatch))  # type: ignore[call-overload]
            occupations.learn_from_certified_vacancies(session)  # forgets what was learned
            session.commit()
        return learned


def held_out_learning(
    db: ProductDb,
    fmt: str,
    path: Path,
    prefers: list[dict[str, float] | None],
) -> tuple[list[int], int, int]:
    """(hits under each hint, rows, learned aliases per fold on average): 5 folds by
    employer, the product learning from four folds through its import service and scoring
    the fifth."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = [r for r in reader if r.get("JOB_TITLE", "").strip()]
    folds = _folds_by_employer(rows)
    hits = [0 for _ in prefers]
    learned = 0
    for k in range(5):
        train = [r for r, f in zip(rows, folds, strict=True) if f != k]
        test = [r for r, f in zip(rows, folds, strict=True) if f == k]
        resolver = db.learned_resolver(fmt, header, train)
        learned += sum(a.source.startswith("certified:") for a in resolver.aliases)
        for i, prefer in enumerate(prefers):
            preds = top_soc(resolver, [r["JOB_TITLE"] for r in test], prefer)
            hits[i] += sum(p == r["SOC_CODE"].strip()[:7] for p, r in zip(preds, test, strict=True))
    return hits, len(rows), learned // 5


def bench_h2a(
    records: list[OccupationRecord], aliases: list[Alias], db: ProductDb, failures: list[str]
) -> None:
    rows = [r for r in read_csv(H2A) if r.get("JOB_TITLE", "").strip()]
    titles = [r["JOB_TITLE"] for r in rows]
    truth = [r["SOC_CODE"].strip()[:7] for r in rows]
    n = len(rows)
    by_title: dict[str, Counter[str]] = defaultdict(Counter)
    for t, s in zip(titles, truth, strict=True):
        by_title[normalise_title(t)][s] += 1
    ceiling = sum(c.most_common(1)[0][1] for c in by_title.values())
    print(f"(a) H-2A FY2022 Q1 disclosure: {n} job titles, {len(by_title)} distinct")
    print(f"    ceiling (majority SOC of each normalised title)      {pct(ceiling, n)}")

    def score(resolver: OccupationResolver, prefer: dict[str, float] | None) -> int:
        return sum(p == t for p, t in zip(top_soc(resolver, titles, prefer), truth, strict=True))

    def line(label: str, hits: int, total: int = n) -> None:
        print(f"    {label:<54}{pct(hits, total)}")

    official = OccupationResolver(records, aliases, cache_size=0)
    line("official aliases only, raw", score(official, None))
    line("official aliases only + H-2A hint", score(official, H2A_PREFER))
    line("product resolver (project + official files), raw", score(db.raw, None))
    line("product resolver + H-2A hint", score(db.raw, H2A_PREFER))
    (plain, hinted), total, learned = held_out_learning(db, "oflc-h2a", H2A, [None, H2A_PREFER])
    line("product + learned from certified records, held out", plain, total)
    line("  the same + H-2A hint [target >= 85%]", hinted, total)
    print(f"    (5 folds by employer; ~{learned} aliases learned per fold)")
    if hinted < H2A_TARGET * total:
        failures.append(
            f"H-2A top-1 SOC, learned held out + hint: {100 * hinted / total:.1f}% "
            f"< {100 * H2A_TARGET:.0f}%"
        )

    rows_b = [r for r in read_csv(H2B) if r.get("JOB_TITLE", "").strip()]
    truth_b = [r["SOC_CODE"].strip()[:7] for r in rows_b]
    preds_b = top_soc(db.raw, [r["JOB_TITLE"] for r in rows_b])
    line(
        "H-2B FY2021-22 (development set): product raw",
        sum(p == t for p, t in zip(preds_b, truth_b, strict=True)),
        len(rows_b),
    )
    (plain,), total, _ = held_out_learning(db, "oflc-h2b", H2B, [None])
    line("H-2B product + learned, held out (5 folds by employer)", plain, total)


def bench_esco(failures: list[str]) -> None:
    if not (PROJECT / "isco08.csv").is_file():
        fail(f"project data missing: {PROJECT}/isco08.csv")
    records, aliases = load_project_occupations(REPO / "data")
    family = {r["isco08"] for r in read_csv(PROJECT / "isco08.csv") if r.get("family")}
    esco = [r for r in read_csv(ESCO) if r["iscoGroup"].zfill(4) in family]
    esco_sourced = [a for a in aliases if a.source.startswith("project:official:ESCO")]
    print(
        f"(b) ESCO labels of the {len(family)} family unit groups: {len(esco)} occupations; "
        f"titles.csv has {len(aliases)} aliases, {len(esco_sourced)} of them ESCO-sourced"
    )

    def score(resolver: OccupationResolver, rows: list[dict[str, str]], lang: str) -> int:
        queries = [r[f"preferredLabel_{lang}"] for r in rows]
        got = resolver.resolve_many(queries, lang=lang, limit=1)
        return sum(
            bool(c) and c[0].isco08 == r["iscoGroup"].zfill(4)
            for c, r in zip(got, rows, strict=True)
        )

    shipped = OccupationResolver(records, aliases, cache_size=0)
    held_out = OccupationResolver(records, without_sources(aliases, "project:official:ESCO"))
    for lang in ("es", "fr"):
        rows = [r for r in esco if r.get(f"preferredLabel_{lang}")]
        hits = score(shipped, rows, lang)
        print(f"    {lang} as shipped (labels are in titles.csv)        {pct(hits, len(rows))}")
        if hits < ESCO_TARGET * len(rows):
            failures.append(f"ESCO {lang} as shipped: {100 * hits / len(rows):.1f}% < 80%")
        shown = pct(score(held_out, rows, lang), len(rows))
        print(f"    {lang} ESCO-sourced aliases held out                {shown}")
        # 5-fold over occupations: hold out every label of the occupations under test.
        order = list(range(len(rows)))
        random.Random(7).shuffle(order)
        hits = 0
        for k in range(5):
            test = [rows[i] for i in order[k::5]]
            banned = set()
            for r in test:
                for col in ("preferredLabel", "altLabels"):
                    for lg in ("en", "es", "fr"):
                        for label in r.get(f"{col}_{lg}", "").replace("/", "|").split("|"):
                            banned.add(normalise_title(label))
            kept = [
                a
                for a in aliases
                if not (
                    a.source.startswith("project:official:ESCO")
                    and normalise_title(a.text) in banned
                )
            ]
            hits += score(OccupationResolver(records, kept, cache_size=0), test, lang)
        print(f"    {lang} 5-fold, test occupations' labels held out    {pct(hits, len(rows))}")


def bench_speed(
    records: list[OccupationRecord], onet_aliases: list[Alias], failures: list[str]
) -> None:
    t0 = time.perf_counter()
    uncached = OccupationResolver(records, onet_aliases, cache_size=0)
    build = time.perf_counter() - t0
    cached = OccupationResolver(records, onet_aliases, cache_size=65536)
    rng = random.Random(1)
    h2a = [r["JOB_TITLE"] for r in read_csv(H2A)]
    onet = [a.text for a in onet_aliases[::10]]
    typos = []
    for text in onet[:2000]:
        i = rng.randrange(max(1, len(text)))
        typos.append(text[:i] + text[i + 1 :])
    workload = h2a + onet + typos  # realistic mix, with the repeats real files have
    distinct = list(dict.fromkeys(workload))  # uncached runs see every string once
    texts = {a.text for a in onet_aliases}
    print(
        f"(c) throughput, one core: {len(onet_aliases)} aliases from the {len(texts)} O*NET "
        f"alternate titles ({uncached.n_rows} distinct normalised rows; built in {build:.1f} s)"
    )
    print(
        f"    workload: {len(workload)} queries (H-2A titles, O*NET titles, typo'd titles), "
        f"{len(distinct)} distinct"
    )

    def rate(label: str, queries: list[str], fn: Callable[[list[str]], object]) -> float:
        uncached.cache_clear()
        t = time.perf_counter()
        fn(queries)
        per_second = len(queries) / (time.perf_counter() - t)
        print(f"    {label:<56}{per_second:8.0f} /s")
        return per_second

    def one_by_one(resolver: OccupationResolver) -> Callable[[list[str]], object]:
        return lambda qs: [resolver.resolve(q, limit=5) for q in qs]

    def batched(qs: list[str]) -> None:
        for i in range(0, len(qs), 1000):
            uncached.resolve_many(qs[i : i + 1000], limit=5)

    speed = rate("resolve() one by one, uncached, distinct queries", distinct, one_by_one(uncached))
    if speed < SPEED_TARGET:
        failures.append(f"throughput {speed:.0f}/s < {SPEED_TARGET}/s (one by one, uncached)")
    rate("resolve_many() batches of 1000, uncached, distinct", distinct, batched)
    one_by_one(cached)(workload)  # warm the cache
    t = time.perf_counter()
    one_by_one(cached)(workload)
    print(
        f"    {'resolve() one by one, cached (warm), full workload':<56}"
        f"{len(workload) / (time.perf_counter() - t):8.0f} /s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=("h2a", "esco", "speed"),
        help="run only these parts (repeatable; default: all); only their targets count",
    )
    only = set(parser.parse_args().only or ("h2a", "esco", "speed"))
    if not SHARED.is_dir():
        fail(f"../shared/data not present: {SHARED} (set PATHWAYS_SHARED_DATA)")
    for path in (H2A, H2B, ESCO):
        if not path.is_file():
            fail(f"shared data file missing: {path}")
    t = time.perf_counter()
    files = scan_official_files(SHARED)
    aliases = official_aliases(files)
    records = official_records(files)
    print(
        f"official files scanned in {time.perf_counter() - t:.1f} s: {len(files.files)} "
        f"recognised, {len(aliases)} aliases, {len(records)} ISCO unit groups"
    )
    failures: list[str] = []
    if "h2a" in only:
        with tempfile.TemporaryDirectory(prefix="bench_resolver_") as tmp:
            db = ProductDb(Path(tmp))
            bench_h2a(records, aliases, db, failures)
            db.engine.dispose()
    if "esco" in only:
        bench_esco(failures)
    if "speed" in only:
        onet_alt = [a for a in aliases if a.source == "onet-alternate"]
        bench_speed(records, onet_alt, failures)
    print(
        f"targets: H-2A learned held out + hint >= {100 * H2A_TARGET:.0f}%; ESCO es/fr as "
        f"shipped >= {100 * ESCO_TARGET:.0f}%; >= {SPEED_TARGET} resolutions/s uncached"
    )
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
