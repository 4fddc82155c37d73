"""Words the staff pages show for the codes services store: states, causes, score parts.

One place, so that the registrations, matching and candidates pages word a code the same
way; every value is a lazy string, rendered in the page's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

SEX = {"F": _l("Female"), "M": _l("Male"), "X": _l("Another or not stated")}

APPLICANT_STATUS = {
    "active": _l("active"),
    "withdrawn": _l("withdrawn from matching"),
    "deleted": _l("data erased"),
}

FLAG_STATUS = {
    "open": _l("to review"),
    "same": _l("same person"),
    "different": _l("different people"),
}

PLACEMENT_STATUS = {
    "proposed": _l("proposed"),
    "offered": _l("offered"),
    "accepted": _l("accepted"),
    "authorized": _l("authorized"),
    "visa_issued": _l("visa issued"),
    "arrived": _l("arrived"),
    "completed": _l("completed"),
    "withdrawn": _l("withdrawn"),
}

RUN_STATUS = {
    "queued": _l("waiting for the worker"),
    "running": _l("running"),
    "done": _l("finished"),
    "failed": _l("failed"),
}

RUN_STAGE = {
    "queued": _l("waiting for the worker"),
    "loading": _l("loading applicants and vacancies"),
    "matching": _l("matching people to slots"),
    "writing": _l("saving the matches"),
    "done": _l("finished"),
    "failed": _l("failed"),
}

OBJECTIVE = {
    "max_pathways": _l("As many people as possible"),
    "max_score": _l("The best fits"),
}

# Why a slot stays empty: the first filter that left the vacancy without any candidate, or
# "supply" when it had candidates and all of them were placed.
EMPTY_CAUSE = {
    "offer_rules": _l("The offer itself does not meet the program's rules"),
    "rules": _l("No applicant meets the program's rules (nationality, age, prior violations)"),
    "occupation": _l("No applicant has done this kind of work"),
    "destination": _l("No applicant wants to work in this country"),
    "dates": _l("No applicant is available during the season"),
    "requirements": _l(
        "No applicant meets the job's requirements (experience, languages, licences)"
    ),
    "supply": _l("Not enough people: every suitable applicant was placed"),
}

# Why an applicant got no offer.
UNMATCHED_CAUSE = {
    "rules": _l("Meets the rules of no program in the run"),
    "occupation": _l("No vacancy for their kind of work"),
    "destination": _l("No vacancy in the countries they chose"),
    "dates": _l("No vacancy during their availability"),
    "requirements": _l("Does not meet the jobs' requirements (experience, languages, licences)"),
    "competition": _l("Suitable vacancies went to other applicants"),
}

# The parts of a match's score (see matching.scoring.COMPONENTS).
COMPONENT = {
    "occupation": _l("Work like the job's"),
    "experience": _l("Months of experience"),
    "availability": _l("Available for the season"),
    "preference": _l("Country, program and wage wanted"),
    "language": _l("Speaks the workplace language"),
    "returning": _l("Worked in this program before"),
    "named": _l("Asked for by the employer"),
}


def word(table: dict[str, Any], code: str | None) -> str:
    """The label of ``code`` in ``table``; the code itself when it has none."""
    if code is None:
        return ""
    found = table.get(code)
    return str(found) if found is not None else code


def score_parts(explanation: dict[str, Any] | None, top: int = 3) -> list[tuple[str, float]]:
    """The parts that gave a match most of its score, as (label, points), best first."""
    if not explanation:
        return []
    parts = [c for c in explanation.get("components", []) if c.get("points", 0) > 0]
    parts.sort(key=lambda c: -c.get("points", 0))
    return [(word(COMPONENT, c.get("name")), float(c.get("points", 0))) for c in parts[:top]]
