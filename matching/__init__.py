"""Pure matching library: eligibility, occupations, normalisation, scoring, assignment.

Imports only the standard library, numpy, scipy, scikit-learn, rapidfuzz and ortools.
It reads no files and no environment: callers pass data in.

The main names are re-exported here (``from matching import evaluate_programs``); they
are defined in :mod:`matching.eligibility` (and the modules it re-exports from) and
:mod:`matching.occupations`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.eligibility import (
        ApplicantFacts,
        Cap,
        Certainty,
        Program,
        ProgramResult,
        Reason,
        Rule,
        Scope,
        Status,
        Text,
        VacancyFacts,
        evaluate_program,
        evaluate_programs,
        evaluate_programs_dicts,
        program_from_dict,
        rules_in_force,
    )
    from matching.occupations import (
        Alias,
        Candidate,
        OccupationRecord,
        OccupationResolver,
        isco_similarity,
        normalise_title,
        resolve,
    )

__all__ = [
    "Alias",
    "ApplicantFacts",
    "Candidate",
    "Cap",
    "Certainty",
    "OccupationRecord",
    "OccupationResolver",
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
    "isco_similarity",
    "normalise_title",
    "program_from_dict",
    "resolve",
    "rules_in_force",
]

# The re-exports are resolved on first use (PEP 562) rather than imported here: importing any
# submodule runs this file first, and ``import matching.normalize`` should not load numpy,
# scipy and rapidfuzz (about 0.15 s) for an occupation resolver it does not use.
_FROM_OCCUPATIONS = frozenset(
    {
        "Alias",
        "Candidate",
        "OccupationRecord",
        "OccupationResolver",
        "isco_similarity",
        "normalise_title",
        "resolve",
    }
)


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "matching.occupations" if name in _FROM_OCCUPATIONS else "matching.eligibility"
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
