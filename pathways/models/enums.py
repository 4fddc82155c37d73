"""Closed vocabularies of the domain, stored as plain strings (portable, easy to migrate)."""

from enum import StrEnum


class Role(StrEnum):
    applicant = "applicant"
    ministry = "ministry"
    officer = "officer"
    admin = "admin"


class OrganizationKind(StrEnum):
    ministry = "ministry"
    employer = "employer"


class VacancyStatus(StrEnum):
    open = "open"
    closed = "closed"


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class PlacementStatus(StrEnum):
    proposed = "proposed"
    offered = "offered"
    accepted = "accepted"
    authorized = "authorized"
    visa_issued = "visa_issued"
    arrived = "arrived"
    completed = "completed"
    withdrawn = "withdrawn"


DESTINATIONS = ("US", "CA", "MX")
ORIGINS = ("GT", "SV", "HN")
