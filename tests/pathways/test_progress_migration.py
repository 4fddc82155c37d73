"""Placements that moved before the milestone table existed are counted once it does."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from pathways import migrate
from pathways.db import make_engine
from pathways.models import PathwayMilestone
from pathways.services import progress
from tests.conftest import POSTGRES_URL

BEFORE = "ea4e81482f70"  # the revision before pathway_milestone
NOW = "'2026-06-01 10:00:00'"

HISTORY = [
    "INSERT INTO program (code, destination, name_en, name_es, name_fr, definition, updated_at) "
    f"VALUES ('US-H2A', 'US', 'H-2A', 'H-2A', 'H-2A', '{{}}', {NOW}), "
    f"('MX-TVTF', 'MX', 'TVTF', 'TVTF', 'TVTF', '{{}}', {NOW})",
    "INSERT INTO applicant (id, name, name_key, nationality, birth_date, sex, residence_country, "
    "residence_subdivision, languages, experience, destinations, programs, certifications, "
    "returning_programs, named_by, preferred_lang, status, created_at, updated_at) VALUES "
    f"(1, 'A', '', 'GT', '1990-01-01', 'F', 'GT', 'GT-QZ', '[]', '[]', '[]', '[]', '[]', "
    f"'[\"US-H2A\"]', '[]', 'es', 'active', {NOW}, {NOW}), "
    f"(2, 'B', '', 'HN', '1991-01-01', 'M', 'HN', NULL, '[]', '[]', '[]', '[]', '[]', '[]', "
    f"'[]', 'es', 'active', {NOW}, {NOW})",
    "INSERT INTO vacancy (id, program_code, title, positions, worksite_country, languages, "
    f"licences, status, source, created_at, updated_at) VALUES "
    f"(1, 'US-H2A', 'Farm', 5, 'US', '[]', '[]', 'open', 'api', {NOW}, {NOW}), "
    f"(2, 'MX-TVTF', 'Finca', 5, 'MX', '[]', '[]', 'open', 'api', {NOW}, {NOW})",
    "INSERT INTO placement (id, applicant_id, vacancy_id, program_code, status, status_at, "
    f"created_at) VALUES (1, 1, 1, 'US-H2A', 'withdrawn', {NOW}, {NOW}), "
    f"(2, 1, 2, 'MX-TVTF', 'authorized', {NOW}, {NOW}), "
    f"(3, 2, 1, 'US-H2A', 'authorized', {NOW}, {NOW})",
    "INSERT INTO placement_event (id, placement_id, from_status, to_status, at, recorded_at) "
    "VALUES (1, 1, 'authorized', 'visa_issued', '2026-03-02 12:00:00', " + NOW + "), "
    "(2, 1, 'visa_issued', 'withdrawn', '2026-04-01 12:00:00', " + NOW + "), "
    "(3, 2, 'accepted', 'authorized', '2026-05-20 23:30:00', " + NOW + "), "
    "(4, 3, 'accepted', 'authorized', '2026-05-21 12:00:00', " + NOW + ")",
]


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PATHWAYS_TEST_POSTGRES_URL not set: PostgreSQL run skipped")
    base = make_url(POSTGRES_URL)
    name = f"pathways_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def rows(session: Session) -> list[tuple]:
    return [
        (m.placement_id, m.applicant_id, m.program_code, m.destination, m.nationality, m.sex,
         m.residence_subdivision, m.returning_worker, m.reached_on, m.previous_on, m.month,
         m.cell, m.place)
        for m in session.exec(select(PathwayMilestone).order_by(PathwayMilestone.placement_id))
    ]  # fmt: skip


def test_the_upgrade_notes_the_milestones_rebuild_would(fresh_url) -> None:
    engine = make_engine(fresh_url)
    migrate.upgrade(engine, BEFORE)
    with engine.begin() as conn:
        for statement in HISTORY:
            conn.execute(text(statement))
    migrate.upgrade(engine)
    with Session(engine) as session:
        upgraded = rows(session)
        # The visa (later withdrawn) and the border card count; an H-2A authorization does not.
        assert [(r[0], r[2], str(r[8]), r[7]) for r in upgraded] == [
            (1, "US-H2A", "2026-03-02", True),
            (2, "MX-TVTF", "2026-05-20", False),
        ]
        assert upgraded[1][9] == upgraded[0][8]  # the person's previous milestone
        progress.rebuild(session)
        assert rows(session) == upgraded
    engine.dispose()
