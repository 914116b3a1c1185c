"""`flask certificates ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..domain import NotFound
from . import services

certificates_cli = AppGroup("certificates", help="Issue participation and prize certificates.")


@certificates_cli.command("generate")
@click.argument("round_id", type=int)
@click.option("--base-url", default=None,
              help="Địa chỉ trang (mặc định PUBLIC_BASE_URL) in trong mã QR xác minh.")
def generate(round_id: int, base_url: str | None) -> None:
    """Issue every certificate ROUND_ID gives (idempotent) and make their PDFs."""
    try:
        report = services.generate_round_certificates(round_id, base_url)
    except NotFound as err:
        raise click.ClickException(f"Không có vòng thi {round_id}.") from err
    click.echo(f"Vòng {round_id}: {report.issued} giấy chứng nhận ({report.created} giấy mới), "
               f"{report.rendered} tệp PDF đã tạo, {report.refused} người chưa đủ điều kiện.")
    if not report.rendered and report.issued:
        click.echo("Chưa có PUBLIC_BASE_URL hay --base-url: tệp PDF sẽ được tạo khi tải về.")
