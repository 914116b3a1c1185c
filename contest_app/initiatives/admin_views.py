"""Organiser pages: calls and rubrics, the judging table with scores, spread and progress,
assignment (by hand or automatic), redaction of the judge-visible text, decisions, publication,
XLSX export."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_ORGANISER
from ..domain import DomainError
from ..errors import ERRORS
from ..extensions import db
from ..notifications import services as notifications
from ..security import role_required
from . import judging, rules, scoring
from . import services as svc
from .export import XLSX, table_xlsx
from .forms import (
    DEFAULT_CRITERIA,
    DEFAULT_POINT_CRITERIA,
    AssignForm,
    CallForm,
    DecisionForm,
    OrganiserConflictForm,
    PublishForm,
    RedactionForm,
)

bp = Blueprint("initiatives_admin", __name__, url_prefix="/ban-to-chuc/sang-kien")


def _fill_criteria(form: CallForm, call) -> None:
    """The rubric lines shown: the call's, or for a new call the default rubric in points
    (with the weighted defaults beside it, for an organiser who switches models)."""
    if call is not None:
        rows = [(c.name, c.description, c.weight, c.scale, c.max_points,
                 scoring.bands_text(c.band_list)) for c in call.criteria]
        form.scoring.data = call.scoring
    else:
        rows = [(n, d, w, s, points, bands) for (n, d, w, s), (_n, _d, points, bands)
                in zip(DEFAULT_CRITERIA, DEFAULT_POINT_CRITERIA, strict=True)]
    for entry, (name, description, weight, scale, points, bands) in zip(form.criteria, rows,
                                                                        strict=False):
        entry.form.name.data, entry.form.description.data = name, description
        entry.form.weight.data, entry.form.scale.data = weight, scale
        entry.form.max_points.data, entry.form.bands.data = points, bands


def _call_data(form: CallForm) -> svc.CallData:
    return svc.CallData(
        title=form.title.data.strip(), description=(form.description.data or "").strip(),
        submission_deadline=form.submission_deadline.data,
        review_deadline=form.review_deadline.data, fields=form.fields_list(),
        judges_per_submission=form.judges_per_submission.data, criteria=form.criteria_data(),
        cojudge_visibility=form.cojudge_visibility.data, scoring=form.scoring.data,
        third_judge_gap=form.third_judge_gap_value())


def _save_call(form: CallForm, call):
    try:
        saved = svc.save_call(db.session, current_user.id, call, _call_data(form))
    except DomainError as err:
        db.session.rollback()
        if err.code == "validation_failed":
            form.criteria.errors = [_("Cần ít nhất một tiêu chí chấm điểm.")]
        else:
            flash(str(ERRORS[err.code][1]), "danger")
        return None
    db.session.commit()
    flash(_("Đã lưu đợt phát động."), "success")
    return redirect(url_for(".call_edit", call_id=saved.id))


@bp.route("/", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def calls():
    form = CallForm()
    if request.method == "GET":
        _fill_criteria(form, None)
    if form.validate_on_submit():
        done = _save_call(form, None)
        if done is not None:
            return done
    counts = {c.id: svc.count_by_state(db.session, c.id) for c in svc.calls(db.session)}
    status = 422 if request.method == "POST" else 200
    return render_template("initiatives/admin_calls.html", calls=svc.calls(db.session),
                           counts=counts, form=form), status


@bp.route("/dot/<int:call_id>", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def call_edit(call_id: int):
    call = svc.get_call(db.session, call_id)
    form = CallForm(obj=call)
    if request.method == "GET":
        form.fields_text.data = "\n".join(call.fields)
        _fill_criteria(form, call)
    if form.validate_on_submit():
        done = _save_call(form, call)
        if done is not None:
            return done
    status = 422 if request.method == "POST" else 200
    return render_template("initiatives/admin_call.html", call=call, form=form,
                           locked=svc.call_has_reviews(db.session, call.id)), status


@bp.route("/dot/<int:call_id>/bang")
@role_required(ROLE_ORGANISER)
def table(call_id: int):
    return _table(svc.get_call(db.session, call_id), PublishForm())


def _table(call, publish_form: PublishForm, status: int = 200):
    return render_template(
        "initiatives/admin_table.html", call=call, rows=judging.organiser_table(db.session, call),
        progress=judging.judge_progress(db.session, call), publish_form=publish_form,
        undecided=len(judging.undecided(db.session, call)), counts=svc.count_by_state(
            db.session, call.id), threshold=judging.disagreement_threshold(call)), status


@bp.route("/dot/<int:call_id>/bang.xlsx")
@role_required(ROLE_ORGANISER)
def table_export(call_id: int):
    call = svc.get_call(db.session, call_id)
    data = table_xlsx(call, judging.organiser_table(db.session, call))
    return send_file(data, mimetype=XLSX, as_attachment=True,
                     download_name=f"bang-cham-sang-kien-{call.id}.xlsx")


@bp.route("/dot/<int:call_id>/phan-cong-tu-dong", methods=["POST"])
@role_required(ROLE_ORGANISER)
def auto_assign(call_id: int):
    call = svc.get_call(db.session, call_id)
    try:
        made = judging.auto_assign(db.session, current_user.id, call, clock.now())
    except rules.NotEnoughJudges as err:
        db.session.rollback()
        flash(_("Không đủ giám khảo để phân công: mỗi sáng kiến cần %(n)s giám khảo không phải "
                "tác giả, không cùng đơn vị và không xung đột lợi ích, nhưng %(k)s sáng kiến "
                "không đủ (hiện có %(j)s giám khảo). Hãy thêm giám khảo hoặc giảm số giám khảo "
                "mỗi sáng kiến.", n=err.fields["needed"], k=len(err.fields["submissions"]),
                j=err.fields["judges"]), "danger")
        return redirect(url_for(".table", call_id=call.id))
    db.session.commit()
    notifications.run_after_commit(notifications.notify_judge_assignments, call.id)
    flash(_("Đã phân công tự động %(n)s lượt chấm.", n=made) if made
          else _("Mọi sáng kiến đã đủ giám khảo; không có phân công mới."), "success")
    return redirect(url_for(".table", call_id=call.id))


@bp.route("/dot/<int:call_id>/cong-bo", methods=["POST"])
@role_required(ROLE_ORGANISER)
def publish(call_id: int):
    call = svc.get_call(db.session, call_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _table(call, form, 422)
    judging.publish(db.session, current_user.id, call, clock.now())
    db.session.commit()
    flash(_("Đã công bố kết quả."), "success")
    return redirect(url_for("initiatives.results", call_id=call.id))


def _judge_choices(judges) -> list[tuple[int, str]]:
    return [(0, _("— Chọn giám khảo —"))] + [
        (j.id, f"{j.full_name} ({j.unit.name if j.unit else '—'})") for j in judges]


def _detail(initiative, assign_form=None, decision_form=None, status: int = 200,
            redaction_form=None, conflict_form=None):
    assign_form = assign_form or AssignForm(prefix="assign")
    # Only judges who may take it: conflicted ones (own unit, co-authors, declared) are left out.
    assign_form.judge_id.choices = _judge_choices(judging.eligible_judges(db.session, initiative))
    conflict_form = conflict_form or OrganiserConflictForm(prefix="conflict")
    conflict_form.judge_id.choices = _judge_choices(judging.judges(db.session))
    decision_form = decision_form or DecisionForm(
        prefix="decision", data={"decision": initiative.decision or "accepted",
                                 "award": initiative.award or "",
                                 "note": initiative.decision_note})
    redaction_form = redaction_form or RedactionForm(
        prefix="redact", data=judging.judge_texts(initiative))
    rows = [r for r in judging.organiser_table(db.session, initiative.call)
            if r.initiative.id == initiative.id]
    original = {name: getattr(initiative, name) or "" for name in rules.JUDGE_TEXT_FIELDS}
    return render_template(
        "initiatives/admin_initiative.html", initiative=initiative, row=rows[0] if rows else None,
        assign_form=assign_form, conflict_form=conflict_form,
        judge_names={j.id: j.full_name for j in judging.judges(db.session)},
        decision_form=decision_form, redaction_form=redaction_form,
        redacted=sorted(initiative.judge_text or {}),
        stale=rules.stale_redactions(original, initiative.judge_text),
        status=svc.shown_status(db.session, initiative, clock.now())), status


@bp.route("/<int:initiative_id>")
@role_required(ROLE_ORGANISER)
def initiative(initiative_id: int):
    return _detail(svc.get_initiative(db.session, initiative_id))


@bp.route("/<int:initiative_id>/phan-cong", methods=["POST"])
@role_required(ROLE_ORGANISER)
def assign(initiative_id: int):
    item = svc.get_initiative(db.session, initiative_id)
    form = AssignForm(prefix="assign")
    form.judge_id.choices = [(j.id, j.full_name) for j in judging.judges(db.session)]
    if not form.validate_on_submit():
        form.judge_id.errors = [_("Hãy chọn một giám khảo.")]
        return _detail(item, assign_form=form, status=422)
    try:
        judging.assign_judge(db.session, current_user.id, item, form.judge_id.data, clock.now())
    except DomainError as err:
        db.session.rollback()
        if err.code == "validation_failed":
            form.judge_id.errors = [_("Chỉ phân công giám khảo cho sáng kiến đã nộp.")]
        else:
            form.judge_id.errors = [str(ERRORS[err.code][1])]
        return _detail(item, assign_form=form, status=ERRORS[err.code][0])
    db.session.commit()
    notifications.run_after_commit(notifications.notify_judge_assignments, item.call_id)
    flash(_("Đã phân công giám khảo."), "success")
    return redirect(url_for(".initiative", initiative_id=item.id))


@bp.route("/<int:initiative_id>/phan-cong/<int:judge_id>/xoa", methods=["POST"])
@role_required(ROLE_ORGANISER)
def unassign(initiative_id: int, judge_id: int):
    item = svc.get_initiative(db.session, initiative_id)
    judging.unassign_judge(db.session, current_user.id, item, judge_id)
    db.session.commit()
    flash(_("Đã bỏ phân công giám khảo."), "success")
    return redirect(url_for(".initiative", initiative_id=item.id))


@bp.route("/<int:initiative_id>/an-danh", methods=["POST"])
@role_required(ROLE_ORGANISER)
def redact(initiative_id: int):
    """Save the organiser's version of the texts judges see (names of the author, their unit
    or place removed); the author's text stays as written."""
    item = svc.get_initiative(db.session, initiative_id)
    form = RedactionForm(prefix="redact")
    if not form.validate_on_submit():
        return _detail(item, redaction_form=form, status=422)
    svc.redact(db.session, current_user.id, item, form.texts(), clock.now())
    db.session.commit()
    flash(_("Đã lưu nội dung hiển thị cho giám khảo."), "success")
    return redirect(url_for(".initiative", initiative_id=item.id))


@bp.route("/<int:initiative_id>/quyet-dinh", methods=["POST"])
@role_required(ROLE_ORGANISER)
def decide(initiative_id: int):
    item = svc.get_initiative(db.session, initiative_id)
    form = DecisionForm(prefix="decision")
    if not form.validate_on_submit():
        return _detail(item, decision_form=form, status=422)
    judging.decide(db.session, current_user.id, item, form.decision.data, form.award.data or None,
                   form.note.data or "", clock.now())
    db.session.commit()
    flash(_("Đã ghi quyết định."), "success")
    return redirect(url_for(".table", call_id=item.call_id))


@bp.route("/<int:initiative_id>/giam-khao-them", methods=["POST"])
@role_required(ROLE_ORGANISER)
def extra_judge(initiative_id: int):
    """One click: give a submission whose judges differ by more than the call's gap another
    judge, not conflicted and with the fewest assignments."""
    item = svc.get_initiative(db.session, initiative_id)
    try:
        judge = judging.assign_extra_judge(db.session, current_user.id, item, clock.now())
    except DomainError as err:
        db.session.rollback()
        if err.code == "initiative_not_enough_judges":
            flash(_("Không còn giám khảo nào chấm được sáng kiến này (không xung đột lợi ích, "
                    "chưa được phân công). Hãy thêm giám khảo."), "danger")
        else:
            flash(str(ERRORS[err.code][1]), "danger")
        return _table(item.call, PublishForm(), ERRORS[err.code][0])
    db.session.commit()
    flash(_("Đã mời thêm giám khảo %(name)s chấm sáng kiến số %(n)s.", name=judge.full_name,
            n=item.id), "success")
    return redirect(url_for(".table", call_id=item.call_id))


@bp.route("/<int:initiative_id>/xung-dot", methods=["POST"])
@role_required(ROLE_ORGANISER)
def set_conflict(initiative_id: int):
    """Record a judge's conflict with a submission (the judge is taken off it)."""
    item = svc.get_initiative(db.session, initiative_id)
    form = OrganiserConflictForm(prefix="conflict")
    form.judge_id.choices = [(j.id, j.full_name) for j in judging.judges(db.session)]
    if not form.validate_on_submit():
        if form.judge_id.errors:
            form.judge_id.errors = [_("Hãy chọn một giám khảo.")]
        return _detail(item, conflict_form=form, status=422)
    try:
        judging.set_conflict(db.session, current_user.id, item, form.judge_id.data,
                             form.kind.data, form.reason.data or "", clock.now())
    except DomainError as err:
        db.session.rollback()
        flash(str(ERRORS[err.code][1]), "danger")
        return _detail(item, conflict_form=form, status=ERRORS[err.code][0])
    db.session.commit()
    flash(_("Đã ghi xung đột lợi ích; giám khảo không còn chấm sáng kiến này."), "success")
    return redirect(url_for(".initiative", initiative_id=item.id))
