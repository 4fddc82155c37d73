"""Load reference data into the database: programs with rule history, occupations, crosswalks.

Loading is idempotent: unchanged files change nothing. A program file's rule versions are
mirrored (a version is identified by program, rule id and effective_from); versions added
through the web page are kept. Each load bumps a ReferenceVersion so every worker process
notices and rebuilds its cached catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from pathways.db import utcnow
from pathways.models import Program, ProgramRule
from pathways.reference.programs import ProgramFileError, read_program_files
from pathways.services import occupations
from pathways.services.audit import Actor, record
from pathways.services.reference_versions import LoadReport, bump_version, digest_of

__all__ = [
    "LoadReport",
    "ReferenceError",
    "bump_version",
    "digest_of",
    "load_reference",
    "rule_row",
]


class ReferenceError(RuntimeError):  # noqa: A001 - the domain's name for it
    """Reference data that cannot be loaded; nothing was changed."""


def load_reference(
    session: Session,
    *,
    data_dir: Path,
    official_dir: Path | None = None,
    actor: Actor | None = None,
) -> LoadReport:
    """Load everything under `data_dir` (and official files under `official_dir`) in one go."""
    actor = actor or Actor.system("load-reference")
    report = LoadReport()
    try:
        files = read_program_files(data_dir / "programs")
    except ProgramFileError as exc:
        raise ReferenceError(str(exc)) from None
    try:
        _load_programs(session, files, report)
        occupations.load_occupations(session, data_dir, official_dir, report)
        record(
            session,
            actor,
            "reference.load",
            "reference",
            None,
            programs=report.programs,
            rules_added=report.rules_added,
            aliases=report.aliases,
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def _load_programs(
    session: Session, files: list[tuple[Path, dict[str, Any], str]], report: LoadReport
) -> None:
    for _path, data, _sha in files:
        code = data["code"]
        definition = {k: v for k, v in data.items() if k != "rules"}
        program = session.get(Program, code) or Program(
            code=code, destination=data["destination"], name_en="", name_es="", name_fr=""
        )
        program.destination = data["destination"]
        program.name_en, program.name_es, program.name_fr = (
            data["name"]["en"],
            data["name"]["es"],
            data["name"]["fr"],
        )
        program.url = data.get("url")
        if program.definition != definition:
            program.definition = definition
            program.updated_at = utcnow()
        session.add(program)
        session.flush()
        existing = {
            (r.rule_id, r.effective_from.isoformat()): r
            for r in session.exec(select(ProgramRule).where(ProgramRule.program_code == code))
        }
        seen = set()
        for rule in data.get("rules", []):
            key = (rule["id"], str(rule["effective_from"]))
            seen.add(key)
            row = existing.get(key)
            if row is None:
                session.add(rule_row(code, rule))
                report.rules_added += 1
            elif row.definition != rule:
                fresh = rule_row(code, rule)
                row.definition, row.effective_to = rule, fresh.effective_to
                row.source, row.certainty = fresh.source, fresh.certainty
                row.loaded_at = utcnow()
                session.add(row)
                report.rules_updated += 1
        for key, row in existing.items():
            if key not in seen and row.origin == "data":
                session.exec(delete(ProgramRule).where(ProgramRule.id == row.id))  # type: ignore[call-overload]
                report.rules_removed += 1
        report.programs += 1
    session.flush()
    bump_version(
        session,
        "programs",
        digest_of(
            [d for _p, d, _s in files]
            + [
                r.definition
                for r in session.exec(select(ProgramRule).where(ProgramRule.origin != "data"))
            ]
        ),
    )


def rule_row(
    code: str, rule: dict[str, Any], *, origin: str = "data", loaded_by_id: int | None = None
) -> ProgramRule:
    from datetime import date

    return ProgramRule(
        program_code=code,
        rule_id=rule["id"],
        effective_from=date.fromisoformat(str(rule["effective_from"])),
        effective_to=date.fromisoformat(str(rule["effective_to"]))
        if rule.get("effective_to")
        else None,
        certainty=rule.get("certainty", "uncertain"),
        source=rule.get("source", ""),
        definition=rule,
        origin=origin,
        loaded_by_id=loaded_by_id,
    )
