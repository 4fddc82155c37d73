"""Offers as people see them: an applicant's proposals and offers with the explanation of the
match; a destination ministry's candidates for its vacancies, anonymised until the person
accepts an offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, func, select

from pathways.models import Applicant, Match, Placement, User, Vacancy
from pathways.models.enums import PlacementStatus
from pathways.services import placements
from pathways.services.applicants import occupation_titles

#: From this state on, the destination ministry sees who the person is (they said yes).
NAMED_FROM = ("accepted", "authorized", "visa_issued", "arrived", "completed")


@dataclass(frozen=True)
class Offer:
    placement: Placement
    vacancy: Vacancy
    explanation: dict[str, Any] | None


def _explanation(session: Session, placement: Placement) -> dict[str, Any] | None:
    match = session.exec(select(Match).where(Match.placement_id == placement.id)).first()
    return None if match is None else match.explanation


def for_applicant(session: Session, applicant: Applicant) -> list[Offer]:
    """Every placement of the person, newest first, with the vacancy and the explanation."""
    rows = session.exec(
        select(Placement, Vacancy)
        .join(Vacancy, Vacancy.id == Placement.vacancy_id)  # type: ignore[arg-type]
        .where(Placement.applicant_id == applicant.id)
        .order_by(Placement.id.desc())  # type: ignore[union-attr]
    ).all()
    return [Offer(p, v, _explanation(session, p)) for p, v in rows]


def respond(
    session: Session, applicant: Applicant, placement_id: int, accept: bool, *, user: User
) -> Placement:
    """The person accepts an offer (offered → accepted) or declines a proposal or an offer
    (→ withdrawn)."""
    placement = session.get(Placement, placement_id)
    if placement is None or placement.applicant_id != applicant.id:
        raise placements.PlacementError("id", "no such offer", status=404)
    if accept:
        if placement.status != PlacementStatus.offered:
            raise placements.PlacementError(
                "to", "only an offer from the employer can be accepted", status=409
            )
        return placements.transition(session, placement, "accepted", user=user, note="applicant")
    if placement.status not in ("proposed", "offered"):
        raise placements.PlacementError(
            "to", "only a proposal or an offer not yet accepted can be declined", status=409
        )
    return placements.transition(
        session, placement, "withdrawn", user=user, note="declined by the applicant"
    )


def _age_band(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    low = (age // 10) * 10
    return f"{low}–{low + 9}"


def candidates_for(
    session: Session,
    user: User,
    *,
    lang: str = "es",
    page: int = 1,
    per_page: int = 50,
    status: str | None = None,
    program: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Placements on the vacancies of a destination ministry's country (all for officers),
    each with an anonymised profile; the name only once the person has accepted.

    ``status`` and ``program`` keep only the placements in that state or program.
    """
    stmt = (
        select(Placement, Vacancy, Applicant)
        .join(Vacancy, Vacancy.id == Placement.vacancy_id)  # type: ignore[arg-type]
        .join(Applicant, Applicant.id == Placement.applicant_id)  # type: ignore[arg-type]
    )
    if user.role == "ministry":
        stmt = stmt.where(Vacancy.worksite_country == user.country)
    if status:
        stmt = stmt.where(Placement.status == status)
    if program:
        stmt = stmt.where(Vacancy.program_code == program)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(Placement.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    codes = {j.get("isco08") for _p, _v, a in rows for j in a.experience}
    titles = occupation_titles(session, codes, lang)
    today = date.today()
    out = []
    for placement, vacancy, applicant in rows:
        named = placement.status in NAMED_FROM
        out.append(
            {
                "placement_id": placement.id,
                "status": placement.status,
                "vacancy_id": vacancy.id,
                "vacancy_title": vacancy.title,
                "program": vacancy.program_code,
                "candidate": applicant.name if named else f"#{placement.id:06d}",
                "named": named,
                "nationality": applicant.nationality,
                "age_band": _age_band(applicant.birth_date, today),
                "languages": list(applicant.languages),
                "work": [
                    {
                        "occupation": titles.get(j.get("isco08") or "") or j.get("isco08"),
                        "months": j.get("months", 0),
                    }
                    for j in applicant.experience
                ],
                "verified": applicant.verified_at is not None,
                "explanation": _explanation(session, placement),
            }
        )
    return out, int(total)
