"""What an eligibility check says about one program: a status and the reasons for it.

These are the answer types of :mod:`matching.eligibility`. :class:`Status` lives here, apart
from the evaluation, because a program's rules name the status they impose when they fail
(:attr:`matching.programs.Rule.on_fail`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["ProgramResult", "Reason", "Status"]


class Status(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"


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
