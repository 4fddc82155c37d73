"""The declarative condition language of program rules, with three-valued logic.

A condition is plain data (what ``tomllib`` gives for an inline table); it never holds code.
It is compiled once into a closure that reads a flat mapping of *facts* and answers
``True`` (the rule is met), ``False`` (it is not) or ``None`` (it cannot be decided: a needed
fact is missing, or the data say an officer must check).

Grammar::

    {all = [c, ...]}   True if every part is True, False if any is False, else None
    {any = [c, ...]}   True if any part is True, False if every part is False, else None
    {not = c}          swaps True and False; None stays None
    {always = true}    always True (documents a requirement that no longer exists)
    {unknown = true}   always None (our data cannot decide: a person must check)
    {fact = "applicant.age", op = "ge", value = 18}
    {fact = "applicant.nationality", op = "in", values = ["MX", "JM"]}
    {fact = "applicant.nationality", op = "in", list = "h2a-2024"}   # a list of the same file
    {fact = "vacancy.wage_hourly", op = "ge", key = "vacancy.worksite_subdivision",
     table = {"CA-ON" = 36.0}, currency = "CAD"}

Operators: ``eq ne ge gt le lt`` (one ``value`` or a ``table`` looked up by ``key``),
``in not_in prefix_in`` (``values`` or ``list``; on a set of codes, ``in`` and ``prefix_in`` ask
whether *any* member matches), ``present absent`` (never None),
``month_day_within`` (a date, or an availability window, against ``value = ["MM-DD",
"MM-DD"]``: a date must fall inside; a window must overlap it).

Codes are compared case-insensitively; CMA names also ignore accents, spaces and punctuation
(``"Montréal"`` = ``"montreal"``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

Tri = bool | None
Check = Callable[[Mapping[str, Any]], Tri]

#: fact name -> kind. The kind decides which operators make sense and how values normalise.
FACT_KINDS: dict[str, str] = {
    "applicant.nationality": "code",
    "applicant.age": "number",
    "applicant.residence_country": "code",
    "applicant.languages": "codes",
    "applicant.isco08": "code",
    "applicant.occupations": "codes",
    "applicant.experience_months": "number",
    "applicant.available_from": "date",
    "applicant.available_to": "date",
    "applicant.availability": "window",
    "applicant.prior_immigration_violation": "bool",
    "vacancy.present": "bool",
    "vacancy.worksite_country": "code",
    "vacancy.worksite_subdivision": "code",
    "vacancy.cma": "name",
    "vacancy.noc2021": "code",
    "vacancy.soc2018": "code",
    "vacancy.sinco2019": "code",
    "vacancy.isco08": "code",
    "vacancy.wage_hourly": "number",
    "vacancy.currency": "code",
    "vacancy.start_date": "date",
    "vacancy.end_date": "date",
    "vacancy.duration_days": "number",
    "vacancy.duration_months": "number",
    "vacancy.end_year_offset": "number",
    "vacancy.employer_workforce": "number",
    "vacancy.employer_low_wage_tfws": "number",
    "vacancy.low_wage_tfw_share": "number",
    "vacancy.naics": "code",
    "vacancy.housing_provided": "bool",
    "vacancy.transport_provided": "bool",
    "vacancy.agricultural": "bool",
    "vacancy.temporary_need": "code",
    "vacancy.employer_inm_registered": "bool",
}

_COMPARE = {"eq", "ne", "ge", "gt", "le", "lt"}
_MEMBER = {"in", "not_in", "prefix_in"}
_KINDS_FOR = {
    "eq": {"code", "name", "number", "bool", "date"},
    "ne": {"code", "name", "number", "bool", "date"},
    "ge": {"number", "date"},
    "gt": {"number", "date"},
    "le": {"number", "date"},
    "lt": {"number", "date"},
    "in": {"code", "name", "codes"},
    "not_in": {"code", "name", "codes"},
    "prefix_in": {"code", "codes"},
    "present": set(FACT_KINDS.values()),
    "absent": set(FACT_KINDS.values()),
    "month_day_within": {"date", "window"},
}


def fold_name(text: str) -> str:
    """Fold a place name for comparison: no accents, case, spaces or punctuation.

    >>> fold_name("Belleville–Quinte West") == fold_name("belleville - quinte west")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


def normalise(kind: str, value: Any) -> Any:
    """Normalise one fact value of ``kind`` (codes upper-case, names folded)."""
    if value is None:
        return None
    if kind == "code":
        return str(value).strip().upper()
    if kind == "codes":
        return frozenset(str(v).strip().upper() for v in value)
    if kind == "name":
        return fold_name(str(value))
    if kind == "number":
        return float(value)
    return value


def _month_day(text: Any, where: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in str(text).split("-"))
        date(2000, month, day)  # a leap year accepts 02-29
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {text!r} is not a MM-DD month-day") from exc
    return month, day


def compile_condition(
    node: Any, *, where: str, lists: Mapping[str, Iterable[Any]] | None = None
) -> tuple[Check, frozenset[str]]:
    """Compile a condition into a fast three-valued check.

    Parameters
    ----------
    node : dict
        The condition as parsed from TOML.
    where : str
        Where the condition comes from (e.g. the rule id), for error messages.
    lists : mapping, optional
        Named value lists of the same program file, referenced with ``list = "name"``.

    Returns
    -------
    (check, facts)
        ``check(facts) -> True | False | None`` and the set of fact names it reads.

    Raises
    ------
    ValueError
        Naming ``where`` and the offending key when the condition is malformed.

    Examples
    --------
    >>> check, used = compile_condition(
    ...     {"fact": "applicant.age", "op": "ge", "value": 18}, where="demo")
    >>> check({"applicant.age": 20.0}), check({"applicant.age": 17.0}), check({})
    (True, False, None)
    """
    if not isinstance(node, Mapping):
        raise ValueError(f"{where}: a condition must be a table, got {node!r}")
    lists = lists or {}
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        parts = node[key]
        if len(node) != 1 or not isinstance(parts, list) or not parts:
            raise ValueError(f"{where}: '{key}' needs a non-empty list and nothing else")
        compiled = [
            compile_condition(p, where=f"{where}.{key}[{i}]", lists=lists)
            for i, p in enumerate(parts)
        ]
        checks = tuple(c for c, _ in compiled)
        used = frozenset().union(*(u for _, u in compiled))
        return (_all(checks) if key == "all" else _any(checks)), used
    if "not" in node:
        if len(node) != 1:
            raise ValueError(f"{where}: 'not' takes one condition and nothing else")
        inner, used = compile_condition(node["not"], where=f"{where}.not", lists=lists)

        def negate(facts: Mapping[str, Any]) -> Tri:
            result = inner(facts)
            return None if result is None else not result

        return negate, used
    if "always" in node or "unknown" in node:
        if len(node) != 1 or True not in node.values():
            raise ValueError(f"{where}: write 'always = true' or 'unknown = true' alone")
        constant: Tri = True if "always" in node else None
        return (lambda facts: constant), frozenset()
    return _compile_leaf(node, where=where, lists=lists)


def _all(checks: tuple[Check, ...]) -> Check:
    def check(facts: Mapping[str, Any]) -> Tri:
        undecided = False
        for part in checks:
            result = part(facts)
            if result is False:
                return False
            if result is None:
                undecided = True
        return None if undecided else True

    return check


def _any(checks: tuple[Check, ...]) -> Check:
    def check(facts: Mapping[str, Any]) -> Tri:
        undecided = False
        for part in checks:
            result = part(facts)
            if result is True:
                return True
            if result is None:
                undecided = True
        return None if undecided else False

    return check


_LEAF_KEYS = {"fact", "op", "value", "values", "list", "table", "key", "currency"}


def _compile_leaf(
    node: Mapping[str, Any], *, where: str, lists: Mapping[str, Iterable[Any]]
) -> tuple[Check, frozenset[str]]:
    unknown_keys = set(node) - _LEAF_KEYS
    if unknown_keys:
        raise ValueError(f"{where}: unknown condition keys {sorted(unknown_keys)}")
    fact, op = node.get("fact"), node.get("op")
    if fact not in FACT_KINDS:
        raise ValueError(f"{where}: unknown fact {fact!r} (known: {sorted(FACT_KINDS)})")
    kind = FACT_KINDS[fact]
    if op not in _KINDS_FOR:
        raise ValueError(f"{where}: unknown op {op!r} (known: {sorted(_KINDS_FOR)})")
    if kind not in _KINDS_FOR[op]:
        raise ValueError(f"{where}: op {op!r} does not apply to {fact} ({kind})")
    used = {fact}

    if op in ("present", "absent"):
        want = op == "present"
        return (lambda facts: (facts.get(fact) is not None) == want), frozenset(used)

    if op == "month_day_within":
        bounds = node.get("value")
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ValueError(f"{where}: month_day_within needs value = ['MM-DD', 'MM-DD']")
        lo = _month_day(bounds[0], where)
        hi = _month_day(bounds[1], where)
        if lo > hi:
            raise ValueError(f"{where}: month_day_within window must not wrap the year")
        return _month_day_check(fact, kind, lo, hi), frozenset(used)

    if op in _MEMBER:
        if ("values" in node) == ("list" in node):
            raise ValueError(f"{where}: op {op!r} needs exactly one of 'values' or 'list'")
        if "list" in node:
            name = node["list"]
            if name not in lists:
                raise ValueError(f"{where}: no list named {name!r} in this program's [lists]")
            raw = list(lists[name])
        else:
            raw = node["values"]
        if not isinstance(raw, list) or not raw:
            raise ValueError(f"{where}: op {op!r} needs a non-empty list of values")
        item_kind = "code" if kind == "codes" else kind
        members = frozenset(normalise(item_kind, v) for v in raw)
        return _member_check(fact, kind, op, members), frozenset(used)

    # comparisons: one value, or a table looked up by another fact
    if ("value" in node) == ("table" in node):
        raise ValueError(f"{where}: op {op!r} needs exactly one of 'value' or 'table'")
    currency = node.get("currency")
    if currency is not None:
        if fact != "vacancy.wage_hourly":
            raise ValueError(f"{where}: 'currency' only applies to vacancy.wage_hourly")
        currency = str(currency).upper()
        used.add("vacancy.currency")
    if "table" in node:
        key = node.get("key")
        if key not in FACT_KINDS or not isinstance(node["table"], Mapping) or not node["table"]:
            raise ValueError(f"{where}: a 'table' needs a non-empty table and a known 'key' fact")
        key_kind = FACT_KINDS[key]
        table = {normalise(key_kind, k): _literal(kind, v, where) for k, v in node["table"].items()}
        used.add(key)
        return _table_check(fact, op, key, table, currency), frozenset(used)
    literal = _literal(kind, node["value"], where)
    return _compare_check(fact, op, literal, currency), frozenset(used)


def _literal(kind: str, value: Any, where: str) -> Any:
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true or false, got {value!r}")
        return value
    if kind == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise ValueError(f"{where}: expected an ISO date, got {value!r}") from exc
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected text, got {value!r}")
    return normalise(kind, value)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: bool(a == b),
    "ne": lambda a, b: bool(a != b),
    "ge": lambda a, b: bool(a >= b),
    "gt": lambda a, b: bool(a > b),
    "le": lambda a, b: bool(a <= b),
    "lt": lambda a, b: bool(a < b),
}


def _plain_compare(op: str, fact: str, literal: Any) -> Check:
    """``_compare_check`` without a currency, with the comparison inline (it is hot)."""
    if op == "eq":

        def check_eq(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else bool(value == literal)

        return check_eq
    if op == "ne":

        def check_ne(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else bool(value != literal)

        return check_ne
    if op == "ge":

        def check_ge(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else bool(value >= literal)

        return check_ge
    if op == "gt":

        def check_gt(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else bool(value > literal)

        return check_gt
    if op == "le":

        def check_le(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else bool(value <= literal)

        return check_le

    def check_lt(facts: Mapping[str, Any]) -> Tri:
        value = facts.get(fact)
        return None if value is None else bool(value < literal)

    return check_lt


def _compare_check(fact: str, op: str, literal: Any, currency: str | None) -> Check:
    compare = _OPS[op]
    if currency is None:
        return _plain_compare(op, fact, literal)

    def check(facts: Mapping[str, Any]) -> Tri:
        value = facts.get(fact)
        if value is None:
            return None
        if currency is not None and facts.get("vacancy.currency") != currency:
            return None
        return compare(value, literal)

    return check


def _table_check(
    fact: str, op: str, key: str, table: Mapping[Any, Any], currency: str | None
) -> Check:
    compare = _OPS[op]

    def check(facts: Mapping[str, Any]) -> Tri:
        value = facts.get(fact)
        limit = table.get(facts.get(key))
        if value is None or limit is None:
            return None
        if currency is not None and facts.get("vacancy.currency") != currency:
            return None
        return compare(value, limit)

    return check


def _member_check(fact: str, kind: str, op: str, members: frozenset[Any]) -> Check:
    if op == "prefix_in":
        prefixes = tuple(members)
        if kind == "codes":

            def check_any_prefix(facts: Mapping[str, Any]) -> Tri:
                value = facts.get(fact)
                return None if value is None else any(v.startswith(prefixes) for v in value)

            return check_any_prefix

        def check_prefix(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else value.startswith(prefixes)

        return check_prefix
    want = op == "in"
    if kind == "codes":

        def check_any(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else bool(value & members) == want

        return check_any

    def check(facts: Mapping[str, Any]) -> Tri:
        value = facts.get(fact)
        return None if value is None else (value in members) == want

    return check


def _month_day_check(fact: str, kind: str, lo: tuple[int, int], hi: tuple[int, int]) -> Check:
    def inside(day: date) -> bool:
        return lo <= (day.month, day.day) <= hi

    if kind == "date":

        def check_date(facts: Mapping[str, Any]) -> Tri:
            value = facts.get(fact)
            return None if value is None else inside(value)

        return check_date

    def check_window(facts: Mapping[str, Any]) -> Tri:
        window = facts.get(fact)
        if window is None:
            return None
        start, end = window
        if start is None or end is None:
            return None
        if end < start:
            return False
        if (end - start).days >= 366 or end.year > start.year + 1:
            return True  # a window of a year or more meets any season
        if end.year == start.year:
            return (start.month, start.day) <= hi and (end.month, end.day) >= lo
        # crosses New Year: [start, Dec 31] or [Jan 1, end] must meet [lo, hi]
        return (start.month, start.day) <= hi or (end.month, end.day) >= lo

    return check_window
