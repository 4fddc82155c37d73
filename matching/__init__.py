"""Pure matching library: eligibility, occupations, normalisation, scoring, assignment.

Imports only the standard library, numpy, scipy, scikit-learn, rapidfuzz and ortools.
It reads no files and no environment: callers pass data in.

The main names are re-exported here (``from matching import solve_assignment``); each is
defined in the module named in ``_HOME`` below.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.assignment import (
        Assignment,
        FloorReport,
        assign,
        evaluate_assignment,
        greedy_assignment,
        max_flow_upper_bound,
        solve_assignment,
    )
    from matching.candidates import (
        CandidateApplicant,
        Candidates,
        CandidateVacancy,
        build_candidates,
    )
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
    from matching.forecast import Forecast, backtest, forecast_progress, seasonal_profile
    from matching.occupations import (
        Alias,
        Candidate,
        OccupationRecord,
        OccupationResolver,
        isco_similarity,
        normalise_title,
        resolve,
    )
    from matching.rounds import MatchedPair, RoundResult, run_round
    from matching.scoring import (
        COMPONENTS,
        DEFAULT_WEIGHTS,
        OutcomeModel,
        explain,
        weighted_score,
    )

# Where each public name lives. The names are resolved on first use (PEP 562) rather than
# imported here: importing any submodule runs this file first, and ``import
# matching.normalize`` should not load numpy, scipy, rapidfuzz and OR-Tools for the rest.
_HOME = {
    **dict.fromkeys(
        (
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
        ),
        "matching.eligibility",
    ),
    **dict.fromkeys(
        (
            "Alias",
            "Candidate",
            "OccupationRecord",
            "OccupationResolver",
            "isco_similarity",
            "normalise_title",
            "resolve",
        ),
        "matching.occupations",
    ),
    **dict.fromkeys(
        (
            "Assignment",
            "FloorReport",
            "assign",
            "evaluate_assignment",
            "greedy_assignment",
            "max_flow_upper_bound",
            "solve_assignment",
        ),
        "matching.assignment",
    ),
    **dict.fromkeys(
        ("CandidateApplicant", "CandidateVacancy", "Candidates", "build_candidates"),
        "matching.candidates",
    ),
    **dict.fromkeys(
        ("COMPONENTS", "DEFAULT_WEIGHTS", "OutcomeModel", "explain", "weighted_score"),
        "matching.scoring",
    ),
    **dict.fromkeys(("MatchedPair", "RoundResult", "run_round"), "matching.rounds"),
    **dict.fromkeys(
        ("Forecast", "backtest", "forecast_progress", "seasonal_profile"), "matching.forecast"
    ),
}
__all__ = [
    "Alias",
    "ApplicantFacts",
    "Assignment",
    "COMPONENTS",
    "Candidate",
    "CandidateApplicant",
    "CandidateVacancy",
    "Candidates",
    "Cap",
    "Certainty",
    "DEFAULT_WEIGHTS",
    "FloorReport",
    "Forecast",
    "MatchedPair",
    "OccupationRecord",
    "OccupationResolver",
    "OutcomeModel",
    "Program",
    "ProgramResult",
    "Reason",
    "RoundResult",
    "Rule",
    "Scope",
    "Status",
    "Text",
    "VacancyFacts",
    "assign",
    "backtest",
    "build_candidates",
    "evaluate_assignment",
    "evaluate_program",
    "evaluate_programs",
    "evaluate_programs_dicts",
    "explain",
    "forecast_progress",
    "greedy_assignment",
    "isco_similarity",
    "max_flow_upper_bound",
    "normalise_title",
    "program_from_dict",
    "resolve",
    "rules_in_force",
    "run_round",
    "seasonal_profile",
    "solve_assignment",
    "weighted_score",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
