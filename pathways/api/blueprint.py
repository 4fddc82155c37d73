"""The /api/v1 blueprint that every resource module registers its operations on."""

from flask_openapi import APIBlueprint

api_bp = APIBlueprint("api", __name__, url_prefix="/api/v1")
