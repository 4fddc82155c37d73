"""Users, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from pathways.db import utcnow
from pathways.models import ApiToken, Organization, User
from pathways.models.enums import DESTINATIONS, ORIGINS, Role
from pathways.services.audit import Actor, record

TOKEN_PREFIX = "pw_"
# scrypt (werkzeug's default KDF): memory-hard, no extra native dependency to install.
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with a message for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def _token_digest(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough (no KDF needed).
    return hashlib.sha256(token.encode()).hexdigest()


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None or not user.active or not user.password_hash:
        # Spend the same time as a real check, so response time does not reveal accounts.
        check_password_hash(hash_password("x" * MIN_PASSWORD_LENGTH), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    session.add(user)
    record(
        session,
        Actor(user_id=user.id, label=f"user:{user.id}", role=user.role),
        "user.login",
        "user",
        user.id,
    )
    session.commit()
    return user


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    actor: Actor,
    country: str | None = None,
    password: str | None = None,
    display_name: str | None = None,
    commit: bool = True,
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(Role)}") from None
    country = country.strip().upper() if country else None
    if role_value is Role.ministry and country not in DESTINATIONS + ORIGINS:
        raise AccountError(
            "a ministry user needs --country, one of "
            f"{', '.join(DESTINATIONS + ORIGINS)} (destination or origin ministry)"
        )
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    organization_id = None
    if role_value is Role.ministry and country:
        organization_id = ensure_ministry(session, country).id
    user = User(
        email=email,
        role=role_value.value,
        country=country,
        organization_id=organization_id,
        display_name=display_name,
        password_hash=hash_password(password) if password else None,
        preferred_lang="es" if role_value is Role.applicant else None,
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, role=user.role, country=country)
    if commit:
        session.commit()
    return user


MINISTRY_NAMES = {
    "US": "U.S. Department of Labor",
    "CA": "Employment and Social Development Canada",
    "MX": "Secretaría del Trabajo y Previsión Social",
    "GT": "Ministerio de Trabajo y Previsión Social de Guatemala",
    "SV": "Ministerio de Trabajo y Previsión Social de El Salvador",
    "HN": "Secretaría de Trabajo y Seguridad Social de Honduras",
}


def ensure_ministry(session: Session, country: str) -> Organization:
    org = session.exec(
        select(Organization).where(Organization.kind == "ministry", Organization.country == country)
    ).first()
    if org is None:
        org = Organization(
            name=MINISTRY_NAMES.get(country, f"Labor ministry {country}"),
            kind="ministry",
            country=country,
        )
        session.add(org)
        session.flush()
    return org


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once; only its digest is stored
    record: ApiToken


#: How long a token works unless said otherwise (PATHWAYS_TOKEN_DAYS).
TOKEN_DAYS = 90


def issue_token(
    session: Session, user: User, *, actor: Actor, name: str = "", days: int = TOKEN_DAYS
) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=_token_digest(token),
        prefix=token[:10],
        name=name[:100],
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    record(session, actor, "token.issue", "api_token", row.id, user_id=user.id)
    session.commit()
    return IssuedToken(token=token, record=row)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning a token neither revoked nor expired, recording its last use."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _token_digest(token))).first()
    now = utcnow()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    # Write last use at most once a minute: a busy API client must not turn reads into writes.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now
        session.add(row)
        session.commit()
    return user


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())  # type: ignore[union-attr]
        )
    )


def revoke_token(session: Session, user: User, token_id: int, *, actor: Actor) -> bool:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and actor.role != Role.admin):
        return False
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        record(session, actor, "token.revoke", "api_token", row.id)
        session.commit()
    return True
