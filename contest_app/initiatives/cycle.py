"""Plain rules of an initiative call's cycle beyond judging: when submissions are accepted and
how a call is reopened, participation quotas per unit or block, and the two-round final
(promotion, the presentation timer, the combined result).

Nothing here imports Flask or the database session; inputs are plain values and an explicit
`now`."""

from __future__ import annotations

from datetime import datetime

from ..domain import ValidationFailed
from ..lazytext import _l
from .rules import CallClosed


class CallResultsPublished(CallClosed):
    """The call's results are published: it takes no new or changed submission until an
    organiser reopens it."""

    code = "initiative_call_results_closed"


# --- Submissions open / reopening ------------------------------------------------------------


def submissions_open(now: datetime, deadline: datetime, published: bool) -> bool:
    """A call takes submissions until its deadline and never once its results are published
    (a submission made then could never be assigned or decided)."""
    return not published and now < deadline


def ensure_submissions_open(now: datetime, deadline: datetime, published: bool) -> None:
    if published:
        raise CallResultsPublished()
    if now >= deadline:
        raise CallClosed()


def check_reopen(now: datetime, submission_deadline: datetime | None,
                 review_deadline: datetime | None, reason: str) -> None:
    """A reopening needs a new submission deadline in the future, a review deadline after it,
    and a reason (kept in the audit log)."""
    problems: dict[str, str] = {}
    if submission_deadline is None:
        problems["submission_deadline"] = "required"
    elif submission_deadline <= now:
        problems["submission_deadline"] = "past"
    if review_deadline is None:
        problems["review_deadline"] = "required"
    elif submission_deadline is not None and review_deadline <= submission_deadline:
        problems["review_deadline"] = "before_submission"
    if not reason.strip():
        problems["reason"] = "required"
    if problems:
        raise ValidationFailed(**problems)


# --- Authors as the decision lists them -----------------------------------------------------

AUTHOR = "author"
CO_AUTHOR = "co_author"


def split_person(line: str) -> tuple[str, str]:
    """A co-author typed as "họ tên, đơn vị" -> (name, unit); the unit is "" when none was
    given. Only the first comma separates: unit names may contain commas."""
    name, _, unit = line.partition(",")
    return " ".join(name.split()), " ".join(unit.split())


def people(author_name: str, author_unit: str,
           co_authors: list[str]) -> list[tuple[str, str, str]]:
    """(role, name, unit) of everyone credited with a submission, the author first."""
    rows = [(AUTHOR, author_name, author_unit)]
    for line in co_authors:
        name, unit = split_person(line)
        if name:
            rows.append((CO_AUTHOR, name, unit))
    return rows


# --- Quotas ---------------------------------------------------------------------------------


def check_quota(value: int | None) -> int | None:
    """A quota is a whole number from 1 to 1000, or none."""
    if value is None:
        return None
    if not 1 <= value <= 1000:
        raise ValidationFailed(quota=_l("Chỉ tiêu phải từ 1 đến 1000."))
    return int(value)


def shortfalls(expected: dict[int, str], counts: dict[int, int],
               minimum: int | None) -> list[tuple[int, str, int, int]]:
    """(id, name, submitted, missing) for every expected unit or block below `minimum`
    submissions, the furthest behind first, then by name. Empty without a quota."""
    if not minimum:
        return []
    short = [(key, name, counts.get(key, 0), minimum - counts.get(key, 0))
             for key, name in expected.items() if counts.get(key, 0) < minimum]
    return sorted(short, key=lambda r: (-r[3], r[1].lower(), r[0]))


# --- Two rounds: promotion, the presentation timer, the combined result ----------------------

TOP_N = "top"
THRESHOLD = "threshold"
PROMOTION_MODES = (TOP_N, THRESHOLD)


def select_finalists(ranked: list[tuple[int, float | None]], mode: str,
                     value: float) -> list[int]:
    """The submissions promoted to the final from (id, preliminary score) pairs: the best
    `value` (ties with the last one promoted go through too, so that equal scores are never
    split) or every score at or above `value`. Unscored submissions are never promoted.
    Returned best first (ties by id)."""
    if mode not in PROMOTION_MODES:
        raise ValidationFailed(mode=_l("Lựa chọn không hợp lệ."))
    scored = sorted(((sid, s) for sid, s in ranked if s is not None),
                    key=lambda r: (-r[1], r[0]))
    if mode == THRESHOLD:
        if not 0 <= value <= 100:
            raise ValidationFailed(value=_l("Nhập số từ 0 đến 100."))
        return [sid for sid, s in scored if s >= value]
    if value < 1 or int(value) != value:
        raise ValidationFailed(value=_l("Số sáng kiến phải là số nguyên từ 1 trở lên."))
    count = int(value)
    if count >= len(scored):
        return [sid for sid, _ in scored]
    cut = scored[count - 1][1]
    return [sid for sid, s in scored if s >= cut]


PRESENTATION = "presentation"
QUESTIONS = "questions"
OVER = "over"
NOT_STARTED = "not_started"


def timer_elapsed(now: datetime, started_at: datetime | None, elapsed_before: int) -> float:
    """Seconds the team's timer has run: the stretches before a pause, plus the current one
    since the server's start time."""
    running = max(0.0, (now - started_at).total_seconds()) if started_at else 0.0
    return elapsed_before + running


def timer_phase(elapsed: float, presentation_seconds: int, questions_seconds: int,
                started: bool) -> tuple[str, float]:
    """(phase, seconds left in it): presentation, then questions, then over."""
    if not started and elapsed <= 0:
        return NOT_STARTED, float(presentation_seconds)
    if elapsed < presentation_seconds:
        return PRESENTATION, presentation_seconds - elapsed
    if elapsed < presentation_seconds + questions_seconds:
        return QUESTIONS, presentation_seconds + questions_seconds - elapsed
    return OVER, 0.0


def check_final_settings(presentation_minutes: int, questions_minutes: int,
                         preliminary_weight: int, final_weight: int) -> None:
    problems: dict[str, object] = {}
    if not 1 <= presentation_minutes <= 120:
        problems["presentation_minutes"] = _l("Thời gian trình bày phải từ 1 đến 120 phút.")
    if not 0 <= questions_minutes <= 120:
        problems["questions_minutes"] = _l("Thời gian trả lời câu hỏi phải từ 0 đến 120 phút.")
    if preliminary_weight < 0 or final_weight < 0 or preliminary_weight + final_weight <= 0:
        problems["weights"] = _l("Tổng hai trọng số phải lớn hơn 0.")
    if problems:
        raise ValidationFailed(**problems)


def combined_score(preliminary: float | None, final: float | None, preliminary_weight: int,
                   final_weight: int, preliminary_max: float = 100,
                   final_max: float = 100) -> float | None:
    """The final result on 100: the weighted mean of the preliminary score and the final's,
    each first brought to 100 from its round's maximum (a round scored out of 80 points
    counts 60 as 75), e.g. 30 % sơ khảo + 70 % chung khảo. None until the final has a score
    (a finalist not yet scored in the final has no result), and when a weighted round has no
    score."""
    total = preliminary_weight + final_weight
    if total <= 0:
        raise ValidationFailed(weights=_l("Tổng hai trọng số phải lớn hơn 0."))
    if preliminary_max <= 0 or final_max <= 0:
        raise ValidationFailed(rubric=_l("Cần ít nhất một tiêu chí chấm điểm."))
    if final is None and final_weight > 0:
        return None
    if preliminary is None and preliminary_weight > 0:
        return None
    on_100 = ((preliminary or 0.0) * 100 / preliminary_max * preliminary_weight
              + (final or 0.0) * 100 / final_max * final_weight)
    return round(on_100 / total, 2)


def final_rank_key(combined: float | None, final: float | None, preliminary: float | None,
                   finalist_id: int) -> tuple:
    """Final results order: combined score, then the final's score, then the preliminary's."""
    return (combined is None, -(combined or 0.0), -(final or 0.0), -(preliminary or 0.0),
            finalist_id)
