"""JSON API v1: the same services as the web pages, with bearer tokens or the cookie session."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from ..surveys import api as _surveys_api  # noqa: E402,F401
from . import analysis, auth, certificates, participation, rankings, views  # noqa: E402,F401  (routes and hooks register on import)
