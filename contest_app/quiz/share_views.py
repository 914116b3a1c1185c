"""Share cards: the Open Graph image of a contest (/cuoc-thi/<id>/the-chia-se.png) and the
template helpers that give the share metadata absolute URLs. Zalo and Facebook read the same
Open Graph tags; X reads twitter:card."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import format_dt
from . import share_card
from .models import Contest, Round

bp = Blueprint("share", __name__)

CARD_CACHE = "share_cards"


def absolute_url(endpoint: str, **values: object) -> str:
    """The absolute URL, from PUBLIC_BASE_URL when set (a crawler's Host header never ends up
    in a shared link), else from the request."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _round_line(rnd: Round) -> str:
    opens, closes = rnd.opens_at, rnd.closes_at
    if opens is not None and closes is not None:
        same_year = format_dt(opens, "%Y") == format_dt(closes, "%Y")
        start = format_dt(opens, "%d/%m" if same_year else "%d/%m/%Y")
        return f"{rnd.title}: {start} – {format_dt(closes, '%d/%m/%Y')}"
    if opens is not None:
        return _("%(round)s: từ %(date)s", round=rnd.title, date=format_dt(opens, "%d/%m/%Y"))
    return rnd.title


def card_text(contest: Contest) -> share_card.CardText:
    """What the card shows, always in Vietnamese (a shared link has no reader's locale)."""
    from .views import short_link

    with force_locale("vi"):
        rounds = [r for r in contest.rounds if not r.is_practice and r.opens_at is not None]
        rounds.sort(key=lambda r: (r.opens_at, r.position, r.id))
        link = short_link(contest).split("://", 1)[-1]
        return share_card.CardText(site=_("Hội thi CCHC"), title=contest.title,
                                   dates=tuple(_round_line(r) for r in rounds), link=link)


def card_path(contest: Contest) -> Path:
    fonts = Path(current_app.static_folder or "static") / "fonts"
    cache = Path(current_app.instance_path) / CARD_CACHE
    return share_card.cached_card(card_text(contest), fonts, cache, f"contest-{contest.id}")


@bp.route("/cuoc-thi/<int:contest_id>/the-chia-se.png")
def contest_card(contest_id: int):
    """The contest's 1200×630 share card; none for an unpublished contest (404 for anyone:
    a card is for sharing)."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or not contest.published:
        abort(404)
    response = send_file(card_path(contest), mimetype="image/png", max_age=3600,
                         conditional=True)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.app_template_global("share_card_url")
def share_card_url(contest: Contest) -> str:
    return absolute_url("share.contest_card", contest_id=contest.id)


@bp.app_template_global("share_page_url")
def share_page_url() -> str:
    """This page's absolute URL for og:url: the path and, on rankings, the board chosen."""
    values = dict(request.view_args or {})
    board = request.args.get("bang")
    if board and board.isascii() and board.isdigit():
        values["bang"] = board
    return absolute_url(request.endpoint or "main.index", **values)
