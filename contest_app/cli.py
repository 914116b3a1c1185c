"""`flask` commands grouped by domain: users, demo (bank, attempts and rankings join later)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .domain import ValidationFailed
from .extensions import db

users_cli = AppGroup("users", help="Quản lý tài khoản.")


@users_cli.command("create-organiser", help="Tạo tài khoản ban tổ chức đầu tiên.")
@click.option("--email", prompt="Email")
@click.option("--name", "full_name", prompt="Họ và tên")
@click.option("--phone", prompt="Số điện thoại")
@click.password_option("--password", prompt="Mật khẩu")
def create_organiser(email: str, full_name: str, phone: str, password: str) -> None:
    """Create an account with the organiser role (the first organiser)."""
    from .accounts.services import MIN_PASSWORD, create_user

    if len(password) < MIN_PASSWORD:
        raise click.ClickException("Mật khẩu phải có ít nhất 8 ký tự.")
    try:
        user = create_user(db.session, email=email, full_name=full_name, phone=phone,
                           password=password, roles={"organiser"})
    except ValidationFailed as err:
        db.session.rollback()
        raise click.ClickException("; ".join(str(m) for m in err.fields.values())) from err
    db.session.commit()
    click.echo(f"Đã tạo tài khoản ban tổ chức: {user.email}")


def _user_by_email(email: str):
    from sqlalchemy import select

    from .accounts.models import User
    from .accounts.rules import normalise_email

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"Không có tài khoản với email {email}.")
    return user


@users_cli.command("deactivate",
                   help="Khóa tài khoản: mọi phiên đăng nhập và mã truy cập API kết thúc ngay.")
@click.argument("email")
@click.option("--reason", default=None, help="Lý do, ghi vào nhật ký.")
def deactivate(email: str, reason: str | None) -> None:
    """Lock an account: its sessions and API tokens end at once."""
    from .accounts.services import deactivate_user

    user = _user_by_email(email)
    deactivate_user(db.session, None, user, reason)
    db.session.commit()
    click.echo(f"Đã khóa tài khoản {user.email}; mọi phiên đăng nhập đã kết thúc.")


@users_cli.command("reactivate", help="Mở khóa tài khoản.")
@click.argument("email")
@click.option("--reason", default=None, help="Lý do, ghi vào nhật ký.")
def reactivate(email: str, reason: str | None) -> None:
    """Unlock an account."""
    from .accounts.services import reactivate_user

    user = _user_by_email(email)
    reactivate_user(db.session, None, user, reason)
    db.session.commit()
    click.echo(f"Đã mở khóa tài khoản {user.email}.")


@click.command("demo",
               help="Nạp dữ liệu mẫu (đơn vị, tài khoản, cuộc thi; chạy lại không tạo trùng) và "
                    "in các tài khoản đăng nhập.")
@with_appcontext
def demo_command() -> None:
    """Load demo units, accounts and contest (idempotent) and print the demo logins."""
    from .demo import load_demo

    notes: list[str] = []
    logins = load_demo(db.session, notes)
    db.session.commit()
    for note in notes:
        click.echo(note)
    click.echo("Dữ liệu mẫu đã sẵn sàng. Tài khoản đăng nhập:")
    for email, password, roles in logins:
        click.echo(f"  {email:<22} {password}   ({roles})")


keys_cli = AppGroup("keys", help="Khóa bí mật cho môi trường chạy thật.")


@keys_cli.command("generate", with_appcontext=False,
                  help="In SECRET_KEY và DATA_KEY mới dưới dạng biến môi trường.")
def generate_keys_command() -> None:
    """Print a fresh SECRET_KEY and DATA_KEY as environment lines."""
    from .config import generate_keys

    for name, value in generate_keys().items():
        click.echo(f"{name}={value}")
    click.echo("# Chỉ đặt DATA_KEY một lần khi cài đặt: đổi DATA_KEY thì không đọc được số CCCD "
               "đã lưu. Đổi SECRET_KEY làm mọi người phải đăng nhập lại.", err=True)


def register_cli(app: Flask) -> None:
    from .backup import _cli as backup_cli
    from .bank.cli import bank_cli
    from .certificates.cli import certificates_cli
    from .initiatives.cli import initiatives_cli
    from .jobs.cli import jobs_cli
    from .notifications.cli import notify_cli
    from .quiz.cli import attempts_cli, rounds_cli
    from .rankings.cli import rankings_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(rounds_cli)
    app.cli.add_command(rankings_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(bank_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(initiatives_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(backup_cli())
    app.cli.add_command(jobs_cli)
