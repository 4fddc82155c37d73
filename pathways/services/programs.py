"""The program catalog as the engine sees it: built from the database, cached per process."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from matching.eligibility import Program, program_from_dict
from pathways.models import Program as ProgramRow
from pathways.models import ProgramRule
from pathways.models.enums import PROGRAM_CODES
from pathways.services.cache import VersionedCache

# Catalog order of API.md.
PROGRAM_ORDER = PROGRAM_CODES


def _order(code: str) -> tuple[int, str]:
    return (PROGRAM_ORDER.index(code) if code in PROGRAM_ORDER else len(PROGRAM_ORDER), code)


def program_definitions(session: Session) -> list[dict[str, Any]]:
    """Each program's file data with its rule versions from the database.

    A later version of a rule supersedes an earlier open-ended one from its effective date, so
    a ministry can add a version without editing the one before it (history stays intact).
    """
    rows = sorted(session.exec(select(ProgramRow)), key=lambda p: _order(p.code))
    rules_by_program: dict[str, list[ProgramRule]] = {}
    for rule in session.exec(select(ProgramRule).order_by(ProgramRule.id)):
        rules_by_program.setdefault(rule.program_code, []).append(rule)
    out = []
    for row in rows:
        versions = rules_by_program.get(row.code, [])
        starts: dict[str, list[date]] = {}
        for v in versions:
            starts.setdefault(v.rule_id, []).append(v.effective_from)
        rules = []
        for v in versions:
            later = [d for d in starts[v.rule_id] if d > v.effective_from]
            end = v.effective_to
            if later:
                cut = min(later) - timedelta(days=1)
                end = cut if end is None else min(end, cut)
            rule = dict(v.definition)
            rule["effective_from"] = v.effective_from.isoformat()
            if end is None:
                rule.pop("effective_to", None)
            else:
                rule["effective_to"] = end.isoformat()
            rules.append(rule)
        out.append({**row.definition, "rules": rules})
    return out


def _build_catalog(session: Session) -> list[Program]:
    return [program_from_dict(d) for d in program_definitions(session)]


_catalog: VersionedCache[list[Program]] = VersionedCache("programs", _build_catalog)


def get_catalog(session: Session, *, max_age: float = 30.0) -> list[Program]:
    return _catalog.get(session, max_age=max_age)
