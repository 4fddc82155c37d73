"""Counted pathways: one row per placement that reached its counting state.

A milestone is written in the same transaction as the placement's transition (see
``pathways.services.progress.note_transition``) and can be rebuilt from ``placement_event``.
It keeps a snapshot of what the counts group by (nationality, sex, department, whether the
person had worked in the program before), so progress is a scan of one narrow table, and an
erasure of the person's data later changes no aggregate.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from pathways.db import UTCDateTime, utcnow


class PathwayMilestone(SQLModel, table=True):
    __tablename__ = "pathway_milestone"
    __table_args__ = (
        # Progress reads milestones inside a window of dates, of some nationalities.
        Index("ix_pathway_milestone_window", "reached_on", "nationality"),
    )

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", unique=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True)
    program_code: str = Field(max_length=20)
    destination: str = Field(max_length=2)
    nationality: str = Field(max_length=2)
    sex: str = Field(sa_type=String(1))
    residence_subdivision: str | None = Field(default=None, max_length=6)
    # The program is one of the person's returning_programs: they had worked in it before.
    returning_worker: bool = False
    # The day the placement reached visa_issued (authorized for MX-TVTF), in UTC.
    reached_on: date
    # The day of the same person's previous milestone (ordered by day, then placement id),
    # None for their first. A milestone is the person's first inside a window exactly when it
    # is inside and this is before the window's start: counting people once is then a filter,
    # not a sort of every milestone by person on each request.
    previous_on: date | None = None
    # The columns above packed into integers for grouping (services/progress_cells.py: six
    # text columns cost three times two integers): the month of reached_on, (program,
    # nationality, sex, returning_worker), and residence_subdivision (0 for none).
    month: int
    cell: int
    place: int = 0
    noted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
