"""Closed vocabularies of the domain, stored as plain strings (portable, easy to migrate)."""

from enum import StrEnum


class ProgramCode(StrEnum):
    """The program codes of API.md, in catalog order."""

    US_H2A = "US-H2A"
    US_H2B = "US-H2B"
    CA_TFWP_AG = "CA-TFWP-AG"
    CA_SAWP = "CA-SAWP"
    CA_TFWP_LOW = "CA-TFWP-LOW"
    CA_TFWP_HIGH = "CA-TFWP-HIGH"
    MX_TVTF = "MX-TVTF"
    MX_RT_WORK = "MX-RT-WORK"


PROGRAM_CODES: tuple[str, ...] = tuple(code.value for code in ProgramCode)


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


class ApplicantStatus(StrEnum):
    active = "active"
    withdrawn = "withdrawn"  # consent withdrawn: kept, not matched
    deleted = "deleted"  # personal data erased at the person's request


#: Licences and certificates a vacancy can require and an applicant can hold.
LICENCES = (
    "driver",
    "commercial_driver",
    "forklift",
    "pesticide_applicator",
    "welding",
    "food_handler",
    "first_aid",
)

LicenceCode = StrEnum("LicenceCode", {code: code for code in LICENCES})  # type: ignore[misc]

DESTINATIONS = ("US", "CA", "MX")
ORIGINS = ("GT", "SV", "HN")
