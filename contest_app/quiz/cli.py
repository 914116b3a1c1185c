"""`flask attempts ...` commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..extensions import db
from . import services

attempts_cli = AppGroup("attempts", help="Manage quiz attempts.")


@attempts_cli.command("close-overdue")
def close_overdue() -> None:
    """Close and score every attempt left open past its deadline."""
    count = services.close_overdue(db.session, clock.now(),
                                   current_app.config["ANSWER_GRACE_SECONDS"])
    db.session.commit()
    click.echo(f"Đã đóng {count} bài thi quá hạn.")
