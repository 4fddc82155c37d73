"""Per-request access to settings and the database session (the web layer's only globals)."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pathways.settings import Settings


def settings() -> Settings:
    return current_app.extensions["pathways_settings"]


def engine() -> Engine:
    return current_app.extensions["pathways_engine"]


def db_session() -> Session:
    """The request's session; views hand it to services, which decide when to commit."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def close_request_session() -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


def vacancy_context() -> dict:
    """What normalising a vacancy needs: the cached occupation resolver and the data folder."""
    from pathways.services import occupations

    config = settings()
    return {
        "resolver": occupations.get_resolver(db_session(), max_age=config.catalog_cache_seconds),
        "data_dir": config.data_dir,
    }
