"""The final round's pages: the organiser's settings, promotion preview and combined results;
the secretary's page per team with the presentation timer; the judges' tablet pages to score
a team live. The timer is always the server's: pages get its start time and the server's now,
and poll the state while a presentation runs."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.models import ROLE_JUDGE, ROLE_ORGANISER
from ..domain import DomainError
from ..errors import ERRORS
from ..extensions import db
from ..security import role_required
from . import finals, judging, scoring
from . import services as svc
from .forms import FinalForm, PromoteForm, TimerForm, final_score_form_class

bp = Blueprint("initiatives_final", __name__)

ADMIN = "/ban-to-chuc/sang-kien"


def _judge_choices(form: FinalForm) -> None:
    form.judge_ids.choices = [(j.id, f"{j.full_name} ({j.unit.name if j.unit else '—'})")
                              for j in judging.judges(db.session)]


def _fill(form: FinalForm, final) -> None:
    rows = ([finals._spec(c) for c in final.criteria] if final
            else finals.default_final_criteria())
    if final is None:
        form.scoring.data = scoring.POINTS
    for entry, spec in zip(form.criteria, rows, strict=False):
        entry.form.name.data, entry.form.description.data = spec.name, spec.description
        entry.form.weight.data, entry.form.scale.data = spec.weight, spec.scale
        entry.form.max_points.data = spec.max_points
        entry.form.bands.data = scoring.bands_text(spec.bands)


@bp.route(f"{ADMIN}/dot/<int:call_id>/chung-khao", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def settings(call_id: int):
    call = svc.get_call(db.session, call_id)
    final = finals.final_of(db.session, call)
    form = FinalForm(obj=final)
    _judge_choices(form)
    if request.method == "GET":
        _fill(form, final)
        if final is None:
            form.title.data = _("Chung khảo: %(t)s", t=call.title)[:255]
    if form.validate_on_submit():
        data = finals.FinalData(
            form.title.data.strip(), form.presentation_minutes.data, form.questions_minutes.data,
            form.preliminary_weight.data, form.final_weight.data, form.criteria_data(),
            list(form.judge_ids.data), form.scoring.data)
        try:
            final = finals.save_final(db.session, current_user.id, call, final, data)
        except DomainError as err:
            db.session.rollback()
            flash(str(ERRORS[err.code][1]), "danger")
            final = finals.final_of(db.session, call)
        else:
            db.session.commit()
            flash(_("Đã lưu vòng chung khảo."), "success")
            if finals.panel_conflicts(db.session, final):
                flash(_("Có giám khảo xung đột lợi ích với đội thi; họ sẽ không thấy và không "
                        "chấm đội đó (xem danh sách bên dưới)."), "warning")
            return redirect(url_for(".settings", call_id=call.id))
    status = 422 if request.method == "POST" else 200
    result = finals.results(db.session, final) if final else []
    conflicts = finals.panel_conflicts(db.session, final) if final else []
    return render_template("initiatives/admin_final.html", call=call, final=final, form=form,
                           results=result, conflicts=conflicts,
                           locked=final is not None and finals.has_scores(db.session, final)
                           ), status


@bp.route(f"{ADMIN}/dot/<int:call_id>/chung-khao/chon", methods=["GET", "POST"])
@role_required(ROLE_ORGANISER)
def promote(call_id: int):
    """Preview the promotion (GET, the rule in the query string) and promote (POST, the same
    rule confirmed)."""
    call = svc.get_call(db.session, call_id)
    final = finals.final_of(db.session, call)
    if final is None:
        flash(_("Hãy thiết lập vòng chung khảo (tiêu chí, giám khảo) trước khi chọn sáng kiến."),
              "warning")
        return redirect(url_for(".settings", call_id=call.id))
    posted = request.method == "POST"
    form = PromoteForm() if posted else PromoteForm(request.args, meta={"csrf": False})
    if posted and form.validate():
        made = finals.promote(db.session, current_user.id, call, final, *_rule(form),
                              clock.now())
        db.session.commit()
        flash(_("Đã đưa %(n)s sáng kiến vào vòng chung khảo.", n=made) if made
              else _("Không có sáng kiến mới nào được đưa vào vòng chung khảo."), "success")
        return redirect(url_for(".settings", call_id=call.id))
    if not posted:
        form.validate()
        form.confirm.errors = []  # confirming is for the POST only
        if not request.args:
            form.mode.errors, form.value.errors = [], []
    candidates = []
    if not (form.mode.errors or form.value.errors) and form.value.data is not None:
        candidates = finals.preview(db.session, call, final, *_rule(form))
    return render_template("initiatives/admin_final_preview.html", call=call, final=final,
                           form=form, candidates=candidates,
                           chosen=sum(1 for c in candidates if c.selected)), (
        422 if posted else 200)


def _rule(form: PromoteForm) -> tuple[str, float]:
    return form.mode.data, float(form.value.data)


def _finalist_for_organiser(finalist_id: int):
    return finals.get_finalist(db.session, finalist_id)


@bp.route(f"{ADMIN}/chung-khao/doi/<int:finalist_id>")
@role_required(ROLE_ORGANISER)
def team(finalist_id: int):
    """The secretary's page for a team: the timer with start/pause/reset, the panel's
    scores as they arrive."""
    finalist = _finalist_for_organiser(finalist_id)
    final = finalist.final
    scores = finals.team_scores(db.session, finalist)
    panel = finals.panel(db.session, final)
    return render_template("initiatives/final_team.html", finalist=finalist, final=final,
                           timer=finals.timer_state(finalist, clock.now()),
                           scores=scores, panel=panel,
                           barred=finals.final_conflicts(db.session, final).get(finalist.id, {}))


@bp.route(f"{ADMIN}/chung-khao/doi/<int:finalist_id>/dong-ho", methods=["POST"])
@role_required(ROLE_ORGANISER)
def timer(finalist_id: int):
    finalist = _finalist_for_organiser(finalist_id)
    form = TimerForm()
    if not form.validate_on_submit() or form.action.data not in (
            finals.START, finals.PAUSE, finals.RESET):
        flash(_("Thao tác đồng hồ không hợp lệ."), "danger")
        return redirect(url_for(".team", finalist_id=finalist.id)), 303
    finals.run_timer(db.session, current_user.id, finalist, form.action.data, clock.now())
    db.session.commit()
    return redirect(url_for(".team", finalist_id=finalist.id))


@bp.route("/chung-khao/doi/<int:finalist_id>/dong-ho.json")
@role_required(ROLE_ORGANISER, ROLE_JUDGE)
def timer_json(finalist_id: int):
    finalist = finals.get_finalist(db.session, finalist_id)
    if not current_user.has_role(ROLE_ORGANISER):
        finals.ensure_panel(finalist.final, current_user.id)
        finals.ensure_not_conflicted(db.session, finalist, current_user.id)
    response = jsonify(finals.timer_state(finalist, clock.now()))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Judges' tablet pages -------------------------------------------------------------------


@bp.route("/giam-khao/chung-khao/<int:final_id>")
@role_required(ROLE_JUDGE)
def judge_teams(final_id: int):
    final = finals.get_final(db.session, final_id)
    finals.ensure_panel(final, current_user.id)
    teams = finals.visible_finalists(db.session, final, current_user.id)
    done = {f.id for f in teams
            if finals.own_score(db.session, f, current_user.id) is not None}
    return render_template("initiatives/judge_final_list.html", final=final, teams=teams,
                           done=done)


@bp.route("/giam-khao/chung-khao/doi/<int:finalist_id>", methods=["GET", "POST"])
@role_required(ROLE_JUDGE)
def judge_score(finalist_id: int):
    finalist = finals.get_finalist(db.session, finalist_id)
    final = finalist.final
    finals.ensure_panel(final, current_user.id)
    finals.ensure_not_conflicted(db.session, finalist, current_user.id)
    criteria = list(final.criteria)
    own = finals.own_score(db.session, finalist, current_user.id)
    form = final_score_form_class(criteria, final.in_points)()
    if request.method == "GET" and own is not None:
        for c in criteria:
            getattr(form, f"c{c.id}").data = own.scores.get(str(c.id))
        form.comment.data = own.comment
    status = 200
    if form.validate_on_submit():
        scores = {c.id: getattr(form, f"c{c.id}").data for c in criteria}
        try:
            finals.save_score(db.session, current_user.id, finalist, scores,
                              form.comment.data or "", clock.now())
        except DomainError as err:
            db.session.rollback()
            if err.code == "not_found":
                raise
            flash(str(ERRORS[err.code][1]), "danger")
            status = ERRORS[err.code][0]
        else:
            db.session.commit()
            flash(_("Đã lưu điểm chung khảo của đội."), "success")
            return redirect(url_for(".judge_score", finalist_id=finalist.id))
    elif request.method == "POST":
        status = 422
    return render_template("initiatives/judge_final_score.html", finalist=finalist, final=final,
                           criteria=criteria, form=form, own=own,
                           timer=finals.timer_state(finalist, clock.now())), status

