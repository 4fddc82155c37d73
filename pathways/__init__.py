"""Pathways: the Flask application (pages and JSON API) around the `matching` library."""

from pathways.app import create_app

__all__ = ["create_app"]
