"""The organiser's view of a background job: progress while it runs, the result after."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.models import ROLE_ORGANISER
from ..extensions import db
from ..security import role_required
from . import KINDS, output_dir, submit
from .models import DONE, FAILED, QUEUED, RUNNING, BackgroundJob

bp = Blueprint("jobs", __name__, url_prefix="/ban-to-chuc/cong-viec")

STATUS_LABELS = {QUEUED: _l("Đang chờ"), RUNNING: _l("Đang chạy"), DONE: _l("Đã xong"),
                 FAILED: _l("Không thành công")}


def result_url(job: BackgroundJob) -> str | None:
    """Where the organiser sees what a finished job made."""
    if job.status != DONE:
        return None
    if (job.result or {}).get("file"):
        return url_for("jobs.download", job_id=job.id)
    if job.kind == "publish_round":
        return url_for("rankings.round_ranking", round_id=job.params["round_id"])
    if job.kind == "publish_contest":
        return url_for("rankings_admin.contest_settings", contest_id=job.params["contest_id"])
    return None


def back_url(job: BackgroundJob) -> str:
    if job.kind in ("publish_round", "export_ranking"):
        return url_for("rankings_admin.round_live", round_id=job.params["round_id"])
    if job.kind == "publish_contest":
        return url_for("rankings_admin.contest_settings", contest_id=job.params["contest_id"])
    if job.kind == "certificates_round" and (job.result or {}).get("contest_id"):
        return url_for("certificates.design", contest_id=job.result["contest_id"])
    return url_for("organiser.dashboard")


def as_json(job: BackgroundJob) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status,
            "status_label": str(STATUS_LABELS[job.status]), "progress": job.progress,
            "message": job.message, "error": job.error, "result": job.result,
            "result_url": result_url(job), "finished": job.finished}


def _job(job_id: int) -> BackgroundJob:
    job = db.session.get(BackgroundJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/<int:job_id>")
@role_required(ROLE_ORGANISER)
def show(job_id: int):
    job = _job(job_id)
    kind = KINDS.get(job.kind)
    return render_template("jobs/job.html", job=job, label=kind.label if kind else job.kind,
                           status_label=STATUS_LABELS[job.status], result_url=result_url(job),
                           back_url=back_url(job))


@bp.route("/<int:job_id>.json")
@role_required(ROLE_ORGANISER)
def status(job_id: int):
    response = jsonify(as_json(_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/<int:job_id>/tep")
@role_required(ROLE_ORGANISER)
def download(job_id: int):
    """The file a finished job made (an export), to organisers."""
    job = _job(job_id)
    name = (job.result or {}).get("file") if job.status == DONE else None
    if not name:
        abort(404)
    path = output_dir(job.id) / name
    if path.name != name or not path.is_file():
        abort(404)
    return send_file(path, mimetype=MIMETYPES.get(path.suffix.lstrip("."),
                                                  "application/octet-stream"),
                     as_attachment=True, download_name=name, max_age=0)


@bp.route("/sao-luu", methods=["POST"])
@role_required(ROLE_ORGANISER)
def backup():
    """"Sao lưu ngay": a consistent copy of the database, made by a worker."""
    job = submit("backup", {"actor_id": current_user.id}, created_by=current_user.id,
                 dedupe_key="backup")
    return redirect(url_for(".show", job_id=job.id))
