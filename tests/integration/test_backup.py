"""`flask backup create` / `backup restore`: a round trip on the database the suite runs on
(SQLite or PostgreSQL), and the organiser's dashboard showing when the last backup was made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest_app.accounts.models import Unit
from contest_app.backup import BackupError, default_name, restore_backup
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent


def _units(app) -> list[str]:
    with app.app_context():
        names = list(db.session.scalars(select(Unit.name).order_by(Unit.name)))
        db.session.remove()
        return names


@pytest.fixture
def needs_tools(app):
    with app.app_context():
        if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
            pytest.skip("pg_dump is not installed")


def test_backup_then_restore_gives_back_the_data(app, make_unit, tmp_path: Path,
                                                 needs_tools) -> None:
    make_unit("Sở Tư pháp")
    make_unit("Sở Y tế")
    runner = app.test_cli_runner()
    target = tmp_path / "sao-luu" / "ban-sao"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu vào" in result.output
    assert target.is_file() and target.stat().st_size > 0
    assert not target.with_name(target.name + ".part").exists()

    make_unit("Sở Xây dựng")  # made after the backup: the restore takes it away
    with app.app_context():
        db.session.execute(Unit.__table__.delete().where(Unit.name == "Sở Y tế"))
        db.session.commit()
    assert _units(app) == ["Sở Tư pháp", "Sở Xây dựng"]

    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _units(app) == ["Sở Tư pháp", "Sở Y tế"]
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-1] == "backup.restore"


def test_restore_asks_before_replacing_and_refuses_a_missing_file(app, make_unit,
                                                                 tmp_path: Path) -> None:
    make_unit("Sở Tư pháp")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "khong-co")], input="n\n")
    assert result.exit_code != 0
    assert _units(app) == ["Sở Tư pháp"]
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "khong-co"), "--yes"])
    assert result.exit_code != 0
    assert "Không tìm thấy tệp sao lưu" in result.output
    assert _units(app) == ["Sở Tư pháp"]


def test_a_file_that_is_not_a_backup_changes_nothing(app, make_unit, tmp_path: Path,
                                                     needs_tools) -> None:
    make_unit("Sở Tư pháp")
    bogus = tmp_path / "rac.bin"
    bogus.write_bytes(b"khong phai ban sao luu" * 100)
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.remove()
        db.engine.dispose()
    with pytest.raises(BackupError):
        restore_backup(url, bogus)
    assert _units(app) == ["Sở Tư pháp"]


def test_default_file_name_carries_the_database_and_the_time() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 12, 3, 7, 5, 9, tzinfo=UTC)
    assert default_name("sqlite:////srv/contest.sqlite3", at) == "contest-20261203-070509.sqlite3"
    assert default_name("postgresql+psycopg://u@h/hoithi", at) == "hoithi-20261203-070509.dump"


def test_dashboard_says_when_the_last_backup_was_made(app, client, login_as, tmp_path: Path,
                                                      needs_tools) -> None:
    login_as("organiser")
    assert "Chưa có bản sao lưu dữ liệu nào" in client.get("/ban-to-chuc/").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    page = client.get("/ban-to-chuc/").get_data(as_text=True)
    assert "Sao lưu dữ liệu gần nhất" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "backup.create")) == 1
