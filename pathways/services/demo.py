"""Realistic synthetic demo data: people, employers, vacancies, placements. Never real persons.

Deterministic for a given seed, and keyed by external references, so a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, func, select

from pathways.db import utcnow
from pathways.models import Applicant, Consent, Organization, Program, Vacancy
from pathways.services import accounts
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

# (program, title, title_lang, isco08, native system, native code, wage range, per, currency)
JOB_TEMPLATES = [
    (
        "US-H2A",
        "Farmworker, general",
        "en",
        "9211",
        "SOC2018",
        "45-2092",
        (15.5, 19.9),
        "hour",
        "USD",
    ),
    (
        "US-H2A",
        "Apple harvest worker",
        "en",
        "9211",
        "SOC2018",
        "45-2092",
        (16.5, 19.9),
        "hour",
        "USD",
    ),
    (
        "US-H2A",
        "Nursery and greenhouse worker",
        "en",
        "9214",
        "SOC2018",
        "45-2092",
        (15.5, 18.5),
        "hour",
        "USD",
    ),
    (
        "US-H2A",
        "Farmworker, farm and ranch animals",
        "en",
        "9212",
        "SOC2018",
        "45-2093",
        (15.0, 18.0),
        "hour",
        "USD",
    ),
    (
        "US-H2A",
        "Agricultural equipment operator",
        "en",
        "8341",
        "SOC2018",
        "45-2091",
        (16.0, 20.5),
        "hour",
        "USD",
    ),
    (
        "US-H2B",
        "Landscape laborer",
        "en",
        "9214",
        "SOC2018",
        "37-3011",
        (15.0, 19.0),
        "hour",
        "USD",
    ),
    ("US-H2B", "Housekeeper", "en", "9112", "SOC2018", "37-2012", (13.0, 17.0), "hour", "USD"),
    (
        "US-H2B",
        "Crab picker / seafood processor",
        "en",
        "7511",
        "SOC2018",
        "51-3022",
        (12.0, 16.0),
        "hour",
        "USD",
    ),
    ("US-H2B", "Line cook", "en", "5120", "SOC2018", "35-2014", (15.0, 19.0), "hour", "USD"),
    (
        "US-H2B",
        "Construction laborer",
        "en",
        "9313",
        "SOC2018",
        "47-2061",
        (17.0, 23.0),
        "hour",
        "USD",
    ),
    (
        "US-H2B",
        "Forest worker, tree planter",
        "en",
        "9215",
        "SOC2018",
        "45-4011",
        (15.0, 18.5),
        "hour",
        "USD",
    ),
    (
        "CA-TFWP-AG",
        "Greenhouse worker",
        "en",
        "9214",
        "NOC2021",
        "85103",
        (16.5, 18.5),
        "hour",
        "CAD",
    ),
    (
        "CA-TFWP-AG",
        "General farm worker",
        "en",
        "9211",
        "NOC2021",
        "85100",
        (16.5, 19.0),
        "hour",
        "CAD",
    ),
    (
        "CA-TFWP-AG",
        "Ouvrier agricole",
        "fr",
        "9211",
        "NOC2021",
        "85100",
        (15.75, 18.0),
        "hour",
        "CAD",
    ),
    (
        "CA-SAWP",
        "Harvesting labourer",
        "en",
        "9211",
        "NOC2021",
        "85101",
        (16.5, 17.6),
        "hour",
        "CAD",
    ),
    (
        "CA-TFWP-LOW",
        "Fish and seafood plant worker",
        "en",
        "9329",
        "NOC2021",
        "94142",
        (15.5, 18.0),
        "hour",
        "CAD",
    ),
    (
        "CA-TFWP-LOW",
        "Food counter attendant",
        "en",
        "9411",
        "NOC2021",
        "65201",
        (15.5, 17.5),
        "hour",
        "CAD",
    ),
    (
        "CA-TFWP-LOW",
        "Light duty cleaner",
        "en",
        "9112",
        "NOC2021",
        "65310",
        (16.0, 18.0),
        "hour",
        "CAD",
    ),
    ("CA-TFWP-HIGH", "Welder", "en", "7212", "NOC2021", "72106", (37.0, 42.0), "hour", "CAD"),
    (
        "CA-TFWP-HIGH",
        "Transport truck driver",
        "en",
        "8332",
        "NOC2021",
        "73300",
        (36.5, 40.0),
        "hour",
        "CAD",
    ),
    (
        "MX-TVTF",
        "Jornalero agrícola (café y plátano)",
        "es",
        "9211",
        None,
        None,
        (330, 420),
        "day",
        "MXN",
    ),
    ("MX-TVTF", "Ayudante de albañil", "es", "9313", None, None, (350, 450), "day", "MXN"),
    (
        "MX-TVTF",
        "Empleada de limpieza en hotel",
        "es",
        "9112",
        None,
        None,
        (320, 400),
        "day",
        "MXN",
    ),
    ("MX-RT-WORK", "Cocinero de línea", "es", "5120", None, None, (450, 600), "day", "MXN"),
    ("MX-RT-WORK", "Soldador", "es", "7212", None, None, (550, 750), "day", "MXN"),
    (
        "MX-RT-WORK",
        "Operador de maquinaria agrícola",
        "es",
        "8341",
        None,
        None,
        (480, 650),
        "day",
        "MXN",
    ),
]

WORKSITES = {
    "US": [
        ("US-WA", "Yakima"),
        ("US-WA", "Wenatchee"),
        ("US-CA", "Salinas"),
        ("US-FL", "Immokalee"),
        ("US-GA", "Moultrie"),
        ("US-NC", "Kinston"),
        ("US-MI", "Sparta"),
        ("US-NY", "Albion"),
        ("US-LA", "New Iberia"),
        ("US-MD", "Hoopers Island"),
        ("US-TX", "Austin"),
        ("US-VA", "Exmore"),
    ],
    "CA": [
        ("CA-ON", "Leamington"),
        ("CA-ON", "Simcoe"),
        ("CA-BC", "Kelowna"),
        ("CA-BC", "Abbotsford"),
        ("CA-QC", "Saint-Rémi"),
        ("CA-AB", "Brooks"),
        ("CA-NS", "Berwick"),
        ("CA-PE", "Souris"),
    ],
    "MX": [
        ("MX-CHP", "Tapachula"),
        ("MX-CHP", "Huixtla"),
        ("MX-TAB", "Villahermosa"),
        ("MX-ROO", "Cancún"),
        ("MX-CAM", "Campeche"),
    ],
    "MX-RT": [
        ("MX-NLE", "Monterrey"),
        ("MX-JAL", "Guadalajara"),
        ("MX-QUE", "Querétaro"),
        ("MX-SIN", "Culiacán"),
        ("MX-BCN", "San Quintín"),
    ],
}
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

FIRST_F = [
    "María",
    "Ana",
    "Rosa",
    "Juana",
    "Sandra",
    "Glenda",
    "Marta",
    "Yesenia",
    "Dilcia",
    "Karla",
]
FIRST_M = [
    "José",
    "Juan",
    "Carlos",
    "Luis",
    "Mario",
    "Edwin",
    "Wilmer",
    "Elmer",
    "Óscar",
    "Denis",
    "Byron",
    "Selvin",
    "Marvin",
    "Nery",
]
LAST = [
    "López",
    "García",
    "Hernández",
    "Pérez",
    "Martínez",
    "Ramírez",
    "Cruz",
    "Reyes",
    "Mejía",
    "Castillo",
    "Ajú",
    "Xicará",
    "Chávez",
    "Morales",
    "Ortiz",
    "Flores",
    "Díaz",
    "Aguilar",
]
SUBDIVISIONS = {
    "GT": ["GT-QZ", "GT-SM", "GT-HU", "GT-TO", "GT-AV", "GT-QC"],
    "SV": ["SV-SA", "SV-SM", "SV-US", "SV-LI", "SV-CH"],
    "HN": ["HN-CP", "HN-OL", "HN-CR", "HN-YO", "HN-LE"],
    "MX": ["MX-CHP", "MX-OAX", "MX-VER"],
}
EXTRA_LANGS = {"GT": ["mam", "quc", "kek", "cak"], "HN": ["cab"], "SV": [], "MX": ["tzo", "tzh"]}
EXPERIENCE = [
    ("cortador de café", "9211"),
    ("jornalero agrícola", "9211"),
    ("corte de caña", "9211"),
    ("albañil", "7112"),
    ("ayudante de albañil", "9313"),
    ("cocinera", "5120"),
    ("empacador de frutas", "9321"),
    ("vaquero", "9212"),
    ("jardinero", "9214"),
    ("camarista de hotel", "9112"),
    ("cuidadora de adultos mayores", "5322"),
    ("tractorista", "8341"),
    ("soldador", "7212"),
    ("pescador", "6222"),
]


class DemoError(RuntimeError):
    pass


@dataclass
class DemoResult:
    applicants_created: int = 0
    vacancies_created: int = 0
    applicants_total: int = 0
    vacancies_total: int = 0
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)


def seed_demo(session: Session, *, applicants: int, vacancies: int, seed: int) -> DemoResult:
    programs = {p.code for p in session.exec(select(Program))}
    missing = {t[0] for t in JOB_TEMPLATES} - programs
    if missing:
        raise DemoError(
            f"programs {', '.join(sorted(missing))} are not loaded: run `pathways load-reference`"
        )
    actor = Actor.system("seed-demo")
    result = DemoResult()
    users = _ensure_users(session, actor, result)
    rng = random.Random(seed)
    employers = _ensure_employers(session)
    result.vacancies_created = _seed_vacancies(session, rng, vacancies, employers, users)
    result.applicants_created = _seed_applicants(session, rng, applicants, users)
    record(
        session,
        actor,
        "demo.seed",
        "demo",
        None,
        applicants=result.applicants_created,
        vacancies=result.vacancies_created,
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


def _ensure_employers(session: Session) -> dict[str, list[Organization]]:
    out: dict[str, list[Organization]] = {}
    for country, names in EMPLOYERS.items():
        rows = []
        for name in names:
            org = session.exec(select(Organization).where(Organization.name == name)).first()
            if org is None:
                org = Organization(name=name, kind="employer", country=country)
                session.add(org)
                session.flush()
            rows.append(org)
        out[country] = rows
    return out


def _season(rng: random.Random, program: str) -> tuple[date, date]:
    start = date(2027, 1, 1) + timedelta(days=rng.randrange(0, 240))
    if program == "CA-SAWP":  # SAWP work falls between Jan 1 and Dec 15, at most 8 months
        start = date(2027, rng.randint(1, 6), 1)
        return start, min(start + timedelta(days=rng.randint(90, 240)), date(2027, 12, 15))
    months = {
        "US-H2A": (3, 10),
        "US-H2B": (4, 9),
        "CA-TFWP-LOW": (6, 12),
        "CA-TFWP-HIGH": (12, 24),
        "CA-TFWP-AG": (6, 20),
        "MX-TVTF": (3, 12),
        "MX-RT-WORK": (12, 24),
    }[program]
    return start, start + timedelta(days=30 * rng.randint(*months))


def _seed_vacancies(
    session: Session,
    rng: random.Random,
    count: int,
    employers: dict[str, list[Organization]],
    users: dict[str, int],
) -> int:
    existing = set(
        session.exec(select(Vacancy.external_ref).where(Vacancy.external_ref.like("DEMO-V-%")))
    )  # type: ignore[union-attr]
    created = 0
    for i in range(1, count + 1):
        t = JOB_TEMPLATES[rng.randrange(len(JOB_TEMPLATES))]
        program, title, lang, isco, system, code, (lo, hi), per, currency = t
        country = program[:2]
        site = rng.choice(WORKSITES["MX-RT" if program == "MX-RT-WORK" else country])
        employer = rng.choice(employers[country])
        start, end = _season(rng, program)
        amount = round(rng.uniform(lo, hi), 2)
        positions = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 40])
        ref = f"DEMO-V-{i:05d}"
        if ref in existing:
            continue
        hourly = amount if per == "hour" else round(amount / 8, 2)
        usd_rate = {"USD": 1.0, "CAD": 0.73, "MXN": 0.055}[currency]
        session.add(
            Vacancy(
                program_code=program,
                organization_id=employer.id,
                employer_name=employer.name,
                title=title,
                title_lang=lang,
                native_code_system=system,
                native_code=code,
                isco08=isco,
                isco08_confidence=1.0,
                positions=positions,
                worksite_country=country,
                worksite_subdivision=site[0],
                worksite_city=site[1],
                wage_amount_minor=round(amount * 100),
                wage_currency=currency,
                wage_per=per,
                wage_hourly_minor=round(hourly * 100),
                wage_hourly_usd_minor=round(hourly * usd_rate * 100),
                hours_per_week=rng.choice([35, 40, 40, 44, 48]),
                start_date=start,
                end_date=end,
                housing_provided=program in {"US-H2A", "CA-SAWP", "CA-TFWP-AG"}
                or rng.random() < 0.3,
                transport_provided=program in {"US-H2A", "CA-SAWP", "CA-TFWP-AG"},
                experience_months=rng.choice([0, 0, 3, 6, 12, 24]),
                languages=["fr"] if site[0] == "CA-QC" else (["es"] if country == "MX" else ["en"]),
                skills_text=None,
                status="open",
                source="demo",
                external_ref=ref,
                created_by_id=users[f"ministry-{country.lower()}"],
            )
        )
        created += 1
    session.flush()
    return created


def _seed_applicants(
    session: Session, rng: random.Random, count: int, users: dict[str, int]
) -> int:
    existing = set(
        session.exec(select(Applicant.external_ref).where(Applicant.external_ref.like("DEMO-A-%")))
    )  # type: ignore[union-attr]
    created = 0
    today = date(2026, 11, 1)
    for i in range(1, count + 1):
        nationality = rng.choices(["GT", "HN", "SV", "MX"], weights=[40, 30, 25, 5])[0]
        sex = rng.choices(["F", "M", "X"], weights=[30, 69, 1])[0]
        first = rng.choice(FIRST_F if sex == "F" else FIRST_M)
        name = f"{first} {rng.choice(LAST)} {rng.choice(LAST)}"
        birth = today - timedelta(days=rng.randint(19 * 365, 55 * 365))
        jobs = rng.sample(EXPERIENCE, k=rng.randint(1, 3))
        ref = f"DEMO-A-{i:05d}"
        if ref in existing:
            continue
        available_from = date(2027, rng.randint(1, 6), 1)
        applicant = Applicant(
            user_id=users["applicant"] if i == 1 else None,
            name=name,
            nationality=nationality,
            birth_date=birth,
            sex=sex,
            residence_country=nationality,
            residence_subdivision=rng.choice(SUBDIVISIONS[nationality]),
            languages=["es"]
            + rng.sample(
                EXTRA_LANGS[nationality], k=min(len(EXTRA_LANGS[nationality]), rng.randint(0, 1))
            ),
            experience=[
                {"title": t, "months": rng.choice([6, 12, 24, 36, 60, 120]), "isco08": c}
                for t, c in jobs
            ],
            available_from=available_from,
            available_to=available_from + timedelta(days=rng.randint(120, 540)),
            destinations=sorted(rng.sample(["US", "CA", "MX"], k=rng.randint(1, 3))),
            prior_immigration_violation=rng.random() < 0.03,
            verified_at=utcnow() if rng.random() < 0.6 else None,
            verified_by_id=users.get(f"ministry-{nationality.lower()}"),
            external_ref=ref,
            created_by_id=users.get(f"ministry-{nationality.lower()}", users["officer"]),
        )
        session.add(applicant)
        session.flush()
        session.add(
            Consent(
                applicant_id=applicant.id,
                text_version="2026-11",
                lang="es",
                recorded_by_id=applicant.created_by_id,
            )
        )
        created += 1
    session.flush()
    return created
