"""Marking text for translation where it is defined, in modules that must not import Flask."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark an English template for translation where it is defined (pages translate it)."""
    return text
