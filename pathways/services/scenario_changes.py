"""The changes a policy what-if can make: checked against the catalog and the register when a
scenario is saved, and applied to a copy of the state a matching round reads when it runs.

Nothing here writes to the database: opened programs are modified copies of the catalog's
programs, added vacancies and people exist only in the worker's memory.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from matching.candidates import CandidateApplicant, CandidateVacancy
from matching.occupations import OccupationResolver
from matching.policy import open_to_nationalities
from matching.programs import Program
from pathways.imports.template import parse as parse_template
from pathways.imports.template import write_template_rows
from pathways.models import Applicant, Occupation, Vacancy
from pathways.models.enums import ApplicantStatus
from pathways.reference.demo import demand_profile
from pathways.services import demo, matching_runs, programs, vacancies

H2B = "US-H2B"
CHANGE_TYPES = ("open_program", "h2b_supplemental", "add_vacancies", "add_applicants")
DAYS_PER_MONTH = 30.44


class ChangeError(ValueError):
    """One change that cannot be applied; ``template`` is a literal English sentence
    (translated on pages) filled with ``params``, ``field`` names what is wrong."""

    def __init__(self, field: str, template: str, **params: Any) -> None:
        self.field, self.template, self.params = field, template, params
        self.message = template % params if params else template
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "message": self.message,
            "template": self.template,
            "params": self.params,
        }


class ChangesRefused(ValueError):
    """Every problem of a scenario's changes, so the officer fixes them in one go."""

    def __init__(self, errors: list[ChangeError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _where(index: int, change: dict[str, Any], name: str) -> str:
    # The same path the request validation reports: changes.<i>.<type>.<field>.
    return f"changes.{index}.{change['type']}.{name}"


def check_changes(session: Session, changes: list[dict[str, Any]], *, as_of: date) -> None:
    """Refuse changes that name an unknown program or occupation, change nothing, or have
    nobody to draw people from (raises :class:`ChangesRefused`)."""
    errors: list[ChangeError] = []
    catalog = {p.code: p for p in programs.get_catalog(session)}
    wanted_isco = {str(c["isco08"]) for c in changes if c.get("isco08")}
    known_isco = set(
        session.exec(
            select(Occupation.isco08).where(
                Occupation.isco08.in_(wanted_isco),  # type: ignore[attr-defined]
                Occupation.level == 4,
            )
        )
    )
    supplemental = 0
    for i, change in enumerate(changes):
        kind = change["type"]
        code = change.get("program")
        if code is not None and code not in catalog:
            errors.append(
                ChangeError(_where(i, change, "program"), "no program %(code)s", code=code)
            )
            continue
        if change.get("isco08") and change["isco08"] not in known_isco:
            errors.append(
                ChangeError(
                    _where(i, change, "isco08"),
                    "%(code)s is not an ISCO-08 unit group (four digits, e.g. 9211)",
                    code=change["isco08"],
                )
            )
        if kind == "open_program":
            opened = open_to_nationalities(catalog[code], change["nationalities"], as_of=as_of)
            if not opened.changed:
                errors.append(
                    ChangeError(
                        _where(i, change, "nationalities"),
                        "%(code)s already admits nationals of %(countries)s: no rule in force "
                        "limits their nationality, so opening it changes nothing",
                        code=code,
                        countries=", ".join(change["nationalities"]),
                    )
                )
        elif kind == "h2b_supplemental":
            supplemental += 1
            if supplemental > 1:
                errors.append(
                    ChangeError(
                        _where(i, change, "amount"),
                        "one H-2B supplemental change per scenario: add the visas up in one",
                    )
                )
        elif kind == "add_applicants":
            origin = change.get("origin")
            stmt = select(func.count()).where(Applicant.status == ApplicantStatus.active.value)
            if origin:
                stmt = stmt.where(Applicant.nationality == origin)
            if not session.exec(stmt).one():
                errors.append(
                    ChangeError(
                        _where(i, change, "origin"),
                        "there are no applicants from %(origin)s to draw the new people's "
                        "other details from",
                        origin=origin or "any country",
                    )
                )
    if errors:
        raise ChangesRefused(errors)


# ---------------------------------------------------------------------------------------------
# Applying the changes to a copy of the state


@dataclass
class ScenarioState:
    """A round's inputs with the changes applied: the baseline's applicants and vacancies
    first, in the same order, then the added ones; ``notes`` say what each change did."""

    catalog: dict[str, Program]
    changed_programs: set[str]
    applicants: list[CandidateApplicant]
    origin_of: list[str]
    vacancies: list[CandidateVacancy]
    program_of: list[str]
    destination_of: list[str]
    program_caps: dict[str, int]
    reserved: tuple[int, frozenset[str]] | None = None  # H-2B visas only these nationals use
    notes: list[dict[str, Any]] = field(default_factory=list)


def _rng(index: int, change: dict[str, Any]) -> random.Random:
    """The same change draws the same vacancies or people whatever scenario it is in."""
    return random.Random(f"{index}:{json.dumps(change, sort_keys=True)}")


def apply_changes(
    inputs: matching_runs.RoundInputs,
    changes: Sequence[dict[str, Any]],
    *,
    as_of: date,
    data_dir: Path,
    resolver: Callable[[], OccupationResolver],
) -> ScenarioState:
    """The scenario's copy of ``inputs``. ``resolver`` gives the occupation resolver, asked
    for only when vacancies must be shaped from the demand profile."""
    state = ScenarioState(
        catalog=dict(inputs.catalog),
        changed_programs=set(),
        applicants=list(inputs.applicants),
        origin_of=[p.nationality for p in inputs.people],
        vacancies=list(inputs.vacancies),
        program_of=[v.program_code for v in inputs.vacancy_rows],
        destination_of=[v.worksite_country for v in inputs.vacancy_rows],
        program_caps=dict(inputs.program_caps),
    )
    # Visas last: whether a reservation leaves anyone out depends on who the other changes add.
    order = sorted(range(len(changes)), key=lambda i: changes[i]["type"] == "h2b_supplemental")
    for i in order:
        change = changes[i]
        kind = change["type"]
        if kind == "open_program":
            _open_program(state, i, change, as_of)
        elif kind == "h2b_supplemental":
            _supplemental(state, i, change)
        elif kind == "add_vacancies":
            _add_vacancies(state, i, change, as_of, data_dir, resolver)
        elif kind == "add_applicants":
            _add_applicants(state, i, change, inputs)
        else:  # the schema allows no other type
            raise ValueError(f"unknown change type {kind!r}")
    state.notes.sort(key=lambda note: int(note["change"]))
    return state


def _open_program(state: ScenarioState, i: int, change: dict[str, Any], as_of: date) -> None:
    code = change["program"]
    opened = open_to_nationalities(state.catalog[code], change["nationalities"], as_of=as_of)
    state.catalog[code] = opened.program
    if opened.changed:
        state.changed_programs.add(code)
    state.notes.append(
        {
            "change": i,
            "kind": "rules_opened",
            "program": code,
            "rules": [{"id": rid, "added": list(opened.added[rid])} for rid in opened.changed],
            # Rules that still limit where a person lives or where the job may be.
            "kept": [
                {"id": r.id, "text": r.text.to_dict(), "scope": str(r.scope)} for r in opened.kept
            ],
        }
    )


def _supplemental(state: ScenarioState, i: int, change: dict[str, Any]) -> None:
    amount = int(change["amount"])
    reserved = frozenset(change.get("reserved_for") or ())
    note: dict[str, Any] = {"change": i, "kind": "h2b_supplemental", "amount": amount}
    if H2B not in state.program_caps:
        note["uncapped"] = True  # no cap in force: slots are the only limit already
        state.notes.append(note)
        return
    note["left_before"] = state.program_caps[H2B]
    state.program_caps[H2B] += amount
    present = set(state.origin_of)
    if reserved and not present <= reserved:
        state.reserved = (amount, reserved)
        note["reserved_for"] = sorted(reserved)
        note["others"] = sorted(present - reserved)
    elif reserved:
        # Every applicant here is a national of a listed country: the reservation is a raise.
        note["reserved_for"] = sorted(reserved)
        note["covers_everyone"] = True
    state.notes.append(note)


def _add_vacancies(
    state: ScenarioState,
    i: int,
    change: dict[str, Any],
    as_of: date,
    data_dir: Path,
    resolver: Callable[[], OccupationResolver],
) -> None:
    code, count = change["program"], int(change["count"])
    isco, months = change.get("isco08"), change.get("months")
    rng = _rng(i, change)
    existing = [
        (v, country)
        for v, program, country in zip(
            state.vacancies, state.program_of, state.destination_of, strict=True
        )
        if program == code
    ]
    shaped_by = "open_vacancies"
    shapes = [pair for pair in existing if isco is None or pair[0].isco08 == isco]
    if not shapes:
        shapes = existing
    if not shapes:
        shaped_by = "demand_profile"
        shapes = _demand_shapes(code, rng, as_of, data_dir, resolver())
    note = {
        "change": i,
        "kind": "vacancies_added",
        "program": code,
        "slots": count,
        "shaped_by": shaped_by,
        "shapes": len(shapes),
    }
    made = 0
    while made < count:
        shape, country = rng.choice(shapes)
        slots = min(max(shape.slots, 1), count - made)
        state.vacancies.append(_reshaped(shape, slots, isco, months))
        state.program_of.append(code)
        state.destination_of.append(country)
        made += slots
        note["vacancies"] = int(note.get("vacancies", 0)) + 1
    if isco is not None and all(v.isco08 != isco for v, _c in shapes):
        note["occupation_set"] = isco  # none was of that occupation: theirs was replaced
    state.notes.append(note)


def _reshaped(
    shape: CandidateVacancy, slots: int, isco: str | None, months: int | None
) -> CandidateVacancy:
    facts = shape.facts
    changed: dict[str, Any] = {"slots": slots}
    if isco is not None and isco != shape.isco08:
        # The official code no longer describes the work: rules that read it will ask for a
        # review, as they do for a posted vacancy without one.
        changed["isco08"] = isco
        facts = dataclasses.replace(facts, isco08=isco, noc2021=None, soc2018=None, sinco2019=None)
    if months is not None:
        end = shape.start + timedelta(days=round(months * DAYS_PER_MONTH) - 1)
        changed["end"] = end
        facts = dataclasses.replace(facts, end_date=end)
    return dataclasses.replace(shape, facts=facts, **changed)


def _demand_shapes(
    code: str, rng: random.Random, as_of: date, data_dir: Path, resolver: OccupationResolver
) -> list[tuple[CandidateVacancy, str]]:
    """Vacancies of ``code`` drawn from the demo demand profile (what employers of the program
    ask for, from the real files), normalised exactly as an imported file would be."""
    groups = [g for g in demand_profile(data_dir) if g.program == code]
    if not groups:
        raise ValueError(f"no open vacancy and no demand profile to shape {code} vacancies")
    year = max(as_of.year + 1, date.today().year + 1)
    rows = [
        demo.vacancy_row(rng, group, f"WHATIF-{code}-{k}", year) for k, group in enumerate(groups)
    ]
    out = []
    for parsed in parse_template(write_template_rows(rows)).valid:
        values = vacancies.normalize(parsed, resolver=resolver, data_dir=data_dir)
        row = Vacancy(**values)  # never added to a session: it lives in this what-if only
        if row.isco08 and row.start_date and row.end_date:
            out.append((matching_runs.candidate_vacancy(row), row.worksite_country))
    if not out:
        raise ValueError(f"the demand profile of {code} gives no vacancy with an occupation")
    return out


def _add_applicants(
    state: ScenarioState, i: int, change: dict[str, Any], inputs: matching_runs.RoundInputs
) -> None:
    count, isco, origin = int(change["count"]), change["isco08"], change.get("origin")
    pool = [
        k
        for k, person in enumerate(inputs.people)
        if origin is None or person.nationality == origin
    ]
    if not pool:
        raise ValueError(f"no applicants from {origin or 'any country'} to draw from")
    rng = _rng(i, change)
    for k in rng.choices(pool, k=count):
        base = inputs.applicants[k]
        months = max(base.facts.experience_months or 0, 12)
        # The recruit has the work asked for; everything else is a current applicant's
        # (age, languages, availability, preferences). Being named by an employer is personal.
        facts = dataclasses.replace(
            base.facts, isco08=isco, occupations=(isco,), experience_months=months
        )
        state.applicants.append(
            dataclasses.replace(
                base, facts=facts, occupations=((isco, months),), named_for=frozenset()
            )
        )
        state.origin_of.append(inputs.people[k].nationality)
    state.notes.append(
        {
            "change": i,
            "kind": "applicants_added",
            "count": count,
            "isco08": isco,
            "origin": origin,
            "drawn_from": len(pool),
        }
    )


# ---------------------------------------------------------------------------------------------
# What a form offers


def program_choices(session: Session, lang: str) -> list[tuple[str, str]]:
    """(code, name in ``lang``) of every program, in catalog order."""
    return [(p.code, p.name.get(lang)) for p in programs.get_catalog(session)]


def occupation_choices(session: Session, lang: str) -> list[tuple[str, str]]:
    """(ISCO-08 unit group, title in ``lang``) of every occupation, by title."""
    column = {"es": Occupation.title_es, "fr": Occupation.title_fr}.get(lang, Occupation.title_en)
    rows = session.exec(
        select(Occupation.isco08, column, Occupation.title_en).where(Occupation.level == 4)
    ).all()
    return sorted(((code, title or english) for code, title, english in rows), key=lambda r: r[1])
