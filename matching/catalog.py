"""Parsing and validation of program files into :class:`~matching.programs.Program` values.

The caller reads ``data/programs/*.toml`` and passes each parsed table to
:func:`program_from_dict`; this module reads no files. Every error names the program, the
rule or cap and the field at fault, so a bad file is fixed from the message alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from matching.programs import LANGS, Cap, Certainty, OnMissing, Program, Rule, Scope, Text
from matching.results import Status
from matching.rules import compile_condition

__all__ = ["program_from_dict"]


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
