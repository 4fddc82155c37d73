"""Errors services raise for requests they cannot do (the views turn them into responses)."""

from __future__ import annotations

from typing import Any


class ServiceError(ValueError):
    """A request that cannot be done; ``field`` names what is wrong, ``status`` the answer.

    ``template`` is a literal English sentence (pages translate it), filled with ``params``.
    """

    def __init__(self, field: str, template: str, *, status: int = 422, **params: Any) -> None:
        self.field, self.template, self.params, self.status = field, template, params, status
        self.message = template % params if params else template
        super().__init__(self.message)


class ApplicantError(ServiceError):
    """About an applicant's record (registration, access, duplicates)."""
