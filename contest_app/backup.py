"""Consistent backups of the database while the application runs, and restoring them.

SQLite: the online backup API of the standard library (`sqlite3.Connection.backup`), which copies
a consistent snapshot page by page while other connections keep reading and writing.
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by itself) and `pg_restore --clean`
in one transaction. Both need nothing but the standard library and, for PostgreSQL, the client
tools (Debian package `postgresql-client`).

No Flask import: the CLI (`flask --app contest_app backup ...`) passes the database URL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that could not be made; the message is for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    dialect: str


def default_name(database_url: str, at: datetime) -> str:
    """`<database>-YYYYmmdd-HHMMSS.<sqlite3|dump>` in UTC."""
    url = make_url(database_url)
    stem = Path(url.database or "database").stem if url.get_backend_name() == "sqlite" \
        else (url.database or "database")
    suffix = "sqlite3" if url.get_backend_name() == "sqlite" else "dump"
    return f"{stem}-{at.strftime('%Y%m%d-%H%M%S')}.{suffix}"


def _sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if not url.database or url.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(url.database)


def _libpq_url(database_url: str) -> str:
    """The URL pg_dump understands: no "+psycopg" driver suffix."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Không tìm thấy lệnh {name}: hãy cài gói postgresql-client (apt install "
            "postgresql-client) cùng phiên bản với máy chủ PostgreSQL.")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} báo lỗi: {done.stderr.strip()[-2000:]}")


def create_backup(database_url: str, target: Path) -> BackupResult:
    """Write a consistent copy of the database to `target` (its folder is created)."""
    dialect = make_url(database_url).get_backend_name()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    if dialect == "sqlite":
        source_path = _sqlite_path(database_url)
        if not source_path.exists():
            raise BackupError(f"Không tìm thấy tệp cơ sở dữ liệu {source_path}.")
        with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
        source.close()
        copy.close()
    elif dialect == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={partial}", _libpq_url(database_url)])
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {dialect}.")
    partial.replace(target)  # a half-written file never carries the final name
    return BackupResult(target, target.stat().st_size, dialect)


def restore_backup(database_url: str, source: Path) -> None:
    """Put a backup made by `create_backup` back into the database, replacing what it holds."""
    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source}.")
    dialect = make_url(database_url).get_backend_name()
    if dialect == "sqlite":
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
                copy.execute("PRAGMA schema_version").fetchone()
                with sqlite3.connect(_sqlite_path(database_url)) as live:
                    copy.backup(live)
                live.close()
            copy.close()
        except sqlite3.DatabaseError as err:
            raise BackupError(f"Tệp {source} không phải bản sao lưu SQLite: {err}") from err
    elif dialect == "postgresql":
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error",
              f"--dbname={_libpq_url(database_url)}", str(source)])
    else:
        raise BackupError(f"Chưa hỗ trợ khôi phục cơ sở dữ liệu loại {dialect}.")


# --- flask --app contest_app backup ... -------------------------------------------------------

def _cli():  # noqa: ANN202  (built lazily so that importing this module needs no Flask)
    import click
    from flask import current_app
    from flask.cli import AppGroup

    from . import clock
    from .extensions import db
    from .organiser.models import record

    group = AppGroup("backup", help="Sao lưu và khôi phục cơ sở dữ liệu khi ứng dụng đang chạy.")

    def _url() -> str:
        return db.engine.url.render_as_string(hide_password=False)

    @group.command("create", help="Sao lưu nhất quán ra FILE (mặc định: BACKUP_DIR).")
    @click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
    def create_command(file: Path | None) -> None:
        """Write a consistent copy to FILE (default: BACKUP_DIR/<db>-<UTC time>.<ext>)."""
        folder = Path(current_app.config.get("BACKUP_DIR")
                      or Path(current_app.instance_path) / "backups")
        target = file or folder / default_name(_url(), clock.now())
        try:
            result = create_backup(_url(), target)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        record(None, "backup.create", "Database", after={
            "file": str(result.path), "size": result.size, "dialect": result.dialect})
        db.session.commit()
        click.echo(f"Đã sao lưu vào {result.path} ({result.size} byte).")

    @group.command("restore", help="Thay toàn bộ dữ liệu bằng bản sao lưu FILE.")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
    def restore_command(file: Path, yes: bool) -> None:
        """Replace everything the database holds with the backup FILE."""
        if not yes:
            click.confirm(f"Mọi dữ liệu hiện có sẽ được thay bằng bản sao lưu {file}. "
                          "Tiếp tục?", abort=True)
        url = _url()
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold a lock on what is replaced
        try:
            restore_backup(url, file)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        finally:
            db.engine.dispose()
        record(None, "backup.restore", "Database", after={"file": str(file)})
        db.session.commit()
        click.echo(f"Đã khôi phục từ {file}.")

    return group
