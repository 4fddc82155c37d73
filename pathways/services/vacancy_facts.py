"""A stored vacancy as the rules engine reads it (``matching.facts.VacancyFacts``)."""

from __future__ import annotations

from matching.facts import VacancyFacts
from pathways.models import Vacancy

#: Posted under one of these programs means certified as agricultural work.
AGRICULTURAL = frozenset({"US-H2A", "CA-SAWP", "CA-TFWP-AG"})


def _soc(system: str | None, code: str | None) -> str | None:
    if not code or system not in ("SOC2018", "ONETSOC"):
        return None
    return code[:7]


def facts_of(v: Vacancy) -> VacancyFacts:
    return VacancyFacts(
        program=v.program_code,
        worksite_country=v.worksite_country,
        worksite_subdivision=v.worksite_subdivision,
        noc2021=v.native_code if v.native_code_system == "NOC2021" else None,
        soc2018=_soc(v.native_code_system, v.native_code),
        sinco2019=v.native_code if v.native_code_system == "SINCO2019" else None,
        isco08=v.isco08,
        wage_hourly=None if v.wage_hourly_minor is None else v.wage_hourly_minor / 100,
        currency=v.wage_currency,
        start_date=v.start_date,
        end_date=v.end_date,
        employer_workforce=v.employer_workforce,
        employer_low_wage_tfws=v.employer_low_wage_tfws,
        naics=v.employer_naics,
        housing_provided=v.housing_provided,
        transport_provided=v.transport_provided,
        agricultural=True
        if v.program_code in AGRICULTURAL
        else (False if v.program_code == "US-H2B" else None),
    )
