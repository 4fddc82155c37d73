"""Eligibility checks: a request's facts, the cached catalog, the pure engine. Stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from matching.eligibility import ApplicantFacts, evaluate_programs_dicts
from matching.programs import OnMissing, Scope
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


STATUS_ORDER = ("eligible", "needs_review", "not_eligible")


def result_cards(
    session: Session, results: list[dict[str, Any]], lang: str, *, cache_seconds: float = 30.0
) -> list[dict[str, Any]]:
    """What each card shows, in catalog order: what fails, what is still unknown about the
    person, what they meet (folded), and apart, folded, the conditions of a job offer and the
    optional facts a person checks later."""
    catalog = {p.code: p for p in programs.get_catalog(session, max_age=cache_seconds)}
    order = {code: i for i, code in enumerate(programs.PROGRAM_ORDER)}
    cards = []
    for result in sorted(results, key=lambda r: (order.get(r["program"], 99), r["program"])):
        program = catalog.get(result["program"])
        rules = {rule.id: rule for rule in program.rules} if program else {}
        failed, unknown, passed, later, notes = [], [], [], [], []
        for reason in result["reasons"]:
            rule = rules.get(reason["rule"])
            if rule is None:  # e.g. "not among the countries you chose"
                notes.append(reason)
            elif reason["passed"] is False:
                failed.append(reason)
            elif reason["passed"] is True:
                passed.append(reason)
            elif rule.scope is Scope.VACANCY or rule.on_missing is OnMissing.IGNORE:
                later.append(reason)
            else:
                unknown.append(reason)
        cards.append(
            {
                "code": result["program"],
                "destination": result["destination"],
                "name": program.name.get(lang) if program else result["program"],
                "url": program.url if program else None,
                "status": result["status"],
                "failed": failed,
                "unknown": unknown,
                "passed": passed,
                "later": later,
                "notes": notes,
                "next_steps": result["next_steps"],
            }
        )
    return cards


def by_status(cards: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The cards grouped by status, for the short answer above them."""
    return {status: [c for c in cards if c["status"] == status] for status in STATUS_ORDER}
