"""Synthetic demo applicants, drawn from real distributions and registered through the same
service as real ones (``applicants.register_many``): titles resolved by the resolver, consent
recorded, duplicates flagged. Never real persons.

What is real: the origin countries' shares (US H-2 visas issued to GT, SV and HN since 2023,
``data/seasonality``), the departments' populations (``data/places``), the occupations and
seasons employers ask for (``data/demo/demand_profile.csv``) and the Spanish words people use
for that work (``data/occupations/titles.csv``). What is a demo assumption is said where it is
set (sex shares, languages, preferences); see ``data/demo/README.md``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from matching.occupations import OccupationResolver
from pathways.db import utcnow
from pathways.models import Applicant, User
from pathways.reference.demo import demand_profile, origin_shares, spanish_titles
from pathways.reference.places import origin_subdivisions
from pathways.schemas.applicants import ApplicantCreate
from pathways.services import applicants
from pathways.services.audit import Actor

FIRST_F = tuple(
    (  # noqa: SIM905 - a list of names reads best as words
        "María Ana Rosa Juana Sandra Glenda Marta Yesenia Dilcia Karla Lesbia Sonia Irma "
        "Elvia Reina Blanca Olga Ingrid Aura Maritza"
    ).split()
)
FIRST_M = tuple(
    (  # noqa: SIM905 - a list of names reads best as words
        "José Juan Carlos Luis Mario Edwin Wilmer Elmer Óscar Denis Byron Selvin Marvin "
        "Nery Santos Francisco Miguel Pedro Julio Erick Mynor Hugo Walter Jorge"
    ).split()
)
LAST = tuple(
    (  # noqa: SIM905 - a list of names reads best as words
        "López García Hernández Pérez Martínez Ramírez Cruz Reyes Mejía Castillo Ajú "
        "Xicará Chávez Morales Ortiz Flores Díaz Aguilar Tzul Cux Pop Caal Choc Coc "
        "Ixcoy Velásquez Gómez Rodríguez Sánchez Argueta Portillo Romero Orellana "
        "Maldonado Zelaya Amaya"
    ).split()
)
# Mayan and Garífuna languages by origin (demo assumption: share of people who speak one).
REGIONAL = {
    "GT": (("mam", "quc", "kek", "cak", "kjb", "poh"), 0.35),
    "HN": (("cab",), 0.03),
    "SV": ((), 0.0),
}
WOMEN_SHARE = 0.15  # demo assumption; the visa statistics we hold have no sex breakdown
OTHER_WORK = ("9313", "7112", "5120", "9112", "8332", "9321", "7212", "5322", "9329")


def _pick_weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def seed_applicants(
    session: Session,
    rng: random.Random,
    count: int,
    users: dict[str, int],
    *,
    data_dir: Path,
    resolver: OccupationResolver,
    employers: list[str],
) -> int:
    """Register ``count`` demo applicants (``DEMO-A-…``) that are not there yet."""
    existing = set(
        session.exec(select(Applicant.external_ref).where(Applicant.external_ref.like("DEMO-A-%")))  # type: ignore[union-attr]
    )
    origins = origin_shares(data_dir)
    places = origin_subdivisions()
    by_country: dict[str, dict[str, float]] = {}
    for place in places.values():
        by_country.setdefault(place.country, {})[place.code] = place.population_thousands
    titles = spanish_titles(data_dir)
    work = _work_distribution(data_dir, resolver, titles)
    profile = demand_profile(data_dir)
    seasons = [(g.start_month, g.months) for g in profile]
    season_weights = [g.weight for g in profile]
    year = date.today().year + 1
    items: list[ApplicantCreate] = []
    for i in range(1, count + 1):
        ref = f"DEMO-A-{i:07d}"
        item = _person(
            rng, ref, origins, by_country, work, titles, seasons, season_weights, year, employers
        )
        if ref not in existing:
            items.append(item)
    system = Actor.system("seed-demo")
    by_nationality: dict[str, list[ApplicantCreate]] = {}
    for item in items:
        by_nationality.setdefault(item.nationality, []).append(item)
    ids: list[int] = []
    for nationality, group in sorted(by_nationality.items()):
        ministry = session.get(User, users[f"ministry-{nationality.lower()}"])
        ids += applicants.register_many(
            session, group, actor=system, user=ministry, resolver=resolver
        )
    _verify_some(session, rng, ids, users)
    if ids and "applicant" in users:
        owner = session.exec(
            select(Applicant).where(Applicant.user_id == users["applicant"])
        ).first()
        if owner is None:
            session.exec(
                update(Applicant).where(Applicant.id == min(ids)).values(user_id=users["applicant"])  # type: ignore[call-overload]
            )
    return len(ids)


def _work_distribution(
    data_dir: Path, resolver: OccupationResolver, titles: dict[str, tuple[str, ...]]
) -> dict[str, float]:
    """ISCO-08 groups of the work employers ask for (resolved from the demand profile's
    titles, weighted by orders), plus other common work of the region."""
    weights: dict[str, float] = {}
    for group in demand_profile(data_dir):
        found = resolver.resolve(group.title, lang=group.title_lang, limit=1)
        if found and found[0].isco08 in titles:
            weights[found[0].isco08] = weights.get(found[0].isco08, 0.0) + max(group.weight, 1)
    total = sum(weights.values()) or 1.0
    weights = {k: 0.8 * v / total for k, v in weights.items()}
    for code in OTHER_WORK:
        if code in titles:
            weights[code] = weights.get(code, 0.0) + 0.2 / len(OTHER_WORK)
    return weights


def _person(
    rng: random.Random,
    ref: str,
    origins: dict[str, float],
    by_country: dict[str, dict[str, float]],
    work: dict[str, float],
    titles: dict[str, tuple[str, ...]],
    seasons: list[tuple[int, int]],
    season_weights: list[int],
    year: int,
    employers: list[str],
) -> ApplicantCreate:
    nationality = _pick_weighted(rng, origins)
    sex = "F" if rng.random() < WOMEN_SHARE else "M"
    first = rng.choice(FIRST_F if sex == "F" else FIRST_M)
    name = f"{first} {rng.choice(LAST)} {rng.choice(LAST)}"
    born = date(year - 1, 6, 1) - timedelta(days=rng.randint(19 * 365, 56 * 365))
    jobs = []
    for code in {_pick_weighted(rng, work) for _ in range(rng.choice((1, 1, 2, 2, 3)))}:
        jobs.append(
            {"title": rng.choice(titles[code]), "months": rng.choice((3, 6, 12, 24, 36, 60, 96))}
        )
    start_month, months = rng.choices(seasons, weights=season_weights)[0]
    available_from = date(year, start_month, 1) - timedelta(days=rng.randint(0, 45))
    available_to = available_from + timedelta(days=int(30.4 * (months + rng.randint(0, 4))))
    regional, share = REGIONAL.get(nationality, ((), 0.0))
    languages = ["es"] + ([rng.choice(regional)] if regional and rng.random() < share else [])
    if rng.random() < 0.05:
        languages.append("en")
    destinations = (
        []
        if rng.random() < 0.25
        else sorted(
            set(rng.choices(["US", "CA", "MX"], weights=[0.6, 0.3, 0.1], k=rng.randint(1, 2)))
        )
    )
    body: dict[str, Any] = {
        "external_ref": ref,
        "name": name,
        "nationality": nationality,
        "birth_date": born,
        "sex": sex,
        "residence": {
            "country": nationality,
            "subdivision": _pick_weighted(rng, by_country[nationality]),
        },
        "languages": languages,
        "experience": jobs,
        "available_from": available_from,
        "available_to": available_to,
        "destinations": destinations,
        "returning_programs": [rng.choice(["US-H2A", "US-H2B"])] if rng.random() < 0.12 else [],
        "certifications": [{"name": "Licencia de conducir", "licence": "driver"}]
        if rng.random() < 0.1
        else [],
        "named_by": [{"employer": rng.choice(employers)}] if rng.random() < 0.01 else [],
        "consent": True,
        "consent_lang": "es",
    }
    return ApplicantCreate.model_validate(body)


def _verify_some(
    session: Session, rng: random.Random, ids: list[int], users: dict[str, int]
) -> None:
    """Six in ten demo registrations have been checked by their ministry."""
    chosen = [i for i in ids if rng.random() < 0.6]
    now = utcnow()
    for start in range(0, len(chosen), 5000):
        session.exec(
            update(Applicant)
            .where(Applicant.id.in_(chosen[start : start + 5000]))  # type: ignore[union-attr,call-overload]
            .values(verified_at=now)
        )
