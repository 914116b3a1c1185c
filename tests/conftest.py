"""Shared fixtures: the app on a real database (SQLite by default, PostgreSQL through
DATABASE_URL), a clean database per test, a movable clock, clients and factories.

The schema is built by running the Alembic migrations, as production does. WARNING: the suite
empties the database that DATABASE_URL points at."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from contest_app import clock as clock_module
from contest_app import create_app
from contest_app.accounts import services as account_services
from contest_app.accounts.models import Block, Unit, User
from contest_app.extensions import db

PASSWORD = "mat-khau-123"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def make_test_config(url: str, **extra: object) -> dict:
    return {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, **extra}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory)


def compile_catalogues() -> None:
    """Compile the .po catalogues as `make translations` does, so a bare `pytest` works too."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "contest_app" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    compile_catalogues()
    instance = str(tmp_path_factory.mktemp("instance"))
    os.environ["INSTANCE_PATH"] = instance
    application = create_app(make_test_config(database_url))
    with application.app_context():
        engine = db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade(revision="heads")
    yield application


def _truncate_all() -> None:
    from sqlalchemy import inspect

    engine = db.engine
    existing = set(inspect(engine).get_table_names())  # the migrations' test checks the rest
    tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name in existing]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _limiter_off_between_tests() -> Iterator[None]:
    """Flask-Limiter's `limiter` is one object for every app in the process: a test that
    builds a production app (or one with limits on) switches it on for everybody after it.
    Each test starts and ends with it off and empty, as the testing config has it."""
    from contest_app.extensions import limiter

    limiter.enabled = False
    yield
    with contextlib.suppress(Exception):  # a storage that was never used cannot reset
        limiter.reset()
    limiter.enabled = False


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that touches the app starts from, and leaves, an empty database."""
    if "app" not in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    yield
    with application.app_context():
        db.session.remove()
        _truncate_all()
    from contest_app.quiz.services import clear_caches

    clear_caches()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def clock() -> Iterator[clock_module.FrozenClock]:
    frozen = clock_module.FrozenClock(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    previous = clock_module.set_clock(frozen)
    yield frozen
    clock_module.set_clock(previous)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, url: str = "/tai-khoan/dang-nhap") -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf token on {url}"
    return match.group(1)


@pytest.fixture
def make_unit(app: Flask) -> Callable[..., Unit]:
    counter = {"n": 0}

    def factory(name: str | None = None, headcount: int | None = None,
                block: str | None = None) -> Unit:
        counter["n"] += 1
        with app.app_context():
            block_row = None
            if block:
                block_row = db.session.scalar(db.select(Block).where(Block.name == block))
                if block_row is None:
                    block_row = Block(name=block)
                    db.session.add(block_row)
                    db.session.flush()
            unit = Unit(name=name or f"Đơn vị {counter['n']}", headcount=headcount,
                        block_id=block_row.id if block_row else None)
            db.session.add(unit)
            db.session.commit()
            db.session.refresh(unit)
            db.session.expunge(unit)
            return unit

    return factory


@pytest.fixture
def make_user(app: Flask, make_unit: Callable[..., Unit]) -> Callable[..., User]:
    counter = {"n": 0}

    def factory(roles: set[str] | None = None, email: str | None = None,
                full_name: str | None = None, unit: Unit | None = None,
                password: str = PASSWORD, **fields: object) -> User:
        counter["n"] += 1
        n = counter["n"]
        unit = unit or make_unit()
        with app.app_context():
            user = account_services.create_user(
                db.session, email=email or f"user{n}@example.vn",
                full_name=full_name or f"Người dùng {n}", phone=f"09{n:08d}",
                password=password, unit_id=unit.id, roles=roles or set(),
            )
            for key, value in fields.items():
                setattr(user, key, value)
            db.session.commit()
            user_id = user.id
            db.session.remove()
            user = db.session.get(User, user_id)
            db.session.expunge(user)
            return user

    return factory


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/tai-khoan/dang-nhap",
                       data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Create a user with the given role ("participant", "judge", "organiser") and log in."""

    def do(role: str = "participant", **kwargs: object) -> User:
        roles = set() if role == "participant" else {role}
        user = make_user(roles=roles, **kwargs)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do
