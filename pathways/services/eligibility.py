"""Eligibility checks: a request's facts, the cached catalog, the pure engine. Stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from matching.eligibility import ApplicantFacts, evaluate_programs_dicts
from pathways.services import occupations, programs

# Below this resolver score a free-text job title is too vague to name an occupation.
MIN_OCCUPATION_SCORE = 0.45


@dataclass(frozen=True)
class EligibilityCheck:
    as_of: date
    results: list[dict[str, Any]]  # the API.md result objects, one per program
    occupation: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "results": self.results,
            "occupation": self.occupation,
        }


def check_eligibility(
    session: Session,
    *,
    nationality: str,
    birth_date: date,
    lang: str = "es",
    as_of: date | None = None,
    residence_country: str | None = None,
    languages: list[str] | tuple[str, ...] = (),
    occupation_title: str | None = None,
    isco08: str | None = None,
    experience_months: int | None = None,
    available_from: date | None = None,
    available_to: date | None = None,
    destinations: list[str] | tuple[str, ...] = (),
    prior_immigration_violation: bool | None = None,
    cache_seconds: float = 30.0,
) -> EligibilityCheck:
    as_of = as_of or date.today()
    occupation = None
    if occupation_title and not isco08:
        occupation = resolve_title(session, occupation_title, lang, cache_seconds)
        isco08 = occupation["isco08"] if occupation else None
    facts = ApplicantFacts(
        nationality=nationality,
        birth_date=birth_date,
        residence_country=residence_country,
        languages=tuple(languages),
        occupation_title=occupation_title,
        isco08=isco08,
        experience_months=experience_months,
        available_from=available_from,
        available_to=available_to,
        destinations=tuple(destinations),
        prior_immigration_violation=prior_immigration_violation,
    )
    catalog = programs.get_catalog(session, max_age=cache_seconds)
    results = evaluate_programs_dicts(catalog, facts, as_of=as_of, lang=lang)
    return EligibilityCheck(as_of=as_of, results=results, occupation=occupation)


def resolve_title(
    session: Session, title: str, lang: str | None, cache_seconds: float = 30.0
) -> dict[str, Any] | None:
    resolver = occupations.get_resolver(session, max_age=cache_seconds)
    candidates = resolver.resolve(title, lang=lang, limit=1)
    if not candidates or candidates[0].score < MIN_OCCUPATION_SCORE:
        return None
    best = candidates[0]
    return {"isco08": best.isco08, "title": best.to_dict(lang)["title"], "score": best.score}
