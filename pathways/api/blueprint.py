"""The /api/v1 blueprint that every resource module registers its operations on."""

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
