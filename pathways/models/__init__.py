"""SQLModel tables, one module per aggregate."""

from pathways.models.accounts import ApiToken, Organization, User
from pathways.models.applicants import Applicant, Consent, DuplicateFlag
from pathways.models.audit import AuditEvent
from pathways.models.jobs import Job
from pathways.models.matching import Match, MatchingRun
from pathways.models.placements import Placement, PlacementEvent
from pathways.models.progress import PathwayMilestone
from pathways.models.reference import (
    Occupation,
    OccupationAlias,
    OccupationCode,
    Program,
    ProgramRule,
    ReferenceVersion,
)
from pathways.models.scenarios import Scenario
from pathways.models.vacancies import ImportBatch, Vacancy

__all__ = [
    "ApiToken",
    "Applicant",
    "AuditEvent",
    "Consent",
    "DuplicateFlag",
    "ImportBatch",
    "Job",
    "Match",
    "MatchingRun",
    "Occupation",
    "OccupationAlias",
    "OccupationCode",
    "Organization",
    "PathwayMilestone",
    "Placement",
    "PlacementEvent",
    "Program",
    "ProgramRule",
    "ReferenceVersion",
    "Scenario",
    "User",
    "Vacancy",
]
