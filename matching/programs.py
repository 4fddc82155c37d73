"""Programs and their dated rules and caps, as frozen values.

A :class:`Program` is built from one program file by :func:`matching.catalog.program_from_dict`
and evaluated by :mod:`matching.eligibility`. Every text is given in Spanish, English and
French (:class:`Text`). Rules are versioned: :func:`rules_in_force` picks the versions whose
``effective_from``/``effective_to`` cover a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from matching.results import Status
from matching.rules import Check

if TYPE_CHECKING:  # plans are built from programs, so only the type checker looks back
    from matching.plans import _Plan

__all__ = [
    "LANGS",
    "Cap",
    "Certainty",
    "OnMissing",
    "Program",
    "Rule",
    "Scope",
    "Text",
    "rules_in_force",
]

LANGS = ("es", "en", "fr")


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
    """Per-program memo of compiled evaluation plans (see :func:`matching.plans._plan_for`).

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


def rules_in_force(program: Program, as_of: date) -> list[Rule]:
    """The rule versions of ``program`` that apply on ``as_of``, in file order.

    Examples
    --------
    >>> from matching.catalog import program_from_dict
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
