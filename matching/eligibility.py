"""Eligibility of an applicant (and optionally one job offer) for each program, as of a date.

Programs and their rules are data (``data/programs/*.toml``, parsed by the caller and passed to
:func:`program_from_dict`); this module reads no files. Rules are versioned: only the versions
whose ``effective_from``/``effective_to`` cover ``as_of`` are applied.

Choices worth knowing
---------------------
* **Age** is computed on ``as_of`` (the day of the check, when an application would be made),
  never on a later start date, so a 17-year-old is never reported eligible.
* **Job-offer rules** (``scope = "vacancy"``) are only applied when a vacancy is given and it is
  for that program (``vacancy.program`` equal to the program code, or ``None``). Otherwise they
  are reported with ``passed = None`` and "depends on the job offer", without changing the
  status.
* **Destinations**: a program outside the applicant's non-empty ``destinations`` keeps its
  status; a reason ``<code>.destination-preference`` (``passed = None``) and a next step say so.
* **Status**: a failed rule with ``on_fail = not_eligible`` gives ``not_eligible``; otherwise any
  failed rule, or an undecidable one with ``on_missing = needs_review``, gives
  ``needs_review``; otherwise ``eligible``. ``on_missing = "ignore"`` marks optional facts
  (availability, immigration history when not asked) whose absence must not block anyone.
* **Speed**: everything that depends only on the rule versions in force and the language (the
  rules to apply, their texts, the reasons they give) is prepared once per program, date range
  and language and kept with the program, so a request only computes facts and runs checks.
  :func:`evaluate_programs_dicts` returns the API's dicts directly, without the objects.

Where things live
-----------------
The program types are in :mod:`matching.programs`, their parsing in :mod:`matching.catalog`,
the applicant and job-offer facts in :mod:`matching.facts`, the result types in
:mod:`matching.results` and the prepared plans in :mod:`matching.plans`. This module evaluates,
and re-exports the names callers used to import from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

# This module used to hold the program types, their parsing, the facts and the plans too, and
# callers and tests still import from here: the ``name as name`` imports only re-export.
from matching.catalog import program_from_dict
from matching.facts import ApplicantFacts, VacancyFacts, _applicant_facts, _vacancy_facts
from matching.facts import _missing_labels as _missing_labels
from matching.plans import _COUNTRY as _COUNTRY
from matching.plans import _MAX_REQUEST_KEYS as _MAX_REQUEST_KEYS
from matching.plans import _MSG as _MSG
from matching.plans import _STATUS, _STATUS_STR, _plan_for, _run
from matching.programs import LANGS as LANGS
from matching.programs import Cap, Certainty, Program, Rule, Scope, Text, rules_in_force
from matching.programs import OnMissing as OnMissing
from matching.results import ProgramResult, Reason, Status

__all__ = [
    "ApplicantFacts",
    "Cap",
    "Certainty",
    "Program",
    "ProgramResult",
    "Reason",
    "Rule",
    "Scope",
    "Status",
    "Text",
    "VacancyFacts",
    "evaluate_program",
    "evaluate_programs",
    "evaluate_programs_dicts",
    "program_from_dict",
    "rules_in_force",
]


def _wanted(applicant: ApplicantFacts) -> frozenset[str] | None:
    """The applicant's preferred destinations, upper-cased; ``None`` when any will do."""
    wanted = applicant.destinations
    return frozenset(d.upper() for d in wanted) if wanted else None


def evaluate_program(
    program: Program,
    applicant: ApplicantFacts,
    *,
    as_of: date,
    lang: str = "es",
    vacancy: VacancyFacts | None = None,
    _facts: tuple[dict[str, Any], dict[str, Any] | None] | None = None,
) -> ProgramResult:
    """Evaluate one program; see :func:`evaluate_programs` (same arguments, one program)."""
    if _facts is None:
        base = _applicant_facts(applicant, as_of)
        merged = None if vacancy is None else {**base, **_vacancy_facts(vacancy)}
    else:
        base, merged = _facts
    return _result(program, base, merged, vacancy, _wanted(applicant), as_of, lang)


def _result(
    program: Program,
    base: dict[str, Any],
    merged: dict[str, Any] | None,
    vacancy: VacancyFacts | None,
    wanted: frozenset[str] | None,
    as_of: date,
    lang: str,
) -> ProgramResult:
    offer_applies = merged is not None and (
        vacancy is None or vacancy.program is None or vacancy.program == program.code
    )
    plan = program._memo.by_request.get((as_of, lang, False)) or _plan_for(
        program, as_of, lang, False
    )
    status, reasons, steps = _run(
        plan,
        merged if offer_applies and merged is not None else base,
        offer_applies,
        wanted is not None and program.destination not in wanted,
    )
    return ProgramResult(
        program=program.code,
        destination=program.destination,
        status=_STATUS[status],
        reasons=tuple(reasons),
        next_steps=tuple(steps),
    )


def evaluate_programs(
    programs: Iterable[Program],
    applicant: ApplicantFacts,
    *,
    as_of: date,
    lang: str = "es",
    vacancy: VacancyFacts | None = None,
) -> list[ProgramResult]:
    """Evaluate an applicant (and optionally one job offer) against every program.

    Parameters
    ----------
    programs : iterable of Program
        The catalog, from :func:`program_from_dict`; results keep this order.
    applicant : ApplicantFacts
        What is known about the person; unknown values are ``None``.
    as_of : date
        Selects the rule versions in force; the applicant's age is computed on this date.
    lang : str
        ``es``, ``en`` or ``fr`` for messages and next steps (anything else: English).
    vacancy : VacancyFacts, optional
        A job offer. Its rules apply to the program named in ``vacancy.program`` (or to all
        programs when that is ``None``); without it, job-offer rules are reported as
        "depends on the job offer" and do not change the status.

    Returns
    -------
    list of ProgramResult
        One per program, in catalog order.

    Examples
    --------
    >>> p = program_from_dict({
    ...     "code": "XX-DEMO", "destination": "CA", "url": "https://example.org",
    ...     "name": {"es": "D", "en": "D", "fr": "D"},
    ...     "description": {"es": "d", "en": "d", "fr": "d"},
    ...     "rules": [{"id": "xx-demo.age", "scope": "applicant", "certainty": "official",
    ...                "on_fail": "not_eligible", "effective_from": "2020-01-01",
    ...                "source": "https://example.org/age",
    ...                "condition": {"fact": "applicant.age", "op": "ge", "value": 18},
    ...                "text": {"es": "Tener 18 años o más.", "en": "Be 18 or older.",
    ...                         "fr": "Avoir 18 ans ou plus."},
    ...                "remedy": {"es": "Espere a cumplir 18.", "en": "Wait until 18.",
    ...                           "fr": "Attendez d'avoir 18 ans."}}]})
    >>> a = ApplicantFacts(nationality="GT", birth_date=date(2010, 5, 2))
    >>> r = evaluate_programs([p], a, as_of=date(2026, 1, 1), lang="en")[0]
    >>> r.status, r.reasons[0].passed, r.next_steps
    (<Status.NOT_ELIGIBLE: 'not_eligible'>, False, ('Wait until 18.',))
    """
    base = _applicant_facts(applicant, as_of)
    merged = None if vacancy is None else {**base, **_vacancy_facts(vacancy)}
    wanted = _wanted(applicant)
    return [_result(p, base, merged, vacancy, wanted, as_of, lang) for p in programs]


def evaluate_programs_dicts(
    programs: Iterable[Program],
    applicant: ApplicantFacts,
    *,
    as_of: date,
    lang: str = "es",
    vacancy: VacancyFacts | None = None,
) -> list[dict[str, Any]]:
    """``[r.to_dict() for r in evaluate_programs(...)]``, built directly (same arguments).

    Equal to it key for key and in the same order, only cheaper: the reasons are copies of
    dicts prebuilt per program, date range and language. Every dict and list returned is new,
    so a caller may change them freely.

    Examples
    --------
    >>> p = program_from_dict({
    ...     "code": "XX-DEMO", "destination": "CA", "url": "https://example.org",
    ...     "name": {"es": "D", "en": "D", "fr": "D"},
    ...     "description": {"es": "d", "en": "d", "fr": "d"},
    ...     "rules": [{"id": "xx-demo.age", "scope": "applicant", "certainty": "official",
    ...                "on_fail": "not_eligible", "effective_from": "2020-01-01",
    ...                "source": "https://example.org/age",
    ...                "condition": {"fact": "applicant.age", "op": "ge", "value": 18},
    ...                "text": {"es": "Tener 18 años o más.", "en": "Be 18 or older.",
    ...                         "fr": "Avoir 18 ans ou plus."}}]})
    >>> a = ApplicantFacts(nationality="GT", birth_date=date(1990, 5, 2))
    >>> evaluate_programs_dicts([p], a, as_of=date(2026, 1, 1), lang="en")[0]["reasons"]
    [{'rule': 'xx-demo.age', 'passed': True, 'message': 'Be 18 or older.', \
'source': 'https://example.org/age'}]
    """
    base = _applicant_facts(applicant, as_of)
    merged = None if vacancy is None else {**base, **_vacancy_facts(vacancy)}
    offer_for = None if vacancy is None else vacancy.program
    wanted = _wanted(applicant)
    key = (as_of, lang, True)
    copy = dict.copy
    results: list[dict[str, Any]] = []
    for program in programs:
        plan = program._memo.by_request.get(key) or _plan_for(program, as_of, lang, True)
        code = program.code
        offer = merged is not None and (offer_for is None or offer_for == code)
        status, reasons, steps = _run(
            plan,
            merged if offer and merged is not None else base,
            offer,
            wanted is not None and program.destination not in wanted,
        )
        results.append(
            {
                "program": code,
                "destination": program.destination,
                "status": _STATUS_STR[status],
                "reasons": list(map(copy, reasons)),
                "next_steps": steps,
            }
        )
    return results
