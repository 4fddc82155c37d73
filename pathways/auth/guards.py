"""Who is calling, and may they? 401 = we don't know you; 403 = we know you, and you may not."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user

from pathways.extensions import login_manager
from pathways.models import User
from pathways.requestctx import db_session
from pathways.services import accounts
from pathways.services.audit import Actor

F = TypeVar("F", bound=Callable[..., Any])
_UNSET = object()


def register_auth(app: Flask) -> None:
    from pathways.auth.views import bp

    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        user = db_session().get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    app.register_blueprint(bp)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_principal() -> User | None:
    """The caller: a bearer token's user, else the logged-in session user, else None.

    A request that presents a bad token is anonymous even if it also carries a session.
    """
    cached = g.get("principal", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    user: User | None
    if "Authorization" in request.headers:
        token = bearer_token()
        user = accounts.user_for_token(db_session(), token) if token else None
        g.token_presented = True
    else:
        user = current_user if current_user.is_authenticated else None  # type: ignore[assignment]
    g.principal = user
    return user


def actor_for(user: User | None) -> Actor:
    request_id = g.get("request_id")
    if user is None:
        return Actor(user_id=None, label="anonymous", request_id=request_id)
    return Actor(
        user_id=user.id,
        label=f"user:{user.id}",
        role=user.role,
        country=user.country,
        request_id=request_id,
    )


def role_required(*roles: str) -> Callable[[F], F]:
    """Guard an HTML view: anonymous → login page; wrong role → 403 page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_principal()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def ensure_country(user: User, country: str | None) -> None:
    """A ministry acts only for its own country; officers and admins act for all."""
    if user.role == "ministry" and (country or "").upper() != (user.country or ""):
        abort(403, description="A ministry can act only for its own country.")
