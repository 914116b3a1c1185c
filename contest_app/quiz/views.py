"""Participant pages: contest, round, taking a quiz, result and review, my results."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..domain import DomainError
from ..errors import ERRORS
from ..extensions import db
from ..inputs import parse_int
from . import device, rules
from . import services as quiz
from .models import Contest

bp = Blueprint("quiz", __name__)


def _grace() -> int:
    return current_app.config["ANSWER_GRACE_SECONDS"]


@bp.route("/cuoc-thi/<int:contest_id>")
def contest(contest_id: int):
    contest = quiz.get_contest(db.session, contest_id)
    now = clock.now()
    statuses = {r.id: quiz.round_status(r, now) for r in contest.rounds}
    from ..rankings import services as rankings

    return render_template(
        "quiz/contest.html", contest=contest, statuses=statuses,
        published=rankings.published_round_ids(db.session, contest.id),
        contest_published=rankings.contest_published(db.session, contest.id))


@bp.route("/vong-thi/<int:round_id>")
def round_page(round_id: int):
    rnd = quiz.get_round(db.session, round_id)
    now = clock.now()
    user_id = current_user.id if current_user.is_authenticated else None
    info = quiz.round_info(db.session, rnd, user_id, now)
    return render_template("quiz/round.html", rnd=rnd, info=info, now=now)


@bp.route("/vong-thi/<int:round_id>/bat-dau", methods=["POST"])
@login_required
def start(round_id: int):
    token, new_token = device.token_of(request)
    try:
        started = quiz.start_attempt(db.session, current_user.id, round_id, clock.now(),
                                     _grace(), device_hash=device.digest(token))
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_found":
            raise
        flash(str(ERRORS[err.code][1]), "danger")
        return redirect(url_for(".round_page", round_id=round_id))
    db.session.commit()
    if not started.created:
        flash(_("Bạn đang có một bài thi chưa nộp; tiếp tục với thời gian còn lại."), "info")
    response = redirect(url_for(".take", attempt_id=started.attempt.id))
    if new_token:
        device.remember(response, token, current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.route("/bai-thi/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def take(attempt_id: int):
    now = clock.now()
    attempt = quiz.attempt_for(db.session, attempt_id, current_user.id)
    if request.method == "POST":
        return _post_form(attempt)
    if quiz.close_if_overdue(db.session, attempt, now, _grace()):
        db.session.commit()
        return redirect(url_for(".result", attempt_id=attempt.id))
    items = quiz.attempt_items(db.session, attempt, review=False)
    return render_template(
        "quiz/take.html", attempt=attempt, rnd=attempt.round, items=items, now=now,
        remaining=rules.remaining_seconds(now, attempt.effective_deadline),
        prediction_question=quiz.prediction_question(attempt.round),
    )


def _post_form(attempt):
    """The plain form (no JavaScript): save every answer shown, then submit if asked."""
    now = clock.now()
    answers: dict[int, list[int]] = {}
    for item in quiz.attempt_items(db.session, attempt, review=False):
        values = request.form.getlist(f"q-{item.question_id}")
        ids = [parse_int(v, 1) for v in values]
        answers[item.question_id] = [-1] if None in ids else ids  # -1: refused as invalid
    action = request.form.get("action", "save")
    try:
        if attempt.status == "in_progress" and quiz.accepts_answers(attempt, now, _grace()):
            quiz.save_answers(db.session, current_user.id, attempt.id, answers, now, _grace())
            prediction = (request.form.get("prediction") or "").strip()
            if prediction and attempt.round.prediction_kind:
                value = parse_int(prediction, 0, rules.PREDICTION_MAX)
                if value is None:
                    raise rules.InvalidOption(prediction="invalid")
                quiz.set_prediction(db.session, current_user.id, attempt.id, value, now,
                                    _grace())
    except DomainError as err:
        db.session.rollback()
        flash(str(ERRORS[err.code][1]), "danger")
        if err.code != "attempt_closed":
            return redirect(url_for(".take", attempt_id=attempt.id))
    if action == "submit" or attempt.status != "in_progress":
        quiz.submit(db.session, current_user.id, attempt.id, now, _grace())
        db.session.commit()
        return redirect(url_for(".result", attempt_id=attempt.id))
    db.session.commit()
    flash(_("Đã lưu các câu trả lời."), "success")
    return redirect(url_for(".take", attempt_id=attempt.id))


@bp.route("/bai-thi/<int:attempt_id>/ket-qua")
@login_required
def result(attempt_id: int):
    now = clock.now()
    attempt = quiz.attempt_for(db.session, attempt_id, current_user.id)
    quiz.close_if_overdue(db.session, attempt, now, _grace())
    db.session.commit()
    if attempt.status == "in_progress":
        return redirect(url_for(".take", attempt_id=attempt.id))
    review = quiz.review_allowed(attempt, now)
    items = quiz.attempt_items(db.session, attempt, review=True) if review else []
    info = quiz.round_info(db.session, attempt.round, current_user.id, now)
    from ..certificates import services as certificates
    from ..rankings import services as rankings

    ranking_published = attempt.round.id in rankings.published_round_ids(
        db.session, attempt.round.contest_id)
    offered = certificates.downloads(db.session, [attempt], now).get(attempt.id, [])
    return render_template("quiz/result.html", attempt=attempt, rnd=attempt.round,
                           review=review, items=items, info=info,
                           ranking_published=ranking_published, certificates=offered)


@bp.route("/ket-qua-cua-toi")
@login_required
def my_results():
    from ..certificates import services as certificates

    attempts = quiz.my_attempts(db.session, current_user.id)
    return render_template("quiz/my_results.html", attempts=attempts,
                           certificates=certificates.downloads(db.session, attempts,
                                                               clock.now()),
                           contest_certificates=certificates.contest_downloads(
                               db.session, current_user.id))


# --- Short links and QR codes ------------------------------------------------------------

def _absolute(endpoint: str, **values: object) -> str:
    """The absolute URL, from PUBLIC_BASE_URL when set (a cached QR code must never carry a
    Host header someone sent), else from the request."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


@bp.app_template_global("contest_short_link")
def short_link(contest: Contest) -> str:
    """The contest's absolute short link /c/<slug> (what its QR code encodes)."""
    return _absolute("quiz.short", slug=contest.slug)


def _organiser() -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(ROLE_ORGANISER))


QR_KINDS = {"svg": "image/svg+xml", "png": "image/png"}


def qr_bytes(link: str, kind: str) -> bytes:
    """The QR code of `link` as SVG or PNG (error correction M, 8 px a module, 2 modules of
    quiet zone) — the tests regenerate it with the same call."""
    import io

    import segno

    buffer = io.BytesIO()
    code = segno.make(link, error="m")
    if kind == "svg":
        code.save(buffer, kind="svg", scale=8, border=2, xmldecl=True, svgclass=None,
                  lineclass=None)
    else:
        code.save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def _qr_response(link: str, kind: str, filename: str, public: bool):
    response = Response(qr_bytes(link, kind), mimetype=QR_KINDS[kind])
    if request.args.get("tai-ve"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    # An unpublished contest's code is seen only by organisers: not kept by shared caches.
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@bp.route("/c/<slug>")
def short(slug: str):
    """The short link printed on posters: survives renaming the contest (the slug is kept)."""
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug.lower()))
    if contest is None or not contest.published:
        abort(404)
    return redirect(url_for("quiz.contest", contest_id=contest.id), 302)


@bp.route("/cuoc-thi/<int:contest_id>/qr.<kind>")
def contest_qr(contest_id: int, kind: str):
    """The contest's QR code (its short link); organisers also get an unpublished one."""
    if kind not in QR_KINDS:
        abort(404)
    contest = quiz.get_contest(db.session, contest_id, include_unpublished=_organiser())
    return _qr_response(short_link(contest), kind, f"cuoc-thi-{contest.slug}-qr",
                        contest.published)


@bp.route("/vong-thi/<int:round_id>/qr.<kind>")
def round_qr(round_id: int, kind: str):
    """A round's QR code (the round page's absolute URL)."""
    if kind not in QR_KINDS:
        abort(404)
    rnd = quiz.get_round(db.session, round_id, include_unpublished=_organiser())
    link = _absolute("quiz.round_page", round_id=rnd.id)
    return _qr_response(link, kind, f"vong-thi-{rnd.id}-qr", rnd.contest.published)


# --- Posters ------------------------------------------------------------------------------

def _poster_response(data: bytes, filename: str, public: bool) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "attachment" if request.args.get("tai-ve") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    response.headers["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    return response


def _poster_when(opens, closes, tz) -> str:  # noqa: ANN001  (datetimes or None, a tzinfo)
    from . import posters

    return posters.when_text(
        opens, closes, tz,
        _("Thời gian: từ %(opens)s đến %(closes)s", opens="%(opens)s", closes="%(closes)s"),
        _("Bắt đầu từ %(opens)s", opens="%(opens)s"),
        _("Kết thúc lúc %(closes)s", closes="%(closes)s"))


@bp.route("/cuoc-thi/<int:contest_id>/poster.pdf")
def contest_poster(contest_id: int):
    """An A4 poster for the contest: its short link as a large QR code."""
    from ..participation.services import contest_tz
    from . import posters

    contest = quiz.get_contest(db.session, contest_id, include_unpublished=_organiser())
    official = [r for r in contest.rounds if not r.is_practice] or list(contest.rounds)
    opens = min((r.opens_at for r in official if r.opens_at), default=None)
    closes = max((r.closes_at for r in official if r.closes_at), default=None)
    data = posters.render(posters.Poster(
        current_app.config["ORGANISER_NAME"], contest.title, "",
        _poster_when(opens, closes, contest_tz()), short_link(contest),
        _("Quét mã QR để tham gia")))
    return _poster_response(data, f"poster-{contest.slug}", contest.published)


@bp.route("/vong-thi/<int:round_id>/poster.pdf")
def round_poster(round_id: int):
    """An A4 poster for one round: the round page's link as a large QR code."""
    from ..participation.services import contest_tz
    from . import posters

    rnd = quiz.get_round(db.session, round_id, include_unpublished=_organiser())
    link = _absolute("quiz.round_page", round_id=rnd.id)
    data = posters.render(posters.Poster(
        current_app.config["ORGANISER_NAME"], rnd.title, rnd.contest.title,
        _poster_when(rnd.opens_at, rnd.closes_at, contest_tz()), link,
        _("Quét mã QR để vào vòng thi")))
    return _poster_response(data, f"poster-vong-thi-{rnd.id}", rnd.contest.published)
