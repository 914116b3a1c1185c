"""The senders: one function per notification, taking ids, safe to run again.

Each sender claims a row of the sent-log (`NotificationSent`, unique per user, kind and
object) before mailing, inside a savepoint, so a rerun, or two workers at once, mails nobody
twice; it skips people who turned the kind off, and commits its own work (call it after the
triggering change is committed: it is a job, and can be queued as one). Messages are in the
recipient's language (Vietnamese unless the account says English) with a plain-text and an
HTML part; every optional kind carries a one-click unsubscribe link (RFC 8058 headers)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock, mail
from ..accounts.models import User
from ..extensions import db
from . import rules
from .models import NotificationOptOut, NotificationSent

log = logging.getLogger("contest_app.notifications")

TOKEN_SALT = "notifications.unsubscribe"
FINISHED = ("submitted", "expired")


# --- tokens, preferences ----------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming the user and the kind (no expiry: a link in an old message must
    still work)."""
    return _serializer().dumps([user_id, kind])


def read_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) a token names, or None when it is forged, damaged or names a kind
    one cannot turn off."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or isinstance(value[0], bool) or not rules.may_unsubscribe(value[1])):
        return None
    return value[0], value[1]


def opted_out(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(NotificationOptOut.kind).where(
        NotificationOptOut.user_id == user_id)))


def set_opt_out(session: Session, user_id: int, kind: str, off: bool) -> None:
    """Turn one optional kind off (or back on) for a user; idempotent."""
    if not rules.may_unsubscribe(kind):
        raise ValueError(kind)
    row = session.get(NotificationOptOut, (user_id, kind))
    if off and row is None:
        try:
            with session.begin_nested():
                session.add(NotificationOptOut(user_id=user_id, kind=kind,
                                               created_at=clock.now()))
        except IntegrityError:
            pass  # turned off by another request at the same moment
    elif not off and row is not None:
        session.delete(row)
    session.flush()


def set_preferences(session: Session, user_id: int, wanted: set[str]) -> None:
    """Keep exactly the optional kinds in `wanted` on."""
    for kind in rules.OPTIONAL:
        set_opt_out(session, user_id, kind, kind not in wanted)


# --- sending ------------------------------------------------------------------------------

@contextlib.contextmanager
def _url_context() -> Iterator[None]:
    """Absolute links need a request (or PUBLIC_BASE_URL): outside one (the CLI, a worker)
    a request context on PUBLIC_BASE_URL is made for rendering only."""
    if has_request_context():
        yield
        return
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")
    with current_app.test_request_context("/", base_url=base):
        yield


def absolute(endpoint: str, **values: Any) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def locale_of(user: User) -> str:
    """English only for an account that chose it (accounts have no language yet)."""
    return "en" if getattr(user, "locale", None) == "en" else "vi"


def _claim(session: Session, user_id: int, kind: str, key: str) -> bool:
    """Write the sent-log row; False when it was already there."""
    try:
        with session.begin_nested():
            session.add(NotificationSent(user_id=user_id, kind=kind, object_key=key,
                                         sent_at=clock.now()))
            session.flush()
    except IntegrityError:
        return False
    return True


def _recipients(session: Session, user_ids: set[int], kind: str) -> list[User]:
    """Active accounts among `user_ids` that did not turn `kind` off, by id."""
    if not user_ids:
        return []
    stmt = select(User).where(User.id.in_(sorted(user_ids)), User.active.is_(True))
    if rules.may_unsubscribe(kind):
        stmt = stmt.where(~select(NotificationOptOut.user_id).where(
            NotificationOptOut.user_id == User.id, NotificationOptOut.kind == kind).exists())
    return list(session.scalars(stmt.order_by(User.id)))


def _send(user: User, kind: str, subject: Callable[[], str],
          context_for: Callable[[], dict[str, Any]], template: str | None = None
          ) -> mail.Message:
    """Render mail/notifications/<template or kind>.txt and .html in the user's language (the
    context, with its links, is made inside the URL context) and mail them."""
    headers: dict[str, str] = {}
    with _url_context(), force_locale(locale_of(user)):
        context = context_for()
        unsubscribe = None
        if rules.may_unsubscribe(kind):
            unsubscribe = absolute("notifications.unsubscribe",
                                   token=unsubscribe_token(user.id, kind))
            headers = {"List-Unsubscribe": f"<{unsubscribe}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        context.update(user=user, unsubscribe=unsubscribe,
                       preferences=absolute("notifications.preferences"),
                       site=absolute("main.index"), lang=locale_of(user))
        title = subject()
        name = template or kind
        text = render_template(f"mail/notifications/{name}.txt", **context)
        html = render_template(f"mail/notifications/{name}.html", subject=title, **context)
    return mail.send(user.email, title, text, html, headers)


def _fan_out(session: Session, user_ids: set[int], kind: str, object_id: int,
             subject: Callable[[], str], context_for: Callable[[User], dict[str, Any]],
             key: str | None = None, template: str | None = None) -> int:
    key = key or rules.object_key(kind, object_id)
    sent = 0
    for user in _recipients(session, user_ids, kind):
        if _claim(session, user.id, kind, key):
            _send(user, kind, subject, lambda user=user: context_for(user), template)
            sent += 1
    session.commit()
    return sent


def run_after_commit(sender: Callable[..., int], *args: Any) -> int:
    """Call a sender from a view after its own commit: a failure to notify is logged and
    rolled back, never turned into an error for the action that triggered it."""
    from .. import jobs

    if jobs.queue_enabled():  # a worker sends it; the request only queues the job
        jobs.submit("notify", {"sender": sender.__name__, "args": list(args)})
        return 0
    try:
        return sender(*args)
    except Exception:  # noqa: BLE001 - the triggering change is already committed
        db.session.rollback()
        log.exception("Notification %s%r failed", getattr(sender, "__name__", sender), args)
        return 0


# --- the notifications --------------------------------------------------------------------

def notify_registration(user_id: int) -> int:
    """The registration confirmation (transactional: no unsubscribe)."""
    session = db.session

    def context(user: User) -> dict[str, Any]:
        return {"login": absolute("accounts.login")}

    return _fan_out(session, {user_id}, rules.REGISTRATION, user_id,
                    lambda: _("Xác nhận đăng ký tài khoản Hội thi CCHC"), context)


def _round_times(rounds: list) -> list[rules.RoundTimes]:
    return [rules.RoundTimes(r.id, r.opens_at, r.closes_at, r.is_practice) for r in rounds]


def notify_round_opened(round_id: int, now: datetime | None = None) -> int:
    """A round that is open now: tell those who took part in the contest's previous official
    round (a finished attempt)."""
    from ..i18n import format_dt
    from ..quiz.models import Attempt, Round

    session = db.session
    now = now or clock.now()
    rnd = session.get(Round, round_id)
    if rnd is None or not rnd.contest.published:
        return 0
    times = _round_times(rnd.contest.rounds)
    current = next(t for t in times if t.id == rnd.id)
    previous = rules.previous_round(times, rnd.id)
    if previous is None or not rules.has_opened(current, now):
        return 0
    user_ids = set(session.scalars(select(Attempt.user_id).where(
        Attempt.round_id == previous, Attempt.status.in_(FINISHED))))

    def context(user: User) -> dict[str, Any]:
        return {"contest": rnd.contest, "rnd": rnd, "closes": format_dt(rnd.closes_at),
                "link": absolute("quiz.round_page", round_id=rnd.id)}

    return _fan_out(session, user_ids, rules.ROUND_OPENED, rnd.id,
                    lambda: _("%(round)s của %(contest)s đã mở", round=rnd.title,
                              contest=rnd.contest.title), context)


def _published_rows(session: Session, round_id: int) -> list:
    """The rows of the round's current, not withdrawn, snapshots (every board)."""
    from ..rankings.models import RankingRow, RankingSnapshot

    return list(session.execute(
        select(RankingRow, RankingSnapshot.board_id)
        .join(RankingSnapshot, RankingSnapshot.id == RankingRow.snapshot_id)
        .where(RankingSnapshot.round_id == round_id, RankingSnapshot.is_current.is_(True),
               RankingSnapshot.withdrawn_at.is_(None))
        .order_by(RankingRow.snapshot_id, RankingRow.position)).all())


def notify_results_published(round_id: int) -> int:
    """The round's published results, to everyone ranked in it (with their rank)."""
    from ..quiz.models import Round

    session = db.session
    rnd = session.get(Round, round_id)
    if rnd is None or not rnd.contest.published:
        return 0
    rows = {row.user_id: (row, board_id) for row, board_id in _published_rows(session, rnd.id)}

    def context(user: User) -> dict[str, Any]:
        row, board_id = rows[user.id]
        return {"contest": rnd.contest, "rnd": rnd, "row": row,
                "link": absolute("rankings.round_ranking", round_id=rnd.id, bang=board_id)}

    return _fan_out(session, set(rows), rules.RESULTS_PUBLISHED, rnd.id,
                    lambda: _("Kết quả %(round)s – %(contest)s", round=rnd.title,
                              contest=rnd.contest.title), context)


def notify_winners(round_id: int) -> int:
    """The round's prize winners: their prize and what to bring (the contest's text)."""
    from ..quiz.models import Round

    session = db.session
    rnd = session.get(Round, round_id)
    if rnd is None or not rnd.contest.published:
        return 0
    rows = {row.user_id: row for row, _board in _published_rows(session, rnd.id) if row.prize}

    def context(user: User) -> dict[str, Any]:
        return {"contest": rnd.contest, "rnd": rnd, "row": rows[user.id],
                "instructions": (rnd.contest.winner_instructions or "").strip(),
                "link": absolute("quiz.contest", contest_id=rnd.contest_id)}

    return _fan_out(session, set(rows), rules.WINNER, rnd.id,
                    lambda: _("Chúc mừng bạn đoạt giải %(round)s – %(contest)s",
                              round=rnd.title, contest=rnd.contest.title), context)


def notify_contest_winners(contest_id: int) -> int:
    """The contest-wide ranking's prize winners (its current, not withdrawn, publication):
    their prize and what to bring. Sent once per person and contest (sent-log key
    "contest:<id>"), so publishing a new version mails nobody twice."""
    from ..quiz.models import Contest
    from ..rankings.models import RankingRow, RankingSnapshot

    session = db.session
    contest = session.get(Contest, contest_id)
    if contest is None or not contest.published:
        return 0
    rows: dict[int, Any] = {}
    for row in session.scalars(
            select(RankingRow).join(RankingSnapshot, RankingSnapshot.id == RankingRow.snapshot_id)
            .where(RankingSnapshot.contest_id == contest.id, RankingSnapshot.round_id.is_(None),
                   RankingSnapshot.is_current.is_(True), RankingSnapshot.withdrawn_at.is_(None),
                   RankingRow.prize_level.is_not(None))
            .order_by(RankingRow.prize_level, RankingRow.id)):
        rows.setdefault(row.user_id, row)  # the best prize over the boards

    def context(user: User) -> dict[str, Any]:
        return {"contest": contest, "row": rows[user.id],
                "instructions": (contest.winner_instructions or "").strip(),
                "link": absolute("quiz.contest", contest_id=contest.id),
                "certificates": absolute("quiz.my_results")}

    return _fan_out(session, set(rows), rules.WINNER, contest.id,
                    lambda: _("Chúc mừng bạn đoạt giải toàn cuộc thi – %(contest)s",
                              contest=contest.title), context,
                    key=rules.contest_key(contest.id), template="winner_contest")


def notify_round_published(round_id: int) -> int:
    """What publishing a round's ranking triggers: results to all, the prize to winners."""
    return notify_results_published(round_id) + notify_winners(round_id)


def notify_judge_assignments(call_id: int) -> int:
    """Each judge of the call with assignments not yet mailed gets one message listing them
    with the review deadline (one sent-log row per assignment)."""
    from ..i18n import format_dt
    from ..initiatives.judging import judge_texts
    from ..initiatives.models import Initiative, InitiativeCall, ReviewAssignment

    session = db.session
    call = session.get(InitiativeCall, call_id)
    if call is None:
        return 0
    assignments = list(session.scalars(
        select(ReviewAssignment).join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(Initiative.call_id == call.id).order_by(ReviewAssignment.id)))
    by_judge: dict[int, list] = {}
    for row in assignments:
        by_judge.setdefault(row.judge_id, []).append(row)
    kind = rules.JUDGE_ASSIGNMENT
    sent = 0
    for judge in _recipients(session, set(by_judge), kind):
        new = [a for a in by_judge[judge.id]
               if _claim(session, judge.id, kind, rules.object_key(kind, a.id))]
        if not new:
            continue
        _send(judge, kind, lambda: _("Phân công chấm sáng kiến: %(call)s", call=call.title),
              lambda new=new: {"call": call, "deadline": format_dt(call.review_deadline),
                               "titles": [judge_texts(a.initiative)["title"] for a in new],
                               "link": absolute("judging.worklist")})
        sent += 1
    session.commit()
    return sent


def send_due(now: datetime | None = None) -> dict[str, int]:
    """What time makes due (the scheduler's entry point, and `flask notify due`): the
    opening of every official round open now. Returns the messages sent per kind."""
    from ..quiz.models import ROUND_OFFICIAL, Contest, Round

    now = now or clock.now()
    round_ids = list(db.session.scalars(
        select(Round.id).join(Contest, Contest.id == Round.contest_id)
        .where(Contest.published.is_(True), Round.kind == ROUND_OFFICIAL,
               Round.opens_at.is_not(None), Round.opens_at <= now,
               (Round.closes_at.is_(None)) | (Round.closes_at > now))
        .order_by(Round.opens_at, Round.id)))
    return {rules.ROUND_OPENED: sum(notify_round_opened(rid, now) for rid in round_ids)}
