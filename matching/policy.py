"""Policy changes to a program's rules, as a what-if scenario would make them.

A change is applied to a copy of the :class:`~matching.programs.Program`: the stored
catalog and its rules are never touched. Only what the change is about moves; every other
rule — age, residence, where the job may be, the season — stays exactly as the program's
file says, and is reported so that nobody reads "open to Salvadorans" as "open to every
Salvadoran anywhere".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from matching.programs import Program, Rule, Scope
from matching.rules import compile_condition

__all__ = ["OpenedProgram", "open_to_nationalities"]

NATIONALITY = "applicant.nationality"
#: Facts of rules that keep limiting a program opened to more nationalities: where the person
#: lives and where the job may be.
PLACE_FACTS = frozenset(
    {"applicant.residence_country", "vacancy.worksite_subdivision", "vacancy.cma"}
)


@dataclass(frozen=True)
class OpenedProgram:
    """A program opened to more nationalities.

    ``program`` is the modified copy; ``changed`` the ids of the rules whose nationality
    condition now admits the added countries; ``added`` the countries it did not admit before
    (by rule id); ``kept`` the rules in force that still limit where a person may live or
    the job may be (the change does not lift them).
    """

    program: Program
    changed: tuple[str, ...]
    added: dict[str, tuple[str, ...]]
    kept: tuple[Rule, ...]


def open_to_nationalities(
    program: Program, countries: Iterable[str], *, as_of: date
) -> OpenedProgram:
    """A copy of ``program`` whose nationality rules also admit ``countries``.

    Every version of an applicant rule in force on ``as_of`` or later whose condition tests
    ``applicant.nationality`` is rewritten so that nationals of ``countries`` pass that test
    (``in`` gains them, ``not_in`` and ``ne`` lose them, ``eq`` becomes ``in``); under a
    ``not`` the other way round. Nothing else in the rule, or in any other rule, changes.

    Examples
    --------
    >>> from matching.catalog import program_from_dict
    >>> p = program_from_dict({
    ...     "code": "XX-FARM", "destination": "CA", "url": "https://example.org",
    ...     "name": {"es": "F", "en": "F", "fr": "F"},
    ...     "description": {"es": "f", "en": "f", "fr": "f"},
    ...     "lists": {"partners": ["MX", "JM"]},
    ...     "rules": [{"id": "xx-farm.nationality", "scope": "applicant",
    ...                "certainty": "official", "on_fail": "not_eligible",
    ...                "effective_from": "2016-01-01", "source": "https://example.org",
    ...                "condition": {"fact": "applicant.nationality", "op": "in",
    ...                              "list": "partners"},
    ...                "text": {"es": "n", "en": "n", "fr": "n"}}]})
    >>> opened = open_to_nationalities(p, ["GT", "MX"], as_of=date(2027, 1, 1))
    >>> opened.changed, opened.added
    (('xx-farm.nationality',), {'xx-farm.nationality': ('GT',)})
    >>> opened.program.rules[0].check({"applicant.nationality": "GT"})
    True
    >>> p.rules[0].check({"applicant.nationality": "GT"})  # the original is untouched
    False
    """
    wanted = tuple(dict.fromkeys(c.strip().upper() for c in countries))
    rules: list[Rule] = []
    changed: dict[str, None] = {}
    added: dict[str, set[str]] = {}
    for rule in program.rules:
        current = rule.effective_to is None or rule.effective_to >= as_of
        if not current or rule.scope is not Scope.APPLICANT or NATIONALITY not in rule.facts_used:
            rules.append(rule)
            continue
        gained: set[str] = set()
        condition = _rewrite(rule.condition, wanted, program.lists, positive=True, gained=gained)
        if not gained:
            rules.append(rule)
            continue
        check, used = compile_condition(condition, where=rule.id, lists=program.lists)
        rules.append(dataclasses.replace(rule, condition=condition, check=check, facts_used=used))
        changed[rule.id] = None
        added.setdefault(rule.id, set()).update(gained)
    kept = tuple(
        r
        for r in program.rules
        if (r.effective_to is None or r.effective_to >= as_of) and r.facts_used & PLACE_FACTS
    )
    return OpenedProgram(
        program=dataclasses.replace(program, rules=tuple(rules)),
        changed=tuple(changed),
        added={rid: tuple(c for c in wanted if c in codes) for rid, codes in added.items()},
        kept=_latest(kept, as_of),
    )


def _latest(rules: Sequence[Rule], as_of: date) -> tuple[Rule, ...]:
    """One version per rule id: the one in force on ``as_of``, else the next to come."""
    best: dict[str, Rule] = {}
    for r in rules:
        known = best.get(r.id)
        if known is None or (not known.in_force(as_of) and r.effective_from < known.effective_from):
            best[r.id] = r
    return tuple(best.values())


def _members(node: Mapping[str, Any], lists: Mapping[str, Sequence[str]]) -> list[str]:
    if "list" in node:
        return [str(c).upper() for c in lists.get(node["list"], ())]
    if "values" in node:
        return [str(c).upper() for c in node["values"]]
    return [str(node.get("value", "")).upper()]


def _rewrite(
    node: Any,
    countries: Sequence[str],
    lists: Mapping[str, Sequence[str]],
    *,
    positive: bool,
    gained: set[str],
) -> Any:
    """``node`` with every nationality test made to let ``countries`` through (``positive``)
    or to stop them (under an odd number of ``not``); what was gained is added to ``gained``."""
    if not isinstance(node, Mapping):
        return node
    for key in ("all", "any"):
        if key in node:
            return {
                key: [
                    _rewrite(p, countries, lists, positive=positive, gained=gained)
                    for p in node[key]
                ]
            }
    if "not" in node:
        return {
            "not": _rewrite(node["not"], countries, lists, positive=not positive, gained=gained)
        }
    if node.get("fact") != NATIONALITY or node.get("op") not in ("in", "not_in", "eq", "ne"):
        return node
    members = _members(node, lists)
    # Does the test admit a national of the country now? in/eq: when listed; not_in/ne: when not.
    listing = node["op"] in ("in", "eq")
    # To admit (positive) an "in" test must list them and a "not_in" test must not.
    must_list = listing == positive
    if must_list:
        new = [c for c in countries if c not in members]
        if not new:
            return node
        gained.update(new)
        values = members + new
    else:
        blocked = [c for c in countries if c in members]
        if not blocked:
            return node
        gained.update(blocked)
        values = [c for c in members if c not in countries]
    op = "in" if listing else "not_in"
    if not values:
        # Nothing left to test: "in nothing" never passes, "not in nothing" always does.
        return {"always": True} if op == "not_in" else {"not": {"always": True}}
    return {"fact": NATIONALITY, "op": op, "values": values}
