"""`flask initiatives ...`: make the judges' copies of attachments stored before copies
existed (otherwise each is made on a judge's first download)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db

initiatives_cli = AppGroup("initiatives", help="Sáng kiến: tệp đính kèm.")


@initiatives_cli.command("judge-copies",
                         help="Tạo bản ẩn danh cho giám khảo của các tệp đính kèm còn thiếu.")
def judge_copies() -> None:
    """Make the missing judges' copies (without author metadata) of stored attachments."""
    from . import files as filestore
    from . import services as svc

    made, failed = svc.make_missing_judge_copies(
        db.session, filestore.upload_dir(current_app.instance_path))
    db.session.commit()
    click.echo(f"Đã tạo {made} bản ẩn danh cho giám khảo.")
    if failed:
        click.echo("Không tạo được bản ẩn danh (giám khảo sẽ không tải được) cho tệp số: "
                   + ", ".join(str(i) for i in failed))
