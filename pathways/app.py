"""The application factory: settings, database, extensions, blueprints, logging, errors."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask_babel import get_locale

from pathways import db as dbmod
from pathways import migrate
from pathways.api.openapi import PathwaysApp
from pathways.extensions import babel, csrf, limiter, login_manager
from pathways.i18n_catalogs import TRANSLATIONS_DIR, check_catalogs
from pathways.jsonprovider import OrjsonProvider
from pathways.sessions import PageSessionInterface
from pathways.settings import SUPPORTED_LANGS, ConfigError, Settings, load_settings

log = logging.getLogger("pathways")


def create_app(config: dict[str, Any] | None = None, *, check_schema: bool = True) -> PathwaysApp:
    """Build a configured app. `config` overrides settings (keys as Settings field names).

    Raises ConfigError (one line naming the setting) when a setting is bad or the database
    is unreachable or not migrated, so the service never starts half-configured.
    """
    settings = load_settings(config)
    check_catalogs()
    configure_logging(settings)
    engine = dbmod.make_engine(settings.database_url)
    try:
        dbmod.ping(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means "cannot start"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"PATHWAYS_DATABASE_URL: cannot connect to {settings.safe_database_url}: {reason}"
        ) from None
    if check_schema:
        current, head = migrate.current_revision(engine), migrate.head_revision()
        if current != head:
            raise ConfigError(
                f"PATHWAYS_DATABASE_URL: the schema of {settings.safe_database_url} is at "
                f"{current or 'nothing'}, expected {head}: run `pathways db upgrade`"
            )

    # Flask with flask-openapi: the OpenAPI document of the API, and body validation.
    app = PathwaysApp(__name__, instance_relative_config=False)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(
            settings.env.value == "production"
            if settings.cookie_secure is None
            else settings.cookie_secure
        ),
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="es",
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
        TESTING=settings.env.value == "test",
    )
    app.session_interface = PageSessionInterface()
    app.json = OrjsonProvider(app)  # ISO 8601 dates, documented field order, fast
    app.extensions["pathways_settings"] = settings
    app.extensions["pathways_engine"] = engine

    from pathways.web.i18n import select_locale, select_timezone

    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)

    from pathways import inputs, requestlog, security_headers
    from pathways.api import register_api
    from pathways.auth import register_auth
    from pathways.errors import register_error_handlers
    from pathways.web import register_web

    requestlog.init_app(app)
    security_headers.init_app(app, hsts_seconds=settings.hsts_seconds)
    inputs.init_app(app)
    register_auth(app)
    register_api(app)
    register_web(app)
    register_error_handlers(app)
    app.jinja_env.globals.update(
        SUPPORTED_LANGS=SUPPORTED_LANGS,
        get_locale=get_locale,
        has_endpoint=lambda endpoint: endpoint in app.view_functions,
    )

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        from pathways.requestctx import close_request_session

        close_request_session()

    if settings.env.value != "test":
        # Build the occupation resolver and the rule catalog now, in the background, so the
        # first visitor does not wait for them (with every official title loaded: seconds).
        threading.Thread(target=_warm_caches, args=(engine,), daemon=True).start()
    log.info("pathways started: database %s", settings.safe_database_url)
    return app


def _warm_caches(engine: Any) -> None:
    from sqlmodel import Session

    from pathways.services import occupations, programs

    try:
        # Reads only, so on SQLite a deferred transaction: BEGIN IMMEDIATE (db.py) would hold
        # the write lock for the seconds the resolver takes to build, and block every writer.
        with Session(engine.execution_options(sqlite_begin="BEGIN")) as session:
            programs.get_catalog(session)
            occupations.get_resolver(session)
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first request builds
        log.warning("could not prepare the caches at start-up", exc_info=True)


def configure_logging(settings: Settings) -> None:
    root = logging.getLogger("pathways")
    root.setLevel(settings.log_level)
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
        root.propagate = False
