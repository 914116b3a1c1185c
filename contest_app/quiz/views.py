"""Participant pages: contest, round, taking a quiz, result and review, my results."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..domain import DomainError
from ..errors import ERRORS
from ..extensions import db
from ..inputs import parse_int
from . import device, rules
from . import services as quiz

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
    from ..rankings import services as rankings

    ranking_published = attempt.round.id in rankings.published_round_ids(
        db.session, attempt.round.contest_id)
    return render_template("quiz/result.html", attempt=attempt, rnd=attempt.round,
                           review=review, items=items, info=info,
                           ranking_published=ranking_published)


@bp.route("/ket-qua-cua-toi")
@login_required
def my_results():
    attempts = quiz.my_attempts(db.session, current_user.id)
    return render_template("quiz/my_results.html", attempts=attempts)
