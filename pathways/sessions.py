"""Cookie sessions for pages only: the bearer-token API neither reads nor sets a cookie."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

# Pages under /api/v1 that are HTML for people (they use the layout, so they need a session).
HTML_UNDER_API = ("/api/v1/docs",)


class PageSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        path = request.path
        if path.startswith("/api/") and not path.startswith(HTML_UNDER_API):
            return self.null_session_class()
        return super().open_session(app, request)
