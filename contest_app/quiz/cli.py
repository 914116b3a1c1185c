"""`flask attempts ...` and `flask rounds ...` commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..domain import DomainError
from ..extensions import db
from . import services

attempts_cli = AppGroup("attempts", help="Quản lý bài làm.")
rounds_cli = AppGroup("rounds", help="Quản lý vòng thi.")


@attempts_cli.command("close-overdue", help="Đóng và chấm mọi bài làm quá hạn còn mở.")
def close_overdue() -> None:
    """Close and score every attempt left open past its deadline, each in its own
    transaction; an attempt that cannot be closed is logged, skipped and counted."""
    report = services.close_overdue(db.session, clock.now(),
                                    current_app.config["ANSWER_GRACE_SECONDS"])
    click.echo(f"Đã đóng {len(report.closed)} bài thi quá hạn.")
    if report.failed:
        ids = ", ".join(str(i) for i in report.failed)
        click.echo(f"Không đóng được {len(report.failed)} bài thi (mã: {ids}); "
                   "xem nhật ký lỗi.", err=True)


@rounds_cli.command("close",
                    help="Kết thúc vòng thi ngay: đóng và chấm mọi bài đang làm, ghi nhật ký.")
@click.argument("round_id", type=int)
@click.option("--reason", default="", help="Lý do kết thúc sớm (ghi vào nhật ký).")
def close_round(round_id: int, reason: str) -> None:
    """End a round now: closing time set to now, every attempt in progress closed and scored,
    audited, in one transaction."""
    from . import admin
    from .models import Round

    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise click.ClickException(f"Không có vòng thi mã {round_id}.")
    try:
        closed = admin.close_round_now(db.session, None, rnd, clock.now(), reason or None)
    except DomainError as err:
        db.session.rollback()
        message = "; ".join(str(m) for m in err.fields.values()) or err.code
        raise click.ClickException(message) from err
    db.session.commit()
    click.echo(f"Đã kết thúc vòng thi {rnd.id}; đã đóng và chấm {len(closed)} bài thi "
               "đang làm.")
