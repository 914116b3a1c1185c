"""Initiative services: calls and their rubric, the author's submissions, attachments and who may
download them. Each function takes the session, the acting user's id and `now` explicitly,
calls the rules, writes and flushes; the caller commits once.

Judging (assignment, reviews, decisions, publication) lives in `judging.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import ROLE_JUDGE, ROLE_ORGANISER, User
from ..domain import DomainError, NotFound, ValidationFailed
from ..errors import register_domain_error
from ..organiser.models import record
from . import cycle, rules, scoring
from . import files as filestore
from .models import Criterion, Initiative, InitiativeCall, InitiativeFile, Review, ReviewAssignment
from .sanitise import Unsanitisable, sanitise


class JudgeCopyMissing(DomainError):
    """No copy without the author's metadata exists or can be made for a judge."""

    code = "initiative_judge_copy_missing"


register_domain_error("initiative_call_closed", 409,
                      _l("Đã hết hạn nộp sáng kiến của đợt này; không thể thay đổi nữa."))
register_domain_error("initiative_call_results_closed", 409,
                      _l("Đợt phát động này đã công bố kết quả nên không nhận thêm hoặc sửa "
                         "sáng kiến; không có thay đổi nào được lưu. Nếu cần, hãy liên hệ Ban "
                         "Tổ chức."))
register_domain_error("initiative_locked", 409,
                      _l("Sáng kiến đã được chấm hoặc đã có quyết định nên không thể thay đổi."))
register_domain_error("initiative_not_enough_judges", 409,
                      _l("Không đủ giám khảo để phân công: mỗi sáng kiến cần đủ số giám khảo "
                         "không phải tác giả, không cùng đơn vị và không xung đột lợi ích."))
register_domain_error("initiative_judge_not_eligible", 409,
                      _l("Giám khảo này không được chấm sáng kiến đã chọn (là tác giả, cùng đơn "
                         "vị với tác giả hoặc đã báo xung đột lợi ích)."))
register_domain_error("initiative_review_closed", 409,
                      _l("Đã hết hạn chấm hoặc kết quả đã công bố; không thể gửi phiếu chấm."))
register_domain_error("initiative_rubric_locked", 409,
                      _l("Đã có phiếu chấm nên không thể thay đổi cách chấm, tiêu chí, điểm tối "
                         "đa hay các mức điểm; các thông tin khác của đợt vẫn sửa được."))
register_domain_error("initiative_invalid_bands", 422,
                      _l("Các mức điểm của tiêu chí không hợp lệ: mỗi dòng dạng “27–30: hoàn "
                         "toàn mới”, trong khoảng từ 0 đến điểm tối đa, không chồng lên nhau."))
register_domain_error("initiative_extra_judge_not_needed", 409,
                      _l("Sáng kiến này không cần thêm giám khảo: chênh lệch giữa các giám khảo "
                         "không vượt ngưỡng, hoặc còn giám khảo chưa chấm."))
register_domain_error("initiative_results_published", 409,
                      _l("Kết quả của đợt này đã công bố; không thể thay đổi quyết định."))
register_domain_error("initiative_decisions_missing", 409,
                      _l("Còn sáng kiến chưa có quyết định; hãy ghi quyết định cho tất cả "
                         "trước khi công bố."))
register_domain_error("initiative_invalid_scores", 422,
                      _l("Vui lòng chấm đủ mọi tiêu chí, mỗi điểm trong thang điểm của tiêu chí."))
register_domain_error("initiative_judge_copy_missing", 404,
                      _l("Tệp này chưa có bản ẩn danh dành cho giám khảo; hãy báo Ban Tổ chức."))
register_domain_error("initiative_invalid_file", 422,
                      _l("Tệp đính kèm không hợp lệ; chưa có tệp nào được lưu."))


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = filestore.DEFAULT_MAX_FILE_BYTES
    max_total_bytes: int = filestore.DEFAULT_MAX_TOTAL_BYTES
    max_files: int = filestore.DEFAULT_MAX_FILES

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            int(config.get("INITIATIVE_MAX_FILE_BYTES", filestore.DEFAULT_MAX_FILE_BYTES)),
            int(config.get("INITIATIVE_MAX_TOTAL_BYTES", filestore.DEFAULT_MAX_TOTAL_BYTES)),
            int(config.get("INITIATIVE_MAX_FILES", filestore.DEFAULT_MAX_FILES)),
        )


# --- Calls ----------------------------------------------------------------------------------


class CriterionSpec(NamedTuple):
    """A rubric line as the organiser enters it. `weight` and `scale` serve weighted calls;
    `max_points` and `bands` calls scored in points."""

    name: str
    description: str
    weight: int
    scale: str
    max_points: int | None = None
    bands: tuple[scoring.Band, ...] = ()


@dataclass
class CallData:
    title: str
    description: str
    submission_deadline: object
    review_deadline: object
    fields: list[str]
    judges_per_submission: int
    criteria: list  # CriterionSpec, or (name, description, weight, scale) tuples
    cojudge_visibility: str = rules.AFTER_REVIEW_DEADLINE
    scoring: str = scoring.WEIGHTED
    third_judge_gap: float | None = None


def calls(session: Session) -> list[InitiativeCall]:
    return list(session.scalars(
        select(InitiativeCall).order_by(InitiativeCall.submission_deadline.desc(),
                                        InitiativeCall.id.desc())))


def get_call(session: Session, call_id: int) -> InitiativeCall:
    call = session.get(InitiativeCall, call_id)
    if call is None:
        raise NotFound()
    return call


def call_has_reviews(session: Session, call_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        Review.initiative_id == Initiative.id, Initiative.call_id == call_id))))


def _wanted_rubric(data: CallData) -> list[tuple]:
    """The rubric as compared and stored: in points, the weight is the maximum (so weights
    stay meaningful) and bands are checked against it; weighted lines carry no points."""
    wanted = []
    for spec in (CriterionSpec(*c) for c in data.criteria):
        if data.scoring == scoring.POINTS:
            if not spec.max_points or not 1 <= spec.max_points <= scoring.MAX_POINTS_LIMIT:
                raise ValidationFailed(criteria=_l(
                    "Tiêu chí “%(name)s” cần điểm tối đa từ 1 đến %(max)s.", name=spec.name,
                    max=scoring.MAX_POINTS_LIMIT))
            bands = scoring.check_bands(spec.bands, spec.max_points)
            wanted.append((spec.name, spec.description, spec.max_points, "0-10",
                           spec.max_points, scoring.bands_to_json(bands)))
        else:
            wanted.append((spec.name, spec.description, spec.weight, spec.scale, None, []))
    return wanted


def _current_rubric(call: InitiativeCall) -> tuple[str, list[tuple]]:
    return call.scoring, [(c.name, c.description, c.weight, c.scale, c.max_points,
                           [list(b) for b in c.bands or []]) for c in call.criteria]


def save_call(session: Session, actor_id: int, call: InitiativeCall | None,
              data: CallData) -> InitiativeCall:
    """Create or update a call; the rubric (its scoring model, criteria, maxima, bands)
    cannot change once a review exists."""
    if data.review_deadline <= data.submission_deadline:
        raise ValidationFailed(review_deadline=_l("Hạn chấm phải sau hạn nộp sáng kiến."))
    if not data.criteria:
        raise ValidationFailed(criteria=_l("Cần ít nhất một tiêu chí chấm điểm."))
    if data.cojudge_visibility not in rules.COJUDGE_VISIBILITY:
        raise ValidationFailed(cojudge_visibility=_l("Lựa chọn không hợp lệ."))
    if data.scoring not in scoring.SCORING_MODES:
        raise ValidationFailed(scoring=_l("Lựa chọn không hợp lệ."))
    if data.third_judge_gap is not None and data.third_judge_gap <= 0:
        raise ValidationFailed(third_judge_gap=_l("Khoảng chênh lệch phải lớn hơn 0 điểm."))
    wanted = _wanted_rubric(data)
    created = call is None
    if call is None:
        call = InitiativeCall(title=data.title)
        session.add(call)
    before = None if created else _call_snapshot(call)
    changed = (data.scoring, wanted) != _current_rubric(call)
    if changed and not created and call_has_reviews(session, call.id):
        raise rules.RubricLocked()
    call.title = data.title
    call.description = data.description
    call.submission_deadline = data.submission_deadline
    call.review_deadline = data.review_deadline
    call.fields = list(data.fields)
    call.judges_per_submission = data.judges_per_submission
    call.cojudge_visibility = data.cojudge_visibility
    call.third_judge_gap = data.third_judge_gap
    if changed:
        call.scoring = data.scoring
        call.criteria.clear()
        session.flush()
        for position, (name, description, weight, scale, max_points, bands) in \
                enumerate(wanted):
            call.criteria.append(Criterion(name=name, description=description, weight=weight,
                                           scale=scale, max_points=max_points, bands=bands,
                                           position=position))
    session.flush()
    record(actor_id, "initiative_call.create" if created else "initiative_call.update", call,
           before=before, after=_call_snapshot(call))
    return call


def _call_snapshot(call: InitiativeCall) -> dict:
    return {
        "title": call.title,
        "submission_deadline": call.submission_deadline.isoformat(),
        "review_deadline": call.review_deadline.isoformat(),
        "judges_per_submission": call.judges_per_submission,
        "cojudge_visibility": call.cojudge_visibility,
        "scoring": call.scoring,
        "third_judge_gap": call.third_judge_gap,
        "criteria": [[c.name, c.weight, c.scale, c.max_points, c.bands] for c in call.criteria],
    }


def rubric(call: InitiativeCall) -> list[rules.Criterion]:
    return [rules.Criterion(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]


def points_rubric(call: InitiativeCall) -> list[scoring.PointsCriterion]:
    return [scoring.PointsCriterion(c.id, c.max_points or c.weight, c.band_list)
            for c in call.criteria]


# --- Submissions ----------------------------------------------------------------------------


@dataclass
class InitiativeData:
    title: str
    field: str
    problem: str
    solution: str
    benefits: str
    applied_at: str = ""
    co_authors: list[str] = field(default_factory=list)


def my_initiatives(session: Session, user_id: int) -> list[Initiative]:
    return list(session.scalars(
        select(Initiative).where(Initiative.author_id == user_id)
        .options(selectinload(Initiative.call))
        .order_by(Initiative.created_at.desc(), Initiative.id.desc())))


def initiative_for_author(session: Session, initiative_id: int, user_id: int) -> Initiative:
    """The author's own submission; anyone else's is simply not found."""
    initiative = session.get(Initiative, initiative_id)
    if initiative is None or initiative.author_id != user_id:
        raise NotFound()
    return initiative


def get_initiative(session: Session, initiative_id: int) -> Initiative:
    initiative = session.get(Initiative, initiative_id)
    if initiative is None:
        raise NotFound()
    return initiative


def is_reviewing(session: Session, initiative_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        ReviewAssignment.initiative_id == initiative_id))))


def has_reviews(session: Session, initiative_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Review.initiative_id == initiative_id))))


def shown_status(session: Session, initiative: Initiative, now) -> str:
    return rules.shown_status(initiative.state, initiative.decision, now,
                              initiative.call.submission_deadline,
                              is_reviewing(session, initiative.id), initiative.call.published)


def can_edit(session: Session, initiative: Initiative, now) -> bool:
    try:
        ensure_editable(session, initiative, now)
    except (rules.CallClosed, rules.InitiativeLocked):
        return False
    return True


def ensure_editable(session: Session, initiative: Initiative, now) -> None:
    call = initiative.call
    cycle.ensure_submissions_open(now, call.submission_deadline, call.published)
    rules.ensure_editable(initiative.state, now, initiative.call.submission_deadline,
                          has_reviews(session, initiative.id), initiative.decision is not None)


def _snapshot(initiative: Initiative) -> dict:
    return {"title": initiative.title, "field": initiative.field, "state": initiative.state}


def _check_content(call: InitiativeCall, data: InitiativeData, submitting: bool) -> None:
    if data.field not in call.fields:
        raise ValidationFailed(field=_l("Lĩnh vực không thuộc đợt phát động này."))
    if submitting:
        missing = {name: _l("Vui lòng điền thông tin này trước khi nộp.")
                   for name in ("problem", "solution", "benefits")
                   if not getattr(data, name).strip()}
        if missing:
            raise ValidationFailed(**missing)


def create_initiative(session: Session, actor_id: int, call: InitiativeCall,
                      data: InitiativeData, now, submit: bool,
                      uploads: Sequence[filestore.CheckedFile], folder: Path) -> Initiative:
    cycle.ensure_submissions_open(now, call.submission_deadline, call.published)
    _check_content(call, data, submit)
    initiative = Initiative(call_id=call.id, author_id=actor_id, created_at=now, updated_at=now,
                            **_fields(data))
    session.add(initiative)
    session.flush()
    attach(session, initiative, uploads, folder, now)
    if submit:
        initiative.state = rules.SUBMITTED
        initiative.submitted_at = now
    session.flush()
    record(actor_id, "initiative.submit" if submit else "initiative.create", initiative,
           after=_snapshot(initiative))
    return initiative


def _fields(data: InitiativeData) -> dict:
    return {"title": data.title, "field": data.field, "problem": data.problem,
            "solution": data.solution, "benefits": data.benefits,
            "applied_at": data.applied_at, "co_authors": list(data.co_authors)}


def update_initiative(session: Session, actor_id: int, initiative: Initiative,
                      data: InitiativeData, now, submit: bool,
                      uploads: Sequence[filestore.CheckedFile], folder: Path) -> Initiative:
    ensure_editable(session, initiative, now)
    _check_content(initiative.call, data, submit or initiative.state == rules.SUBMITTED)
    before = _snapshot(initiative)
    for name, value in _fields(data).items():
        setattr(initiative, name, value)
    initiative.updated_at = now
    attach(session, initiative, uploads, folder, now)
    if submit and initiative.state != rules.SUBMITTED:
        initiative.state = rules.SUBMITTED
        initiative.submitted_at = now
    elif not submit and initiative.state == rules.WITHDRAWN:
        initiative.state = rules.DRAFT
    session.flush()
    record(actor_id, "initiative.update", initiative, before=before, after=_snapshot(initiative))
    return initiative


def submit_initiative(session: Session, actor_id: int, initiative: Initiative, now) -> None:
    ensure_editable(session, initiative, now)
    data = InitiativeData(initiative.title, initiative.field, initiative.problem,
                          initiative.solution, initiative.benefits)
    _check_content(initiative.call, data, True)
    before = _snapshot(initiative)
    initiative.state = rules.SUBMITTED
    initiative.submitted_at = now
    initiative.updated_at = now
    session.flush()
    record(actor_id, "initiative.submit", initiative, before=before, after=_snapshot(initiative))


def withdraw_initiative(session: Session, actor_id: int, initiative: Initiative, now) -> None:
    """Withdraw before the deadline; pending assignments are dropped with it."""
    ensure_editable(session, initiative, now)
    if initiative.state == rules.WITHDRAWN:
        return
    before = _snapshot(initiative)
    for assignment in session.scalars(select(ReviewAssignment).where(
            ReviewAssignment.initiative_id == initiative.id)):
        session.delete(assignment)
    initiative.state = rules.WITHDRAWN
    initiative.updated_at = now
    session.flush()
    record(actor_id, "initiative.withdraw", initiative, before=before,
           after=_snapshot(initiative))


# --- Files ----------------------------------------------------------------------------------


def check_uploads(initiative: Initiative | None, uploads: Sequence[tuple[str, bytes]],
                  limits: Limits) -> list[filestore.CheckedFile]:
    """Check every new file (and the submission's totals) before anything is stored."""
    checked = [filestore.check_upload(name, data, limits.max_file_bytes)
               for name, data in uploads]
    existing = initiative.files if initiative is not None else []
    filestore.check_total(sum(f.size for f in existing), checked, limits.max_total_bytes,
                          len(existing), limits.max_files)
    return checked


def attach(session: Session, initiative: Initiative, uploads: Sequence[filestore.CheckedFile],
           folder: Path, now) -> None:
    for upload in uploads:
        stored = filestore.store(folder, upload.data)
        copy = filestore.store(folder, upload.judge_copy)
        initiative.files.append(InitiativeFile(
            original_name=upload.name, stored_name=stored, kind=upload.kind, size=upload.size,
            sha256=upload.sha256, judge_copy_name=copy, judge_copy_size=len(upload.judge_copy),
            uploaded_at=now))
    if uploads:
        session.flush()


def remove_file(session: Session, actor_id: int, initiative: Initiative, file_id: int,
                now) -> list[str]:
    """Remove an attachment; returns its stored names (original and judge's copy), to delete
    once the request commits."""
    ensure_editable(session, initiative, now)
    row = next((f for f in initiative.files if f.id == file_id), None)
    if row is None:
        raise NotFound()
    stored = [name for name in (row.stored_name, row.judge_copy_name) if name]
    initiative.files.remove(row)
    initiative.updated_at = now
    session.flush()
    record(actor_id, "initiative.file_remove", initiative, before={"file": row.original_name})
    return stored


AUTHOR, JUDGE, ORGANISER = "author", "judge", "organiser"


def file_for(session: Session, file_id: int, user: User) -> tuple[InitiativeFile, str]:
    """The attachment and who is asking (organiser, author or assigned judge); anyone else,
    judges of a withdrawn submission and conflicted judges get NotFound."""
    row = session.get(InitiativeFile, file_id)
    if row is None:
        raise NotFound()
    initiative = row.initiative
    if user.has_role(ROLE_ORGANISER):
        return row, ORGANISER
    if initiative.author_id == user.id:
        return row, AUTHOR
    if user.has_role(ROLE_JUDGE) and initiative.state == rules.SUBMITTED and session.scalar(
            select(exists().where(ReviewAssignment.initiative_id == initiative.id,
                                  ReviewAssignment.judge_id == user.id))):
        from .judging import judge_conflict  # judging builds on this module

        if judge_conflict(session, initiative, user.id) is None:
            return row, JUDGE
    raise NotFound()


def judge_copy_path(session: Session, row: InitiativeFile, folder: Path) -> Path:
    """The judge's copy of an attachment. A file stored before copies were made gets its copy
    now, from the original; if none can be made the judge gets nothing (never the original)."""
    if row.judge_copy_name:
        path = filestore.stored_path(folder, row.judge_copy_name)
        if path.is_file():
            return path
    original = filestore.stored_path(folder, row.stored_name)
    if not original.is_file():
        raise NotFound()
    try:
        clean = sanitise(row.kind, original.read_bytes())
    except Unsanitisable as err:
        raise JudgeCopyMissing() from err
    row.judge_copy_name = filestore.store(folder, clean)
    row.judge_copy_size = len(clean)
    session.flush()
    return filestore.stored_path(folder, row.judge_copy_name)


def make_missing_judge_copies(session: Session, folder: Path) -> tuple[int, list[int]]:
    """Make every missing judge's copy; returns how many were made and the ids of files of
    which none can be made (judges cannot download those)."""
    made, failed = 0, []
    for row in session.scalars(select(InitiativeFile).order_by(InitiativeFile.id)):
        if row.judge_copy_name and filestore.stored_path(folder, row.judge_copy_name).is_file():
            continue
        try:
            judge_copy_path(session, row, folder)
        except (JudgeCopyMissing, NotFound):
            failed.append(row.id)
        else:
            made += 1
    return made, failed


def blind_file_name(row: InitiativeFile, position: int) -> str:
    """What a judge's download is called: nothing of the uploaded name, which may carry the
    author's name."""
    ext = filestore.KINDS[row.kind][0][0]
    return f"sang-kien-{row.initiative_id}-tep-{position}{ext}"


def file_position(row: InitiativeFile) -> int:
    return [f.id for f in row.initiative.files].index(row.id) + 1


def count_by_state(session: Session, call_id: int) -> dict[str, int]:
    return dict(session.execute(
        select(Initiative.state, func.count(Initiative.id)).where(Initiative.call_id == call_id)
        .group_by(Initiative.state)).all())


# --- Redaction of the judge-visible text ----------------------------------------------------


def redact(session: Session, actor_id: int, initiative: Initiative, texts: dict[str, str],
           now) -> None:
    """Record the organiser's version of the texts judges see (the author's text is kept as
    it is). A field given back unchanged from the author's text drops its redaction."""
    if initiative.call.published:
        raise rules.ResultsPublished()
    unknown = set(texts) - set(rules.JUDGE_TEXT_FIELDS)
    if unknown:
        raise ValidationFailed(**{name: "unknown" for name in unknown})
    if not (texts.get("title") or "").strip() and "title" in texts:
        raise ValidationFailed(title=_l("Vui lòng điền thông tin này."))
    before = dict(initiative.judge_text or {})
    redaction: dict = {}
    for name in rules.JUDGE_TEXT_FIELDS:
        source = getattr(initiative, name) or ""
        text = texts.get(name)
        if text is None:
            if name in before:
                redaction[name] = before[name]
            continue
        text = text.strip()
        if text != source.strip():
            redaction[name] = {"text": text, "source": source}
    initiative.judge_text = redaction or None
    initiative.judge_text_by_id = actor_id if redaction else None
    initiative.judge_text_at = now if redaction else None
    session.flush()
    record(actor_id, "initiative.redact", initiative,
           before={"fields": sorted(before)},
           after={"fields": sorted(redaction),
                  "text": {name: entry["text"] for name, entry in redaction.items()}})
