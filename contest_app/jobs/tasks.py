"""The job kinds. Each is safe to run again: it either commits one complete result or
nothing, and work that must happen once (closing an attempt) locks what it changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..caching import invalidate_public_pages
from . import JobContext, job_kind, output_dir


@job_kind("close_overdue", _l("Đóng các bài thi quá hạn"))
def close_overdue(ctx: JobContext) -> dict[str, Any]:
    from ..quiz import services

    report = services.close_overdue(ctx.session, clock.now(),
                                    current_app.config["ANSWER_GRACE_SECONDS"])
    return {"closed": len(report.closed), "failed": report.failed}


def _published(snapshots: list) -> list[dict[str, Any]]:
    return [{"id": s.id, "version": s.version, "board_id": s.board_id,
             "entries": s.entry_count} for s in snapshots]


@job_kind("publish_round", _l("Công bố bảng xếp hạng vòng thi"))
def publish_round(ctx: JobContext, round_id: int, actor_id: int | None = None
                  ) -> dict[str, Any]:
    from ..domain import NotFound
    from ..quiz.models import Round
    from ..rankings import services

    rnd = ctx.session.get(Round, round_id)
    if rnd is None:
        raise NotFound()
    snapshots = services.publish_round(ctx.session, actor_id, rnd, clock.now())
    ctx.session.commit()
    invalidate_public_pages()
    from ..notifications import services as notifications

    # Results to every participant, the prize to winners: its own job (a mail failure never
    # undoes the publication).
    notifications.run_after_commit(notifications.notify_round_published, round_id)
    return {"round_id": round_id,
            "snapshots": _published(snapshots)}


@job_kind("publish_contest", _l("Công bố bảng xếp hạng toàn cuộc thi"))
def publish_contest(ctx: JobContext, contest_id: int, actor_id: int | None = None
                    ) -> dict[str, Any]:
    from ..domain import NotFound
    from ..quiz.models import Contest
    from ..rankings import services

    contest = ctx.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound()
    snapshots = services.publish_contest(ctx.session, actor_id, contest, clock.now())
    ctx.session.commit()
    invalidate_public_pages()
    from ..notifications import services as notifications

    notifications.run_after_commit(notifications.notify_contest_winners, contest_id)
    return {"contest_id": contest_id,
            "snapshots": _published(snapshots)}


@job_kind("backup", _l("Sao lưu cơ sở dữ liệu"))
def backup(ctx: JobContext, actor_id: int | None = None) -> dict[str, Any]:
    from ..backup import create_backup, default_name
    from ..organiser.models import record

    url = ctx.session.get_bind().url.render_as_string(hide_password=False)
    folder = Path(current_app.config.get("BACKUP_DIR")
                  or Path(current_app.instance_path) / "backups")
    result = create_backup(url, folder / default_name(url, clock.now()))
    record(actor_id, "backup.create", "Database", after={
        "file": str(result.path), "size": result.size, "dialect": result.dialect})
    ctx.session.commit()
    return {"file": result.path.name, "size": result.size}


@job_kind("export_ranking", _l("Xuất bảng xếp hạng"))
def export_ranking(ctx: JobContext, round_id: int, what: str, fmt: str,
                   board_id: int | None = None) -> dict[str, Any]:
    """The published ranking of a round (individuals or units) as CSV or XLSX, written to the
    job's folder; the job page offers the download."""
    from zoneinfo import ZoneInfo

    from ..domain import NotFound
    from ..quiz.models import Round
    from ..rankings import exports, services

    rnd = ctx.session.get(Round, round_id)
    if rnd is None or what not in ("ca-nhan", "don-vi") or fmt not in ("csv", "xlsx"):
        raise NotFound()
    snapshot = services.current_snapshot(ctx.session, rnd.contest_id, rnd.id, board_id)
    tz = ZoneInfo(current_app.config["CONTEST_TIMEZONE"])
    if what == "ca-nhan":
        header, rows = exports.RANKING_HEADER, exports.ranking_rows(ctx.session, snapshot, tz)
    else:
        header, rows = exports.UNIT_HEADER, exports.unit_rows(ctx.session, snapshot)
    data = exports.to_csv(header, rows) if fmt == "csv" else exports.to_xlsx(what, header, rows)
    name = f"xep-hang-{what}-vong-{rnd.id}-v{snapshot.version}.{fmt}"
    (output_dir(ctx.job_id) / name).write_bytes(data)
    return {"file": name, "size": len(data), "round_id": round_id}


# The senders a "notify" job may call (by name: job parameters are JSON).
NOTIFY_SENDERS = ("notify_registration", "notify_round_published", "notify_results_published",
                  "notify_winners", "notify_contest_winners", "notify_judge_assignments")


@job_kind("notify", _l("Gửi thông báo qua e-mail"))
def notify(ctx: JobContext, sender: str, args: list) -> dict[str, Any]:
    from ..notifications import services as notifications

    if sender not in NOTIFY_SENDERS:
        raise LookupError(sender)
    return {"sent": getattr(notifications, sender)(*args)}


@job_kind("notify_due", _l("Gửi thông báo đến hạn (vòng thi mở)"))
def notify_due(ctx: JobContext) -> dict[str, Any]:
    from ..notifications import services as notifications

    return {"sent": notifications.send_due()}


@job_kind("certificates_round", _l("Cấp giấy chứng nhận cho vòng thi"))
def certificates_round(ctx: JobContext, round_id: int, base_url: str | None = None,
                       actor_id: int | None = None) -> dict[str, Any]:
    """Issue every certificate a round gives and make their PDFs (idempotent)."""
    from ..certificates import services
    from ..organiser.models import record
    from ..quiz.models import Round

    report = services.generate_round_certificates(round_id, base_url)
    rnd = ctx.session.get(Round, round_id)
    record(actor_id, "certificate.generate", rnd, None,
           {"issued": report.issued, "created": report.created})
    ctx.session.commit()
    return {"issued": report.issued, "created": report.created, "round_id": round_id,
            "contest_id": rnd.contest_id if rnd else None}
