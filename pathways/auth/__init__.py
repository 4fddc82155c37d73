"""Authentication (session login for pages, bearer tokens for the API) and role guards."""

from pathways.auth.guards import (
    actor_for,
    current_principal,
    ensure_country,
    register_auth,
    role_required,
)

__all__ = ["actor_for", "current_principal", "ensure_country", "register_auth", "role_required"]
