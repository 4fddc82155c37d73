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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from matching.rules import FACT_KINDS, Check, compile_condition, normalise

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

LANGS = ("es", "en", "fr")


class Status(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"


class Certainty(StrEnum):
    OFFICIAL = "official"
    SECONDARY = "secondary"
    UNCERTAIN = "uncertain"


class Scope(StrEnum):
    APPLICANT = "applicant"
    VACANCY = "vacancy"


class OnMissing(StrEnum):
    NEEDS_REVIEW = "needs_review"
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class Text:
    """One text in Spanish, English and French."""

    es: str
    en: str
    fr: str

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to English."""
        return self.fr if lang == "fr" else self.es if lang == "es" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"es": self.es, "en": self.en, "fr": self.fr}


@dataclass(frozen=True, slots=True)
class Rule:
    """One version of one program rule (see ``data/programs/README.md``)."""

    id: str
    scope: Scope
    condition: Mapping[str, Any]
    text: Text
    source: str
    effective_from: date
    effective_to: date | None
    certainty: Certainty
    on_fail: Status
    on_missing: OnMissing
    basis: str = "law"
    remedy: Text | None = None
    note: Text | None = None
    check: Check = field(default=lambda facts: None, repr=False, compare=False)
    facts_used: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def in_force(self, as_of: date) -> bool:
        """Whether this version applies on ``as_of`` (both ends inclusive)."""
        return self.effective_from <= as_of and (
            self.effective_to is None or as_of <= self.effective_to
        )

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        """Catalog view; ``lang=None`` gives every text in all three languages."""

        def text(t: Text | None) -> Any:
            return None if t is None else t.to_dict() if lang is None else t.get(lang)

        return {
            "id": self.id,
            "scope": str(self.scope),
            "text": text(self.text),
            "source": self.source,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "certainty": str(self.certainty),
            "on_fail": str(self.on_fail),
            "on_missing": str(self.on_missing),
            "basis": self.basis,
            "condition": _jsonable(self.condition),
            "remedy": text(self.remedy),
            "note": text(self.note),
        }


@dataclass(frozen=True, slots=True)
class Cap:
    """A numerical limit on visas or workers (e.g. the H-2B statutory cap)."""

    id: str
    kind: str
    amount: int
    label: Text
    source: str
    certainty: Certainty
    fiscal_year: int | None = None
    start: date | None = None
    end: date | None = None
    month_days: tuple[str, str] | None = None
    reserved_for: tuple[str, ...] = ()
    returning_workers_only: bool | None = None
    note: Text | None = None

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        def text(t: Text | None) -> Any:
            return None if t is None else t.to_dict() if lang is None else t.get(lang)

        return {
            "id": self.id,
            "kind": self.kind,
            "amount": self.amount,
            "fiscal_year": self.fiscal_year,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "month_days": list(self.month_days) if self.month_days else None,
            "reserved_for": list(self.reserved_for),
            "returning_workers_only": self.returning_workers_only,
            "label": text(self.label),
            "source": self.source,
            "certainty": str(self.certainty),
            "note": text(self.note),
        }


class _Memo:
    """Per-program memo of compiled evaluation plans (see :func:`_plan_for`).

    Lives in a non-compared field of :class:`Program`, so it goes away with its program and a
    ``dataclasses.replace`` copy starts empty. Filled lazily; a race between threads at worst
    builds the same plan twice. Nothing in it is ever handed to a caller to mutate.
    """

    __slots__ = ("by_request", "by_rules")

    def __init__(self) -> None:
        # (as_of, lang, as_dicts) -> plan; bounded, see _plan_for
        self.by_request: dict[tuple[date, str, bool], _Plan] = {}
        # (indexes of the rules in force, lang, as_dicts) -> plan, shared by equal date ranges
        self.by_rules: dict[tuple[tuple[int, ...], str, bool], _Plan] = {}


@dataclass(frozen=True, slots=True)
class Program:
    """A program with every version of its rules, in file order."""

    code: str
    destination: str
    name: Text
    description: Text
    url: str
    next_steps: tuple[Text, ...]
    rules: tuple[Rule, ...]
    caps: tuple[Cap, ...] = ()
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _memo: _Memo = field(default_factory=_Memo, init=False, repr=False, compare=False)

    def to_dict(self, as_of: date | None = None, lang: str | None = "en") -> dict[str, Any]:
        """Catalog view: all rule versions, or only those in force on ``as_of``."""
        rules = self.rules if as_of is None else rules_in_force(self, as_of)

        def text(t: Text) -> Any:
            return t.to_dict() if lang is None else t.get(lang)

        return {
            "code": self.code,
            "destination": self.destination,
            "name": text(self.name),
            "description": text(self.description),
            "url": self.url,
            "next_steps": [text(t) for t in self.next_steps],
            "rules": [r.to_dict(lang) for r in rules],
            "caps": [c.to_dict(lang) for c in self.caps],
            "lists": {k: list(v) for k, v in self.lists.items()},
        }


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


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule counted: ``passed`` is True, False, or None (undecided / not applied)."""

    rule: str
    passed: bool | None
    message: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "message": self.message,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class ProgramResult:
    program: str
    destination: str
    status: Status
    reasons: tuple[Reason, ...]
    next_steps: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The result object of ``POST /api/v1/eligibility`` (API.md)."""
        return {
            "program": self.program,
            "destination": self.destination,
            "status": str(self.status),
            "reasons": [r.to_dict() for r in self.reasons],
            "next_steps": list(self.next_steps),
        }


# --------------------------------------------------------------------------- parsing


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _text(d: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> Text | None:
    raw = d.get(key)
    if raw is None and not required:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: '{key}' must be a table with es, en and fr texts")
    for lang in LANGS:
        if not isinstance(raw.get(lang), str) or not raw[lang].strip():
            raise ValueError(f"{where}: '{key}.{lang}' is missing or empty")
    return Text(es=raw["es"].strip(), en=raw["en"].strip(), fr=raw["fr"].strip())


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{where}: {value!r} is not an ISO date") from exc


def _url(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.startswith("https://") or " " in value:
        raise ValueError(f"{where}: must be an https:// URL, got {value!r}")
    return value


def _enum(enum: Any, value: Any, where: str) -> Any:
    try:
        return enum(value)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in enum)
        raise ValueError(f"{where}: {value!r} is not one of {allowed}") from exc


def _rule(d: Mapping[str, Any], code: str, lists: Mapping[str, Any], index: int) -> Rule:
    rid = d.get("id")
    where = f"{code} rules[{index}] ({rid})"
    if not isinstance(rid, str) or not rid.startswith(code.lower() + "."):
        raise ValueError(f"{where}: 'id' must start with '{code.lower()}.'")
    scope = _enum(Scope, d.get("scope"), f"{where}.scope")
    certainty = _enum(Certainty, d.get("certainty"), f"{where}.certainty")
    on_fail = _enum(Status, d.get("on_fail"), f"{where}.on_fail")
    if on_fail is Status.ELIGIBLE:
        raise ValueError(f"{where}.on_fail: must be not_eligible or needs_review")
    on_missing = _enum(OnMissing, d.get("on_missing", "needs_review"), f"{where}.on_missing")
    if certainty is Certainty.UNCERTAIN and on_fail is Status.NOT_ELIGIBLE:
        raise ValueError(f"{where}: an uncertain rule must not yield not_eligible")
    start = _date(d.get("effective_from"), f"{where}.effective_from")
    end = None if d.get("effective_to") is None else _date(d["effective_to"], f"{where}.to")
    if end is not None and end < start:
        raise ValueError(f"{where}: effective_to is before effective_from")
    basis = d.get("basis", "law")
    if basis not in ("law", "policy"):
        raise ValueError(f"{where}.basis: must be 'law' or 'policy'")
    if "condition" not in d:
        raise ValueError(f"{where}: 'condition' is missing")
    check, used = compile_condition(d["condition"], where=f"{where}.condition", lists=lists)
    if scope is Scope.APPLICANT and any(f.startswith("vacancy.") for f in used):
        raise ValueError(f"{where}: an applicant-scope rule reads job-offer facts")
    return Rule(
        id=rid,
        scope=scope,
        condition=d["condition"],
        text=_text(d, "text", where),  # type: ignore[arg-type]
        source=_url(d.get("source"), f"{where}.source"),
        effective_from=start,
        effective_to=end,
        certainty=certainty,
        on_fail=on_fail,
        on_missing=on_missing,
        basis=basis,
        remedy=_text(d, "remedy", where, required=False),
        note=_text(d, "note", where, required=False),
        check=check,
        facts_used=used,
    )


def _cap(d: Mapping[str, Any], code: str, index: int) -> Cap:
    where = f"{code} caps[{index}] ({d.get('id')})"
    amount = d.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"{where}.amount: must be a positive whole number")
    if d.get("kind") not in ("statutory", "supplemental", "policy"):
        raise ValueError(f"{where}.kind: must be statutory, supplemental or policy")
    month_days = d.get("month_days")
    if month_days is not None and (not isinstance(month_days, list) or len(month_days) != 2):
        raise ValueError(f"{where}.month_days: must be ['MM-DD', 'MM-DD']")
    return Cap(
        id=str(d.get("id")),
        kind=d["kind"],
        amount=amount,
        label=_text(d, "label", where),  # type: ignore[arg-type]
        source=_url(d.get("source"), f"{where}.source"),
        certainty=_enum(Certainty, d.get("certainty"), f"{where}.certainty"),
        fiscal_year=d.get("fiscal_year"),
        start=_date(d["start"], f"{where}.start") if "start" in d else None,
        end=_date(d["end"], f"{where}.end") if "end" in d else None,
        month_days=(str(month_days[0]), str(month_days[1])) if month_days else None,
        reserved_for=tuple(str(c).upper() for c in d.get("reserved_for", ())),
        returning_workers_only=d.get("returning_workers_only"),
        note=_text(d, "note", where, required=False),
    )


def program_from_dict(d: Mapping[str, Any]) -> Program:
    """Build a :class:`Program` from one parsed program file.

    Parameters
    ----------
    d : mapping
        Exactly what ``tomllib.load`` returns for one ``data/programs/*.toml`` file.

    Returns
    -------
    Program
        With every rule condition compiled, ready for :func:`evaluate_programs`.

    Raises
    ------
    ValueError
        With a message naming the program, the rule and the field at fault.

    Examples
    --------
    >>> p = program_from_dict({
    ...     "code": "XX-DEMO", "destination": "CA", "url": "https://example.org",
    ...     "name": {"es": "Demo", "en": "Demo", "fr": "Démo"},
    ...     "description": {"es": "d", "en": "d", "fr": "d"},
    ...     "next_steps": [], "caps": [],
    ...     "rules": [{"id": "xx-demo.age", "scope": "applicant", "certainty": "official",
    ...                "on_fail": "not_eligible", "effective_from": "2020-01-01",
    ...                "source": "https://example.org/age",
    ...                "condition": {"fact": "applicant.age", "op": "ge", "value": 18},
    ...                "text": {"es": "18+", "en": "18+", "fr": "18+"}}]})
    >>> [r.id for r in p.rules]
    ['xx-demo.age']
    """
    code = d.get("code")
    if not isinstance(code, str) or not code:
        raise ValueError("program: 'code' is missing")
    destination = d.get("destination")
    if not isinstance(destination, str) or len(destination) != 2:
        raise ValueError(f"{code}: 'destination' must be an ISO 3166-1 alpha-2 code")
    raw_lists = d.get("lists", {})
    if not isinstance(raw_lists, Mapping):
        raise ValueError(f"{code}: 'lists' must be a table of named lists")
    lists = {str(k): tuple(str(x) for x in v) for k, v in raw_lists.items()}
    raw_rules = d.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ValueError(f"{code}: 'rules' must be an array of tables")
    rules = tuple(_rule(r, code, lists, i) for i, r in enumerate(raw_rules))
    by_id: dict[str, list[Rule]] = {}
    for r in rules:
        by_id.setdefault(r.id, []).append(r)
    for rid, versions in by_id.items():
        versions.sort(key=lambda r: r.effective_from)
        for before, after in zip(versions, versions[1:], strict=False):
            if before.effective_to is None or before.effective_to >= after.effective_from:
                raise ValueError(f"{code}: versions of rule {rid} overlap")
    raw_steps = d.get("next_steps", [])
    if not isinstance(raw_steps, list):
        raise ValueError(f"{code}: 'next_steps' must be an array of tables")
    steps = tuple(_text({"s": s}, "s", f"{code} next_steps[{i}]") for i, s in enumerate(raw_steps))
    caps = tuple(_cap(c, code, i) for i, c in enumerate(d.get("caps", [])))
    return Program(
        code=code,
        destination=destination.upper(),
        name=_text(d, "name", code),  # type: ignore[arg-type]
        description=_text(d, "description", code),  # type: ignore[arg-type]
        url=_url(d.get("url"), f"{code}.url"),
        next_steps=steps,  # type: ignore[arg-type]
        rules=rules,
        caps=caps,
        lists=lists,
    )


# --------------------------------------------------------------------------- evaluation


def rules_in_force(program: Program, as_of: date) -> list[Rule]:
    """The rule versions of ``program`` that apply on ``as_of``, in file order.

    Examples
    --------
    >>> p = program_from_dict({
    ...     "code": "XX-DEMO", "destination": "CA", "url": "https://example.org",
    ...     "name": {"es": "D", "en": "D", "fr": "D"},
    ...     "description": {"es": "d", "en": "d", "fr": "d"},
    ...     "rules": [{"id": "xx-demo.a", "scope": "applicant", "certainty": "official",
    ...                "on_fail": "needs_review", "effective_from": "2020-01-01",
    ...                "effective_to": "2020-12-31", "source": "https://example.org",
    ...                "condition": {"always": True},
    ...                "text": {"es": "a", "en": "a", "fr": "a"}}]})
    >>> len(rules_in_force(p, date(2020, 6, 1))), len(rules_in_force(p, date(2021, 1, 1)))
    (1, 0)
    """
    return [r for r in program.rules if r.in_force(as_of)]


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


_MSG: dict[str, Text] = {
    "offer": Text(
        es="Depende de la oferta de trabajo.",
        en="Depends on the job offer.",
        fr="Dépend de l'offre d'emploi.",
    ),
    "missing": Text(
        es="Falta información: {facts}.",
        en="Missing information: {facts}.",
        fr="Information manquante : {facts}.",
    ),
    "officer": Text(
        es="Nuestros datos no alcanzan para decidirlo: una persona del programa lo revisará.",
        en="Our data cannot decide this: a program officer will check it.",
        fr="Nos données ne permettent pas de le décider : un agent du programme vérifiera.",
    ),
    "complete": Text(
        es="Complete su información ({facts}) para recibir una respuesta más clara.",
        en="Complete your information ({facts}) to get a clearer answer.",
        fr="Complétez vos informations ({facts}) pour obtenir une réponse plus claire.",
    ),
    "offer_step": Text(
        es="Algunas condiciones dependen de la oferta de trabajo; se revisarán cuando tenga "
        "una oferta concreta.",
        en="Some conditions depend on the job offer; they will be checked when you have a "
        "specific offer.",
        fr="Certaines conditions dépendent de l'offre d'emploi ; elles seront vérifiées "
        "lorsque vous aurez une offre précise.",
    ),
    "not_preferred": Text(
        es="Este programa es para trabajar en {country}, que no está entre los países que "
        "usted eligió.",
        en="This program is for work in {country}, which is not among the countries you chose.",
        fr="Ce programme concerne le travail au {country}, qui ne fait pas partie des pays "
        "que vous avez choisis.",
    ),
    "add_destination": Text(
        es="Si le interesa, agregue {country} a los países donde quiere trabajar.",
        en="If you are interested, add {country} to the countries where you want to work.",
        fr="Si cela vous intéresse, ajoutez {country} aux pays où vous voulez travailler.",
    ),
}

_COUNTRY: dict[str, Text] = {
    "US": Text(es="Estados Unidos", en="the United States", fr="États-Unis"),
    "CA": Text(es="Canadá", en="Canada", fr="Canada"),
    "MX": Text(es="México", en="Mexico", fr="Mexique"),
}

_FACT_LABEL: dict[str, Text] = {
    "applicant.nationality": Text(es="nacionalidad", en="nationality", fr="nationalité"),
    "applicant.age": Text(es="fecha de nacimiento", en="birth date", fr="date de naissance"),
    "applicant.isco08": Text(es="ocupación", en="occupation", fr="profession"),
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


# --------------------------------------------------------------------------- compiled plans
#
# What a program says depends, apart from the facts, only on the rule versions in force on
# ``as_of`` and on ``lang``. A plan resolves that once: the rules in force, each with its check
# and its reasons already built (``Reason`` objects for evaluate_programs, dicts for
# evaluate_programs_dicts), and the program's steps in ``lang``. Plans live in
# ``Program._memo``; a request only computes the facts, runs the checks and picks reasons.
# Plans are never mutated once built, except for the per-rule memo of "missing information"
# reasons, which only grows (at most one entry per subset of the facts a rule reads).

_ELIGIBLE, _REVIEW, _REFUSED = 0, 1, 2
_STATUS = (Status.ELIGIBLE, Status.NEEDS_REVIEW, Status.NOT_ELIGIBLE)
_STATUS_STR = tuple(str(s) for s in _STATUS)
#: a program remembers this many (as_of, lang) pairs before forgetting them all (plans for
#: equal sets of rules in force are shared, so forgetting only costs a dict rebuild)
_MAX_REQUEST_KEYS = 512


def _reason(as_dicts: bool, rule: str, passed: bool | None, message: str, source: str) -> Any:
    if as_dicts:
        return {"rule": rule, "passed": passed, "message": message, "source": source}
    return Reason(rule, passed, message, source)


def _split_template(template: str, name: str) -> tuple[str, str]:
    """``template`` as (before, after) around ``{name}``, so that formatting is concatenation."""
    before, _, after = template.partition("{" + name + "}")
    marker = "\x00"
    if template.format(**{name: marker}) != before + marker + after:
        raise AssertionError(f"template {template!r} is not a plain '{{{name}}}' template")
    return before, after


class _RuleExtra:
    """The parts of a compiled rule needed only when it fails or cannot be decided."""

    __slots__ = ("as_dicts", "blocks", "lang", "missing", "remedy", "review", "rule", "used")

    def __init__(self, rule: Rule, lang: str, as_dicts: bool) -> None:
        self.rule = rule
        self.lang = lang
        self.as_dicts = as_dicts
        self.blocks = rule.on_fail is Status.NOT_ELIGIBLE
        self.review = rule.on_missing is OnMissing.NEEDS_REVIEW
        self.remedy = None if rule.remedy is None else rule.remedy.get(lang)
        self.used = tuple(sorted(rule.facts_used))
        self.missing: dict[tuple[str, ...], tuple[Any, tuple[str, ...]]] = {}

    def undecided(self, facts: Mapping[str, Any]) -> tuple[Any, tuple[str, ...]]:
        """The reason when the check cannot decide on ``facts``, and the labels of the facts
        that are missing (memoised by which of the facts the rule reads are unknown)."""
        used = self.used
        names: tuple[str, ...]
        if len(used) == 1:  # the common case, without building a list
            names = used if facts.get(used[0]) is None else ()
        else:
            get = facts.get
            names = tuple([n for n in used if get(n) is None])
        hit = self.missing.get(names)
        if hit is None:
            lang, rule = self.lang, self.rule
            labels: list[str] = []
            for name in names:
                label = _label(name, lang)
                if label not in labels:
                    labels.append(label)
            if labels:
                detail = _MSG["missing"].get(lang).format(facts=", ".join(labels))
            else:
                detail = _MSG["officer"].get(lang)
            message = f"{rule.text.get(lang)} {detail}"
            hit = (_reason(self.as_dicts, rule.id, None, message, rule.source), tuple(labels))
            self.missing[names] = hit
        return hit


#: (check, reason when passed, reason when failed, the rest); or, for a run of job-offer rules
#: that are not applied, (None, their "depends on the job offer" reasons, None, None)
_CompiledRule = tuple[Check | None, Any, Any, Any]


class _Plan:
    """One program's rules in force on a date range, with every text resolved in one language."""

    __slots__ = (
        "add_destination",
        "complete",
        "next_steps",
        "not_preferred",
        "offer_step",
        "with_offer",
        "without_offer",
    )

    def __init__(self, program: Program, in_force: tuple[int, ...], lang: str, as_dicts: bool):
        offer = _MSG["offer"].get(lang)
        with_offer: list[_CompiledRule] = []
        without_offer: list[_CompiledRule] = []
        for index in in_force:
            rule = program.rules[index]
            text = rule.text.get(lang)
            compiled = (
                rule.check,
                _reason(as_dicts, rule.id, True, text, rule.source),
                _reason(as_dicts, rule.id, False, text, rule.source),
                _RuleExtra(rule, lang, as_dicts),
            )
            with_offer.append(compiled)
            if rule.scope is not Scope.VACANCY:
                without_offer.append(compiled)
                continue
            pending = _reason(as_dicts, rule.id, None, f"{text} {offer}", rule.source)
            if without_offer and without_offer[-1][0] is None:  # extend the current run
                without_offer[-1] = (None, (*without_offer[-1][1], pending), None, None)
            else:
                without_offer.append((None, (pending,), None, None))
        self.with_offer: tuple[_CompiledRule, ...] = tuple(with_offer)
        self.without_offer: tuple[_CompiledRule, ...] = tuple(without_offer)
        self.next_steps = tuple(t.get(lang) for t in program.next_steps)
        self.offer_step = _MSG["offer_step"].get(lang)
        self.complete = _split_template(_MSG["complete"].get(lang), "facts")
        country = _COUNTRY.get(program.destination)
        name = country.get(lang) if country else program.destination
        self.not_preferred = _reason(
            as_dicts,
            f"{program.code.lower()}.destination-preference",
            None,
            _MSG["not_preferred"].get(lang).format(country=name),
            program.url,
        )
        self.add_destination = _MSG["add_destination"].get(lang).format(country=name)


def _plan_for(program: Program, as_of: date, lang: str, as_dicts: bool) -> _Plan:
    """The plan of ``program`` on ``as_of`` in ``lang``, built on first use."""
    memo = program._memo
    key = (as_of, lang, as_dicts)
    plan = memo.by_request.get(key)
    if plan is not None:
        return plan
    in_force = tuple(i for i, r in enumerate(program.rules) if r.in_force(as_of))
    text_lang = lang if lang in ("es", "fr") else "en"  # what Text.get picks
    shared = (in_force, text_lang, as_dicts)
    plan = memo.by_rules.get(shared)
    if plan is None:
        plan = memo.by_rules[shared] = _Plan(program, in_force, text_lang, as_dicts)
    if len(memo.by_request) >= _MAX_REQUEST_KEYS:
        memo.by_request.clear()
    memo.by_request[key] = plan
    return plan


def _run(
    plan: _Plan, facts: Mapping[str, Any], offer_applies: bool, outside: bool
) -> tuple[int, list[Any], list[str]]:
    """Apply a plan: (status index, prebuilt reasons, next steps). The lists are new."""
    status = _ELIGIBLE
    reasons: list[Any] = []
    add = reasons.append
    remedies: list[str] = []
    missing: list[str] = []
    pending_offer = False
    for check, passed, failed, extra in plan.with_offer if offer_applies else plan.without_offer:
        if check is None:  # job-offer rules that do not apply: passed holds their reasons
            reasons.extend(passed)
            pending_offer = True
            continue
        result = check(facts)
        if result is True:
            add(passed)
        elif result is False:
            add(failed)
            if extra.blocks:
                status = _REFUSED
            elif status == _ELIGIBLE:
                status = _REVIEW
            remedy = extra.remedy
            if remedy is not None and remedy not in remedies:
                remedies.append(remedy)
        else:
            reason, labels = extra.undecided(facts)
            add(reason)
            for label in labels:
                if label not in missing:
                    missing.append(label)
            if extra.review and status == _ELIGIBLE:
                status = _REVIEW
    steps = remedies
    if status != _REFUSED:
        if missing:
            before, after = plan.complete
            steps.append(before + ", ".join(missing) + after)
        steps.extend(plan.next_steps)
        if pending_offer:
            steps.append(plan.offer_step)
    if outside:
        add(plan.not_preferred)
        steps.append(plan.add_destination)
    return status, reasons, steps


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
