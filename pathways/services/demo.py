"""Realistic synthetic demo data: people, employers, vacancies, placements. Never real persons.

Deterministic for a given seed, and keyed by external references, so a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from matching.occupations import OccupationResolver
from pathways.imports.template import write_template_rows
from pathways.models import Applicant, Program, User, Vacancy
from pathways.reference.demo import DemandGroup, demand_profile
from pathways.services import accounts, demo_applicants, demo_history, imports
from pathways.services.audit import Actor, record

DEMO_PASSWORD = "demo-pathways-2027"
DEMO_DOMAIN = "demo.pathways.test"  # .test is reserved: these addresses can never be real
DEMO_USERS = [
    ("admin", "admin", None),
    ("officer", "officer", None),
    ("ministry-us", "ministry", "US"),
    ("ministry-ca", "ministry", "CA"),
    ("ministry-mx", "ministry", "MX"),
    ("ministry-gt", "ministry", "GT"),
    ("ministry-sv", "ministry", "SV"),
    ("ministry-hn", "ministry", "HN"),
    ("applicant", "applicant", None),
]

EMPLOYERS = {
    "US": [
        "Valle Verde Orchards LLC",
        "Blue Ridge Growers Inc.",
        "Coastal Crab Co.",
        "Evergreen Landscapes LLC",
        "Harbor View Resort",
        "Sunbelt Produce Farms",
    ],
    "CA": [
        "Lakeshore Greenhouses Ltd.",
        "Okanagan Fruit Co-op",
        "Ferme Saint-Rémi inc.",
        "Atlantic Seafood Processors",
        "Prairie Beef Feeders Ltd.",
        "Northline Fabrication",
    ],
    "MX": [
        "Finca Santa Rosa S.P.R.",
        "Constructora del Sureste S.A. de C.V.",
        "Hotel Caribe Maya S.A.",
        "Agroexportadora del Soconusco",
        "Metalúrgica del Norte S.A.",
    ],
}


class DemoError(RuntimeError):
    pass


@dataclass
class DemoResult:
    applicants_created: int = 0
    vacancies_created: int = 0
    applicants_total: int = 0
    vacancies_total: int = 0
    placements_created: int = 0
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)


def seed_demo(
    session: Session,
    *,
    applicants: int,
    vacancies: int,
    seed: int,
    data_dir: Path,
    resolver: OccupationResolver,
    history: bool = False,
) -> DemoResult:
    """Seed the demo; with ``history``, also an illustrative placement history of the past
    twelve months (services/demo_history.py) for the progress pages."""
    programs = {p.code for p in session.exec(select(Program))}
    missing = {g.program for g in demand_profile(data_dir)} - programs
    if missing:
        raise DemoError(
            f"programs {', '.join(sorted(missing))} are not loaded: run `pathways load-reference`"
        )
    actor = Actor.system("seed-demo")
    result = DemoResult()
    users = _ensure_users(session, actor, result)
    rng = random.Random(seed)
    result.vacancies_created = _seed_vacancies(
        session, rng, vacancies, users, data_dir=data_dir, resolver=resolver
    )
    result.applicants_created = demo_applicants.seed_applicants(
        session,
        rng,
        applicants,
        users,
        data_dir=data_dir,
        resolver=resolver,
        employers=[name for names in EMPLOYERS.values() for name in names],
    )
    if history:

        def import_rows(country: str, rows: list[dict[str, str]]) -> None:
            _import(session, country, rows, users, name="demo-history", data_dir=data_dir,
                    resolver=resolver)  # fmt: skip

        result.placements_created = demo_history.seed_history(
            session,
            random.Random(seed + 1),
            data_dir=data_dir,
            make_row=vacancy_row,
            import_rows=import_rows,
            officer_id=users.get("officer"),
        )
    record(
        session,
        actor,
        "demo.seed",
        "demo",
        None,
        applicants=result.applicants_created,
        vacancies=result.vacancies_created,
        placements=result.placements_created,
        seed=seed,
    )
    session.commit()
    result.applicants_total = session.exec(select(func.count()).select_from(Applicant)).one()
    result.vacancies_total = session.exec(select(func.count()).select_from(Vacancy)).one()
    return result


def _ensure_users(session: Session, actor: Actor, result: DemoResult) -> dict[str, int]:
    ids = {}
    for local, role, country in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = accounts.find_user(session, email)
        if user is None:
            user = accounts.create_user(
                session,
                email=email,
                role=role,
                country=country,
                password=DEMO_PASSWORD,
                actor=actor,
            )
        ids[local] = user.id
        result.logins.append((email, role, country))
    return ids


# Who provides housing and transport is set by the program (H-2A and SAWP employers must).
HOUSING = {"US-H2A", "CA-SAWP", "CA-TFWP-AG"}
TRANSPORT = {"US-H2A", "CA-SAWP"}


def _demo_season(rng: random.Random, group: DemandGroup, year: int) -> tuple[date, date]:
    """The group's usual season, moved into ``year`` (the demo's first full year)."""
    start = date(year, group.start_month, rng.randint(1, 28))
    days = round(group.months * 30.44 * rng.uniform(0.85, 1.1))
    return start, start + timedelta(days=max(days, 28))


def vacancy_row(rng: random.Random, group: DemandGroup, ref: str, year: int) -> dict[str, str]:
    """One row of the project's vacancy template (data/templates/vacancies.csv)."""
    country = group.program[:2]
    start, end = _demo_season(rng, group, year)
    positions = max(1, round(group.positions * rng.lognormvariate(0, 0.5)))
    wage = group.wage_amount * rng.uniform(0.97, 1.08)
    required = ""
    if group.program == "CA-TFWP-HIGH":  # skilled jobs ask for the workplace language
        required = "fr" if group.subdivision == "CA-QC" else "en"
    return {
        "external_ref": ref,
        "program": group.program,
        "title": group.title,
        "positions": str(positions),
        "worksite_country": country,
        "worksite_subdivision": group.subdivision,
        "employer_name": rng.choice(EMPLOYERS[country]),
        "title_lang": group.title_lang,
        "occupation_code_system": group.code_system or "",
        "occupation_code": group.code or "",
        "wage_amount": f"{wage:.2f}",
        "wage_currency": group.wage_currency,
        "wage_per": group.wage_per,
        "hours_per_week": str(rng.choice([40, 40, 40, 44, 48])),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "housing_provided": "yes" if group.program in HOUSING else "no",
        "transport_provided": "yes" if group.program in TRANSPORT else "no",
        "experience_months": str(rng.choice([0, 0, 0, 3, 6, 12])),
        "languages": required,
        "status": "open",
    }


def _seed_vacancies(
    session: Session,
    rng: random.Random,
    count: int,
    users: dict[str, int],
    *,
    data_dir: Path,
    resolver: OccupationResolver,
) -> int:
    """Draw ``count`` vacancies from the real demand profile and import them exactly as a
    ministry's file would be: the template format, the importer, the same normalisation of
    occupation (resolver and official codes), wage (hourly, USD at the dated rate) and place."""
    existing = set(
        session.exec(select(Vacancy.external_ref).where(Vacancy.external_ref.like("DEMO-V-%")))
    )  # type: ignore[union-attr]
    profile = demand_profile(data_dir)
    # Vacancies are drawn as often as employers post them (orders, not positions: drawing by
    # positions would favour the biggest orders twice).
    weights = [g.frequency for g in profile]
    year = date.today().year + 1
    # Every program first (a demo shows each of them), then in proportion to real demand.
    by_program: dict[str, list[DemandGroup]] = {}
    for g in profile:
        by_program.setdefault(g.program, []).append(g)
    firsts = [
        rng.choices(groups, weights=[g.frequency for g in groups])[0]
        for _program, groups in sorted(by_program.items())
    ]
    rows: dict[str, list[dict[str, str]]] = {}
    for i in range(1, count + 1):
        group = firsts[i - 1] if i <= len(firsts) else rng.choices(profile, weights=weights)[0]
        row = vacancy_row(rng, group, f"DEMO-V-{i:06d}", year)
        if row["external_ref"] not in existing:
            rows.setdefault(row["worksite_country"], []).append(row)
    return sum(
        _import(session, country, country_rows, users, name="demo-vacancies",
                data_dir=data_dir, resolver=resolver)
        for country, country_rows in sorted(rows.items())
    )  # fmt: skip


def _import(
    session: Session,
    country: str,
    rows: list[dict[str, str]],
    users: dict[str, int],
    *,
    name: str,
    data_dir: Path,
    resolver: OccupationResolver,
) -> int:
    """Import template rows as the country's ministry would; returns the vacancies created."""
    ministry = session.get(User, users[f"ministry-{country.lower()}"])
    batch = imports.new_batch(session, fmt="csv", filename=f"{name}-{country}.csv", user=ministry)
    batch = imports.run_import(
        session,
        batch,
        write_template_rows(rows),
        actor=Actor.system("seed-demo"),
        user=ministry,
        resolver=resolver,
        data_dir=data_dir,
    )
    if batch.rejected:
        raise DemoError(f"demo vacancies rejected by the importer: {batch.rejected[:3]}")
    return batch.created
