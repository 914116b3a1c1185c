"""Public home page (contests), language switch, health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..caching import public_page
from ..clock import now
from ..quiz import services as quiz_services
from ..replica import reader
from ..security import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@public_page
def index():
    contests = quiz_services.public_contests(reader())
    moment = now()
    statuses = {r.id: quiz_services.round_status(r, moment) for c in contests for r in c.rounds}
    return render_template("main/index.html", contests=contests, statuses=statuses)


@bp.route("/ngon-ngu/<code>")
def set_language(code: str):
    response = redirect(safe_next(request.args.get("next"), url_for("main.index")))
    if code in ("vi", "en"):
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/healthz")
def health():
    return {"status": "ok"}
