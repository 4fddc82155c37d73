"""HTML pages by audience."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    from pathways.web import (
        account,
        applicant,
        audit,
        candidates,
        duplicates,
        eligibility,
        home,
        matching,
        messages,
        ministry,
        navigation,
        placements,
        programs,
        progress,
        registrations,
        scenarios,
        staff,
        transparency,
    )

    app.register_blueprint(home.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(eligibility.bp)
    app.register_blueprint(applicant.bp)
    app.register_blueprint(programs.bp)
    app.register_blueprint(ministry.bp)
    app.register_blueprint(placements.bp)
    app.register_blueprint(registrations.bp)
    app.register_blueprint(duplicates.bp)
    app.register_blueprint(matching.bp)
    app.register_blueprint(candidates.bp)
    app.register_blueprint(progress.bp)
    app.register_blueprint(transparency.bp)
    app.register_blueprint(scenarios.bp)
    app.jinja_env.globals.update(nav_items=navigation.nav_items, stored_error=messages.stored_error)
    app.jinja_env.globals.update(staff.template_globals())
    # The API docs page is registered by the API blueprint, which comes first (see create_app).
    navigation.check_menu(app)
