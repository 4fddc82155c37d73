"""A synthetic matching round for the engine's scaling table, without a database.

Applicants and vacancies follow the demo's real distributions (the demand profile of
``data/demo``: programs, places, seasons, sizes; origin shares of ``data/seasonality``), with
occupations drawn from the work employers ask for plus other common work of the region. Only
the scaling table uses it; the headline figure goes through the database and the worker.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from matching.candidates import CandidateApplicant, CandidateVacancy
from matching.facts import ApplicantFacts, VacancyFacts

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
# ISCO-08 groups of each program's demand, and other work of the region.
DEMAND_ISCO = {
    "US-H2A": ("9211", "9211", "9211", "9213", "8341", "9214", "6121", "9212"),
    "US-H2B": ("9214", "9112", "5120", "7511", "9313", "9215"),
    "CA-TFWP-AG": ("9211", "9214", "6121", "8341"),
    "CA-SAWP": ("9211",),
    "CA-TFWP-LOW": ("9321", "5120", "9112", "9329"),
    "CA-TFWP-HIGH": ("7212", "8332", "7231"),
    "MX-TVTF": ("9211", "9313", "9112"),
    "MX-RT-WORK": ("5120", "7212", "8341"),
}
WORK = (
    ("9211", 30),
    ("6111", 5),
    ("9212", 6),
    ("9213", 8),
    ("9214", 8),
    ("8341", 4),
    ("5120", 5),
    ("9313", 8),
    ("7112", 4),
    ("9112", 5),
    ("7511", 2),
    ("9215", 3),
    ("8332", 3),
    ("5322", 2),
    ("7212", 2),
    ("9321", 3),
)


def families() -> dict[str, str]:
    with (DATA / "occupations" / "isco08.csv").open(encoding="utf-8") as handle:
        return {r["isco08"]: r["family"] for r in csv.DictReader(handle) if r["family"]}


def instance(
    n_applicants: int, n_vacancies: int, seed: int = 2027
) -> tuple[list[CandidateApplicant], list[CandidateVacancy]]:
    rng = random.Random(seed)
    year = date.today().year + 1
    with (DATA / "demo" / "demand_profile.csv").open(encoding="utf-8") as handle:
        profile = list(csv.DictReader(handle))
    frequency = [
        float(r["orders"]) or float(r["weight"]) / max(int(r["positions"]), 1) for r in profile
    ]
    codes, weights = zip(*WORK, strict=True)
    people = []
    for _ in range(n_applicants):
        nationality = rng.choices(("GT", "HN", "SV"), (45, 30, 25))[0]
        born = date(1968, 1, 1) + timedelta(days=rng.randint(0, 36 * 365))
        jobs = tuple(
            (c, rng.choice((6, 12, 24, 36, 60)))
            for c in set(rng.choices(codes, weights, k=rng.randint(1, 2)))
        )
        start = date(year, rng.randint(1, 9), 1)
        end = start + timedelta(days=rng.randint(150, 400))
        dests = frozenset(rng.sample(["US", "CA", "MX"], rng.choice((1, 1, 2, 2, 3))))
        if rng.random() < 0.25:
            dests = frozenset()
        facts = ApplicantFacts(
            nationality=nationality,
            birth_date=born,
            isco08=jobs[0][0],
            occupations=tuple(c for c, _ in jobs),
            experience_months=max(m for _, m in jobs),
            available_from=start,
            available_to=end,
            destinations=tuple(dests),
            prior_immigration_violation=False,
        )
        people.append(
            CandidateApplicant(
                facts,
                jobs,
                start,
                end,
                dests,
                languages=frozenset({"es"}),
                returning=frozenset({"US-H2A"}) if rng.random() < 0.1 else frozenset(),
            )
        )
    vacancies = []
    for _ in range(n_vacancies):
        row = rng.choices(profile, frequency)[0]
        program, country = row["program"], row["program"][:2]
        start = date(year, int(row["start_month"]), rng.randint(1, 28))
        end = start + timedelta(days=int(int(row["months"]) * 30.4))
        isco = rng.choice(DEMAND_ISCO[program])
        facts = VacancyFacts(
            program=program,
            worksite_country=country,
            worksite_subdivision=row["subdivision"],
            noc2021=row["code"] or None,
            isco08=isco,
            wage_hourly=float(row["wage_amount"]) if row["wage_per"] == "hour" else None,
            currency=row["wage_currency"],
            start_date=start,
            end_date=end,
            housing_provided=program in ("US-H2A", "CA-SAWP", "CA-TFWP-AG"),
            transport_provided=program in ("US-H2A", "CA-SAWP"),
            agricultural=program in ("US-H2A", "CA-SAWP", "CA-TFWP-AG"),
        )
        slots = max(1, round(int(row["positions"]) * rng.lognormvariate(0, 0.5)))
        vacancies.append(
            CandidateVacancy(
                facts,
                program,
                isco,
                start,
                end,
                slots,
                work_language={"US": "en", "CA": "en", "MX": "es"}[country],
            )
        )
    return people, vacancies
