"""Public home page (the featured contest first, then every contest), language switch,
favicon, health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from ..caching import public_page
from ..clock import now
from ..quiz import appearance
from ..quiz import services as quiz_services
from ..replica import reader
from ..security import safe_next
from . import home

bp = Blueprint("main", __name__)


@bp.route("/")
@public_page
def index():
    contests = quiz_services.public_contests(reader())
    moment = now()
    statuses = {r.id: quiz_services.round_status(r, moment) for c in contests for r in c.rounds}
    spotlight = home.featured(reader(), contests, moment)
    theme = None
    if spotlight is not None and appearance.has_theme(spotlight.contest):
        theme = appearance.theme_version(spotlight.contest)
    # A cached page (PUBLIC_PAGE_SECONDS, 10 s by default) carries a server time up to that
    # old, so its countdown may show that many seconds too many; the end time shown is exact.
    return render_template("main/index.html", contests=contests, statuses=statuses,
                           featured=spotlight, theme=theme, server_now=moment)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico by themselves; pages link the SVG and a 32 px PNG."""
    response = send_from_directory(current_app.static_folder + "/img", "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon", max_age=7 * 24 * 3600)
    return response


@bp.route("/ngon-ngu/<code>")
def set_language(code: str):
    response = redirect(safe_next(request.args.get("next"), url_for("main.index")))
    if code in ("vi", "en"):
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/healthz")
def health():
    return {"status": "ok"}
