"""`flask notify due`: send what time has made due (rounds that opened)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="E-mail notifications.")


@notify_cli.command("due")
def due() -> None:
    """Send the notifications that are due now (idempotent: run it every few minutes)."""
    from . import services
    from .rules import ROUND_OPENED

    sent = services.send_due()
    click.echo(f"Đã gửi {sent[ROUND_OPENED]} thư báo vòng thi đã mở.")
