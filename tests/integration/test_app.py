"""The application shell: configuration, security headers, errors, language, CLI, schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from contest_app import InsecureConfiguration, create_app
from contest_app.accounts.models import Unit, User
from contest_app.config import generate_keys
from contest_app.database import include_object
from contest_app.extensions import db, limiter
from tests.conftest import csrf_token, login, make_test_config


def test_models_and_migrations_agree(app) -> None:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
        assert diff == []


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None, "DATA_KEY": "x" * 40})
    with pytest.raises(InsecureConfiguration):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "testing-secret-key-not-for-production",
                    "DATA_KEY": "x" * 40})
    with pytest.raises(InsecureConfiguration):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "dev", "DATA_KEY": "x" * 40})


def test_production_sets_secure_cookie_flags(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    prod = create_app({"ENV_NAME": "production", **generate_keys(),
                       "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.db")})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["REMEMBER_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"ENV_NAME": "development", "SECRET_KEY": None,
                        "SQLALCHEMY_DATABASE_URI": None})
    second = create_app({"ENV_NAME": "development", "SECRET_KEY": None})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").exists()
    assert first.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///" + str(tmp_path))


def test_timezone_setting_defaults_to_ho_chi_minh(app) -> None:
    assert app.config["CONTEST_TIMEZONE"] == "Asia/Ho_Chi_Minh"


def test_content_security_policy_allows_only_own_files(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_use_only_local_assets(client) -> None:
    html = client.get("/tai-khoan/dang-nhap").get_data(as_text=True)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    assert client.get("/static/vendor/bootstrap/bootstrap.min.css").status_code == 200


def test_friendly_404_in_vietnamese(client) -> None:
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_friendly_500_in_vietnamese(app, monkeypatch) -> None:
    from contest_app.main import views

    def boom(session):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.quiz_services, "public_contests", boom)
    response = app.test_client().get("/")
    assert response.status_code == 500
    assert "Xin lỗi, đã có lỗi xảy ra" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client) -> None:
    assert "Đăng nhập" in client.get("/").get_data(as_text=True)
    response = client.get("/ngon-ngu/en?next=/")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page
    client.get("/ngon-ngu/vi?next=/")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_external_redirect(client) -> None:
    response = client.get("/ngon-ngu/en?next=//evil.example")
    assert response.headers["Location"] == "/"


def test_home_page_empty_state(client) -> None:
    assert "Chưa có cuộc thi nào" in client.get("/").get_data(as_text=True)


def test_login_is_rate_limited(app, database_url, make_user, monkeypatch, tmp_path) -> None:
    user = make_user()
    limited = create_app(make_test_config(database_url, RATELIMIT_ENABLED=True,
                                          LOGIN_RATE_LIMIT="3 per minute"))
    try:
        client = limited.test_client()
        statuses = [login(client, user.email, "sai").status_code for _ in range(4)]
        assert statuses[:3] == [422, 422, 422]
        assert statuses[3] == 429
        assert "thao tác quá nhanh" in client.post(
            "/tai-khoan/dang-nhap", data={"email": user.email, "password": "x",
                                          "csrf_token": csrf_token(client)}).get_data(
            as_text=True)
    finally:  # the limiter is one extension object shared by every app in this process
        limiter.reset()
        limiter.enabled = False


def test_cli_create_organiser(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-organiser", "--email", "Boss@Example.vn",
                                 "--name", "Trưởng ban", "--phone", "0912345678",
                                 "--password", "mat-khau-dai"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "boss@example.vn"))
        assert user.has_role("organiser")
    again = runner.invoke(args=["users", "create-organiser", "--email", "boss@example.vn",
                                "--name", "X", "--phone", "0912345679", "--password", "abcdefgh1"])
    assert again.exit_code != 0
    assert "Email này đã được dùng" in again.output


def test_cli_demo_is_idempotent_and_prints_logins(app) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "btc@demo.vn" in first.output and "demo12345" in first.output
    with app.app_context():
        units = db.session.scalar(select(db.func.count(Unit.id)))
        users = db.session.scalar(select(db.func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Unit.id))) == units
        assert db.session.scalar(select(db.func.count(User.id))) == users
