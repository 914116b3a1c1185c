"""`flask rankings ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..caching import invalidate_public_pages
from ..domain import DomainError
from ..errors import ERRORS
from ..extensions import db
from ..quiz.models import Round
from . import services

rankings_cli = AppGroup("rankings", help="Công bố bảng xếp hạng.")


@rankings_cli.command("publish", help="Công bố (chốt) bảng xếp hạng của vòng ROUND_ID.")
@click.argument("round_id", type=int)
def publish(round_id: int) -> None:
    """Publish (freeze) the ranking of ROUND_ID, as the organiser's button does."""
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise click.ClickException(f"Không có vòng thi {round_id}.")
    try:
        snapshots = services.publish_round(db.session, None, rnd, clock.now())
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(ERRORS.get(err.code, (0, err.code))[1])) from err
    db.session.commit()
    invalidate_public_pages()
    for s in snapshots:
        click.echo(f"Đã công bố vòng {round_id}, phiên bản {s.version}: {s.entry_count} người.")
    from ..notifications import services as notifications

    sent = notifications.run_after_commit(notifications.notify_round_published, round_id)
    click.echo(f"Đã gửi {sent} thư báo kết quả.")
