"""What is known about an applicant and a job offer, and the facts rules are checked on.

:class:`ApplicantFacts` and :class:`VacancyFacts` are what callers pass in; the private
helpers turn them into the flat ``{"applicant.age": ..., "vacancy.wage_hourly": ...}``
mappings the compiled rule conditions of :mod:`matching.rules` read, and name a missing fact
to the applicant in their language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from matching.programs import Rule, Text
from matching.rules import FACT_KINDS, normalise

__all__ = ["ApplicantFacts", "VacancyFacts", "applicant_fact_map", "vacancy_fact_map"]


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    """What is known about an applicant; ``None`` = not known."""

    nationality: str | None
    birth_date: date | None
    residence_country: str | None = None
    languages: tuple[str, ...] = ()
    occupation_title: str | None = None
    isco08: str | None = None
    experience_months: int | None = None
    #: every ISCO-08 group of the person's work history (``isco08`` is counted too)
    occupations: tuple[str, ...] = ()
    available_from: date | None = None
    available_to: date | None = None
    destinations: tuple[str, ...] = ()
    prior_immigration_violation: bool | None = None


@dataclass(frozen=True, slots=True)
class VacancyFacts:
    """What is known about one job offer; ``None`` = not known.

    ``cma`` is the Canadian census metropolitan area of the worksite, or ``None`` when the
    worksite is outside every CMA. ``employer_low_wage_tfws`` counts the low-wage temporary
    foreign workers at the work location *including* the positions of this offer.
    ``temporary_need`` (H-2B) is one of ``one_time``, ``seasonal``, ``peakload``,
    ``intermittent``.
    """

    program: str | None = None
    worksite_country: str | None = None
    worksite_subdivision: str | None = None
    cma: str | None = None
    noc2021: str | None = None
    soc2018: str | None = None
    sinco2019: str | None = None
    isco08: str | None = None
    wage_hourly: Decimal | float | None = None
    currency: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    employer_workforce: int | None = None
    employer_low_wage_tfws: int | None = None
    naics: str | None = None
    housing_provided: bool | None = None
    transport_provided: bool | None = None
    agricultural: bool | None = None
    temporary_need: str | None = None
    employer_inm_registered: bool | None = None


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _calendar_months(start: date, end: date) -> float:
    """Length of [start, end] (both inclusive) in calendar months: Mar 1–Oct 31 = 8.0."""
    stop = end + timedelta(days=1)
    months = (stop.year - start.year) * 12 + stop.month - start.month
    while months > 0 and _add_months(start, months) > stop:
        months -= 1
    anchor, following = _add_months(start, months), _add_months(start, months + 1)
    return months + (stop - anchor).days / (following - anchor).days


def _applicant_facts(a: ApplicantFacts, as_of: date) -> dict[str, Any]:
    kinds = FACT_KINDS
    return {
        "applicant.nationality": normalise(kinds["applicant.nationality"], a.nationality),
        "applicant.age": None if a.birth_date is None else float(_age(a.birth_date, as_of)),
        "applicant.residence_country": normalise("code", a.residence_country),
        "applicant.languages": normalise("codes", a.languages) if a.languages else None,
        "applicant.isco08": normalise("code", a.isco08),
        "applicant.occupations": (
            normalise("codes", (*a.occupations, a.isco08) if a.isco08 else a.occupations)
            if a.isco08 or a.occupations
            else None
        ),
        "applicant.experience_months": normalise("number", a.experience_months),
        "applicant.available_from": a.available_from,
        "applicant.available_to": a.available_to,
        "applicant.availability": (
            None
            if a.available_from is None and a.available_to is None
            else (a.available_from, a.available_to)
        ),
        "applicant.prior_immigration_violation": a.prior_immigration_violation,
    }


def _vacancy_facts(v: VacancyFacts) -> dict[str, Any]:
    duration_days = duration_months = year_offset = None
    if v.start_date is not None and v.end_date is not None and v.end_date >= v.start_date:
        duration_days = float((v.end_date - v.start_date).days + 1)
        duration_months = _calendar_months(v.start_date, v.end_date)
        year_offset = float(v.end_date.year - v.start_date.year)
    share = None
    if v.employer_workforce and v.employer_low_wage_tfws is not None:
        share = v.employer_low_wage_tfws / v.employer_workforce
    return {
        "vacancy.present": True,
        "vacancy.worksite_country": normalise("code", v.worksite_country),
        "vacancy.worksite_subdivision": normalise("code", v.worksite_subdivision),
        "vacancy.cma": normalise("name", v.cma),
        "vacancy.noc2021": normalise("code", v.noc2021),
        "vacancy.soc2018": normalise("code", v.soc2018),
        "vacancy.sinco2019": normalise("code", v.sinco2019),
        "vacancy.isco08": normalise("code", v.isco08),
        "vacancy.wage_hourly": normalise("number", v.wage_hourly),
        "vacancy.currency": normalise("code", v.currency),
        "vacancy.start_date": v.start_date,
        "vacancy.end_date": v.end_date,
        "vacancy.duration_days": duration_days,
        "vacancy.duration_months": duration_months,
        "vacancy.end_year_offset": year_offset,
        "vacancy.employer_workforce": normalise("number", v.employer_workforce),
        "vacancy.employer_low_wage_tfws": normalise("number", v.employer_low_wage_tfws),
        "vacancy.low_wage_tfw_share": share,
        "vacancy.naics": normalise("code", v.naics),
        "vacancy.housing_provided": v.housing_provided,
        "vacancy.transport_provided": v.transport_provided,
        "vacancy.agricultural": v.agricultural,
        "vacancy.temporary_need": normalise("code", v.temporary_need),
        "vacancy.employer_inm_registered": v.employer_inm_registered,
    }


_FACT_LABEL: dict[str, Text] = {
    "applicant.nationality": Text(es="nacionalidad", en="nationality", fr="nationalité"),
    "applicant.age": Text(es="fecha de nacimiento", en="birth date", fr="date de naissance"),
    "applicant.isco08": Text(es="ocupación", en="occupation", fr="profession"),
    "applicant.occupations": Text(
        es="el trabajo que usted hace", en="the work you do", fr="le travail que vous faites"
    ),
    "applicant.experience_months": Text(
        es="meses de experiencia", en="months of experience", fr="mois d'expérience"
    ),
    "applicant.availability": Text(
        es="fechas en que puede trabajar",
        en="dates you can work",
        fr="dates où vous pouvez travailler",
    ),
    "applicant.prior_immigration_violation": Text(
        es="historial migratorio", en="immigration history", fr="antécédents migratoires"
    ),
}
_OFFER_LABEL = Text(
    es="datos de la oferta de trabajo", en="job offer details", fr="détails de l'offre d'emploi"
)


def _label(name: str, lang: str) -> str:
    """How a missing fact is named to the applicant."""
    label = _FACT_LABEL.get(name) or (
        _OFFER_LABEL if name.startswith("vacancy.") else Text(es=name, en=name, fr=name)
    )
    return label.get(lang)


def _missing_labels(rule: Rule, facts: Mapping[str, Any], lang: str) -> list[str]:
    labels: list[str] = []
    for name in sorted(rule.facts_used):
        if facts.get(name) is None:
            text = _label(name, lang)
            if text not in labels:
                labels.append(text)
    return labels


def applicant_fact_map(a: ApplicantFacts, as_of: date) -> dict[str, Any]:
    """The facts program rules read about ``a`` on ``as_of`` (``{"applicant.age": 31.0, …}``).

    Examples
    --------
    >>> facts = applicant_fact_map(ApplicantFacts("gt", date(1990, 6, 1)), date(2027, 5, 31))
    >>> facts["applicant.nationality"], facts["applicant.age"]
    ('GT', 36.0)
    """
    return _applicant_facts(a, as_of)


def vacancy_fact_map(v: VacancyFacts) -> dict[str, Any]:
    """The facts program rules read about one job offer.

    Examples
    --------
    >>> vacancy_fact_map(VacancyFacts(worksite_country="us"))["vacancy.worksite_country"]
    'US'
    """
    return _vacancy_facts(v)
