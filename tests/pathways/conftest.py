"""Fixtures shared by the application's tests (the global ones are in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests.pathways.placement_rows import set_caps  # noqa: F401  (a fixture)


def seed_demo(app: Any, engine: Any, **sizes: Any) -> Any:
    """The product's demo data (``applicants``, ``vacancies``, ``seed``, ``history``) in the
    test database, through the same service as ``pathways seed-demo``; returns the settings."""
    from pathways.services import demo, occupations

    settings = app.extensions["pathways_settings"]
    with Session(engine) as session:
        demo.seed_demo(
            session,
            data_dir=settings.data_dir,
            resolver=occupations.get_resolver(session),
            **sizes,
        )
    return settings


def queue_matching_run(session: Session, user: Any, label: str = "test") -> Any:
    """A matching run over every program, queued by `user` as the officer page queues one."""
    from pathways.services import matching_runs
    from pathways.services.audit import Actor

    return matching_runs.start_run(
        session,
        program_codes=[],
        objective="max_pathways",
        options={},
        user=user,
        actor=Actor.system(label),
    )
