"""HTML pages by audience."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    from pathways.web import (
        account,
        eligibility,
        home,
        messages,
        ministry,
        navigation,
        programs,
        scenarios,
    )

    app.register_blueprint(home.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(eligibility.bp)
    app.register_blueprint(programs.bp)
    app.register_blueprint(ministry.bp)
    app.register_blueprint(scenarios.bp)
    app.jinja_env.globals.update(
        nav_items=navigation.nav_items, stored_error=messages.stored_error
    )
    # The API docs page is registered by the API blueprint, which comes first (see create_app).
    navigation.check_menu(app)
