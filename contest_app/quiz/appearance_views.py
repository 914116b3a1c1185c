"""A contest's look: the organiser's colours and banner (a form on the settings page), and the
public per-contest stylesheet and banner image. The CSP allows no inline style, so colours
reach pages as a stylesheet of CSS custom properties served from this site."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import ROLE_ORGANISER
from ..domain import NotFound, ValidationFailed
from ..extensions import db
from ..security import role_required
from . import appearance
from . import services as quiz
from .admin_views import _settings_page
from .forms import AppearanceForm, BoardForm, ContestSettingsForm

bp = Blueprint("appearance", __name__)


def _visible_contest(contest_id: int):
    """Published contests for everyone; organisers also see a draft's look (settings preview)."""
    staff = current_user.is_authenticated and current_user.has_role(ROLE_ORGANISER)
    return quiz.get_contest(db.session, contest_id, include_unpublished=staff)


@bp.route("/ban-to-chuc/cuoc-thi/<int:contest_id>/giao-dien", methods=["POST"])
@role_required(ROLE_ORGANISER)
def save(contest_id: int):
    contest = quiz.get_contest(db.session, contest_id, include_unpublished=True)
    form = AppearanceForm(prefix="look")
    settings_form = ContestSettingsForm(formdata=None, obj=contest)
    if not form.validate_on_submit():
        return _settings_page(contest, settings_form, BoardForm(prefix="board"), 422, form)
    upload = request.files.get(form.banner.name)
    banner = None
    if upload is not None and upload.filename:
        banner = upload.stream.read(appearance.max_banner_bytes() + 1)
    try:
        saved = appearance.save_appearance(
            db.session, current_user.id, contest, form.primary.data, form.accent.data, banner,
            bool(form.remove_banner.data))
    except ValidationFailed as err:
        db.session.rollback()
        for name, message in err.fields.items():
            getattr(form, name).errors = [str(message)]
        status = 413 if banner is not None and len(banner) > appearance.max_banner_bytes() \
            else 422
        return _settings_page(contest, settings_form, BoardForm(prefix="board"), status, form)
    db.session.commit()
    if saved.old_banner is not None:
        saved.old_banner.unlink(missing_ok=True)
    flash(_("Đã lưu giao diện của cuộc thi."), "success")
    return redirect(url_for("quiz_admin.settings", contest_id=contest.id) + "#giao-dien")


@bp.route("/cuoc-thi/<int:contest_id>/giao-dien.css")
def stylesheet(contest_id: int):
    contest = _visible_contest(contest_id)
    css = render_template("quiz/theme.css", v=appearance.theme_values(contest))
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"  # the URL carries a version
    return response


@bp.route("/cuoc-thi/<int:contest_id>/anh-bia")
def banner(contest_id: int):
    contest = _visible_contest(contest_id)
    path = appearance.banner_path(contest)
    if path is None or not path.is_file():
        raise NotFound()
    response = Response(path.read_bytes(), mimetype="image/webp")
    response.headers["Cache-Control"] = "public, max-age=86400"  # the URL carries a version
    return response


@bp.app_template_global("contest_theme_version")
def contest_theme_version(contest) -> str:  # noqa: ANN001  (a Contest)
    return appearance.theme_version(contest)
