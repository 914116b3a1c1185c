"""Judge pages (blind): the work list, a submission without any author detail, the rubric form,
other judges' reviews when the call allows (by default after the review deadline), and declaring
a conflict of interest. Attachments are downloaded through `initiatives.download`, which gives
judges only the copy without the author's metadata.

Templates here only ever receive `judging.BlindInitiative` values, never an `Initiative`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_JUDGE
from ..domain import DomainError
from ..errors import ERRORS
from ..extensions import db
from ..security import role_required
from . import finals, judging
from .forms import ConflictForm, review_form_class

bp = Blueprint("judging", __name__, url_prefix="/giam-khao")


@bp.route("/")
@role_required(ROLE_JUDGE)
def worklist():
    items = judging.worklist(db.session, current_user.id)
    done = sum(1 for i in items if i.reviewed)
    return render_template("initiatives/judge_list.html", items=items, done=done,
                           total=len(items),
                           finals=finals.finals_for_judge(db.session, current_user.id))


@bp.route("/sang-kien/<int:initiative_id>", methods=["GET", "POST"])
@role_required(ROLE_JUDGE)
def review(initiative_id: int):
    initiative = judging.assigned_initiative(db.session, initiative_id, current_user.id)
    criteria = list(initiative.call.criteria)
    own = judging.own_review(db.session, initiative.id, current_user.id)
    form = review_form_class(criteria, initiative.call.in_points)()
    if request.method == "GET" and own is not None:
        for c in criteria:
            getattr(form, f"c{c.id}").data = own.scores.get(str(c.id))
        form.comment.data = own.comment
    status = 200
    if form.validate_on_submit():
        scores = {c.id: getattr(form, f"c{c.id}").data for c in criteria}
        try:
            judging.save_review(db.session, current_user.id, initiative, scores,
                                form.comment.data, clock.now())
        except DomainError as err:
            db.session.rollback()
            if err.code == "not_found":
                raise
            flash(str(ERRORS[err.code][1]), "danger")
            status = ERRORS[err.code][0]
        else:
            db.session.commit()
            flash(_("Đã gửi phiếu chấm."), "success")
            return redirect(url_for(".review", initiative_id=initiative.id))
    elif request.method == "POST":
        status = 422
    return _page(initiative, form, ConflictForm(prefix="coi"), status)


def _page(initiative, form, conflict_form, status: int):
    now = clock.now()
    own = judging.own_review(db.session, initiative.id, current_user.id)
    visible = judging.cojudges_visible(db.session, initiative, current_user.id, now)
    others = judging.other_reviews(db.session, initiative, current_user.id, now)
    return render_template(
        "initiatives/judge_review.html", item=judging.blind_view(initiative), form=form,
        criteria=list(initiative.call.criteria), own=own, others=others,
        item_in_points=initiative.call.in_points, total_max=initiative.call.total_max,
        others_visible=visible, visibility=initiative.call.cojudge_visibility,
        conflict_form=conflict_form, now=now), status


@bp.route("/sang-kien/<int:initiative_id>/xung-dot", methods=["POST"])
@role_required(ROLE_JUDGE)
def conflict(initiative_id: int):
    initiative = judging.assigned_initiative(db.session, initiative_id, current_user.id)
    form = ConflictForm(prefix="coi")
    if not form.validate_on_submit():
        return _page(initiative, review_form_class(initiative.call.criteria,
                                                   initiative.call.in_points)(formdata=None),
                     form, 422)
    judging.declare_conflict(db.session, current_user.id, initiative, form.reason.data,
                             clock.now(), kind=form.kind.data)
    db.session.commit()
    flash(_("Đã ghi nhận xung đột lợi ích; sáng kiến được trả lại ban tổ chức để phân công "
            "giám khảo khác."), "info")
    return redirect(url_for(".worklist"))
