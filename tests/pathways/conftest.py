"""Fixtures shared by the application's tests (the global ones are in tests/conftest.py)."""

from tests.pathways.placement_rows import set_caps  # noqa: F401  (a fixture)
