"""Hole 10: brute force and enumeration. Failed logins are counted per e-mail address in the
database (whatever the client address, worker or door: page or API), the refusal grows and
says when to retry, a success resets it; unknown addresses get the same answer and the same
password-hash work; registration and token creation are rate limited per client address, on
Redis when RATELIMIT_STORAGE_URI names it."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest_app import create_app
from contest_app.accounts import services as account_services
from contest_app.accounts.models import LoginThrottle, User
from contest_app.extensions import db, limiter
from tests.conftest import PASSWORD, csrf_token, make_test_config

LOCKED = "đăng nhập sai quá nhiều lần"
WRONG = "Email hoặc mật khẩu không đúng."
REDIS_URI = "redis://127.0.0.1:6379/9"


def web_login(client, email: str, password: str, n: int = 0):
    """A login from client address 10.0.<n>.<n> claiming yet another forwarded address."""
    return client.post(
        "/tai-khoan/dang-nhap",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": f"10.0.{n % 250}.{n % 250 + 1}"},
        headers={"X-Forwarded-For": f"203.0.113.{n % 250}"})


def api_login(client, email: str, password: str, n: int = 0):
    return client.post("/api/v1/tokens", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": f"10.1.{n % 250}.7"},
                       headers={"X-Forwarded-For": f"198.51.100.{n % 250}"})


def test_address_is_locked_after_five_failures_whatever_the_client_address(
        app, client, clock, make_user) -> None:
    user = make_user()
    statuses = [web_login(client, user.email, "sai-mat-khau", n).status_code for n in range(4)]
    assert statuses == [422, 422, 422, 422]
    fifth = web_login(client, user.email, "sai-mat-khau", 4)
    assert fifth.status_code == 429 and LOCKED in fifth.get_data(as_text=True)
    assert fifth.headers["Retry-After"] == "30"
    # Even the right password, from a new address or through the API, is refused now.
    right = web_login(client, user.email, PASSWORD, 99)
    assert right.status_code == 429
    page = right.get_data(as_text=True)
    assert LOCKED in page and "Vui lòng thử lại sau 30 giây (lúc 10:00:30)" in page
    api = api_login(client, user.email, PASSWORD, 5)
    assert api.status_code == 429
    body = api.get_json()["error"]
    assert body["code"] == "login_locked" and LOCKED in body["message"]
    assert api.headers["Retry-After"] == "30"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 1
    # Once the delay has passed, the right password works.
    clock.advance(seconds=30)
    assert web_login(client, user.email, PASSWORD, 7).status_code == 302


def test_delay_grows_and_is_capped(client, clock, make_user) -> None:
    user = make_user()
    for n in range(4):
        api_login(client, user.email, "sai", n)
    delays = []
    for n in range(8):
        response = api_login(client, user.email, "sai", n)
        assert response.status_code == 429
        delays.append(int(response.headers["Retry-After"]))
        # Still locked a second before the end: refused without counting another failure.
        clock.advance(seconds=delays[-1] - 1)
        again = api_login(client, user.email, PASSWORD, n + 1)
        assert again.status_code == 429 and int(again.headers["Retry-After"]) == 1
        clock.advance(seconds=1)
    assert delays == [30, 60, 120, 240, 480, 900, 900, 900]
    assert api_login(client, user.email, PASSWORD).status_code == 201


def test_success_resets_the_count(app, client, clock, make_user) -> None:
    user = make_user()
    for n in range(4):
        assert api_login(client, user.email, "sai", n).status_code == 401
    assert web_login(client, user.email, PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    client.post("/tai-khoan/dang-xuat", data={"csrf_token": csrf_token(client, "/")})
    for n in range(4):
        assert api_login(client, user.email, "sai", n).status_code == 401
    assert api_login(client, user.email, PASSWORD).status_code == 201


def test_failures_are_forgotten_after_a_day(client, clock, make_user) -> None:
    user = make_user()
    for n in range(4):
        api_login(client, user.email, "sai", n)
    clock.advance(days=1)
    assert api_login(client, user.email, "sai").status_code == 401  # first of a new series


def test_unknown_address_gets_the_same_answers(client, clock, make_user) -> None:
    user = make_user()
    known = web_login(client, user.email, "sai-mat-khau")
    unknown = web_login(client, "khong-co@example.vn", "sai-mat-khau")
    assert known.status_code == unknown.status_code == 422
    assert WRONG in known.get_data(as_text=True) and WRONG in unknown.get_data(as_text=True)
    api_known = api_login(client, user.email, "sai")
    api_unknown = api_login(client, "khong-co@example.vn", "sai")
    assert api_known.status_code == api_unknown.status_code == 401
    assert api_known.get_json() == api_unknown.get_json()
    # The lock is the same too, so it cannot be used to tell accounts apart.
    for n in range(3):
        api_login(client, user.email, "sai", n)
        api_login(client, "khong-co@example.vn", "sai", n)
    a = api_login(client, user.email, "sai")
    b = api_login(client, "khong-co@example.vn", "sai")
    assert a.status_code == b.status_code == 429
    assert a.headers["Retry-After"] == b.headers["Retry-After"]
    assert a.get_json() == b.get_json()


def test_inactive_account_gets_the_same_answer(client, make_user) -> None:
    user = make_user(active=False)
    response = web_login(client, user.email, PASSWORD)
    assert response.status_code == 422 and WRONG in response.get_data(as_text=True)


def test_unknown_address_costs_one_real_hash_check(app, client, make_user, monkeypatch) -> None:
    user = make_user()
    with app.app_context():
        real = db.session.get(User, user.id).password_hash
    checked: list[str] = []
    original = account_services.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return original(pwhash, password)

    monkeypatch.setattr(account_services, "check_password_hash", spy)
    api_login(client, "khong-co@example.vn", "sai")
    web_login(client, "nguoi-la@example.vn", "sai")
    api_login(client, user.email, "sai")
    dummy = account_services.dummy_password_hash()
    assert checked == [dummy, dummy, real]
    # Same algorithm and parameters as a real hash (only salt and digest differ).
    assert dummy.split("$")[0] == real.split("$")[0]
    assert len(dummy) == len(real)


def test_locked_address_still_costs_one_hash_check(client, clock, make_user,
                                                   monkeypatch) -> None:
    user = make_user()
    for n in range(5):
        api_login(client, user.email, "sai", n)
    calls: list[str] = []
    original = account_services.check_password_hash
    monkeypatch.setattr(account_services, "check_password_hash",
                        lambda h, p: calls.append(h) or original(h, p))
    assert api_login(client, user.email, PASSWORD).status_code == 429
    assert len(calls) == 1


# --- Flask-Limiter: registration and token creation per client address --------------------

@pytest.fixture
def limited(database_url):
    """An app with rate limiting on (and low limits); the limiter is one object shared by
    every app in the process, so it is reset and switched off again afterwards."""
    made = []

    def build(**config: object):
        application = create_app(make_test_config(database_url, RATELIMIT_ENABLED=True,
                                                  **config))
        made.append(application)
        return application

    yield build
    limiter.reset()
    limiter.enabled = False


def register_json(client, unit_id: int, n: int, **environ: object):
    return client.post("/api/v1/users", json={
        "email": f"dk{n}@example.vn", "password": "mat-khau-dai", "full_name": "Người Đăng Ký",
        "phone": f"0912{n:06d}", "unit_id": unit_id}, environ_base=environ)


def test_registration_is_rate_limited_on_page_and_api(app, make_unit, limited) -> None:
    unit = make_unit()
    client = limited(REGISTRATION_RATE_LIMIT="2 per minute").test_client()
    assert [register_json(client, unit.id, n).status_code for n in range(2)] == [201, 201]
    refused = register_json(client, unit.id, 3)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"].startswith("Bạn thao tác quá nhanh")
    # The page shares the counter: the same client address is refused there too.
    page = client.post("/tai-khoan/dang-ky", data={
        "full_name": "Người Đăng Ký", "email": "dk9@example.vn", "phone": "0912000009",
        "unit_id": str(unit.id), "password": "mat-khau-dai", "confirm": "mat-khau-dai",
        "csrf_token": csrf_token(client, "/tai-khoan/dang-ky")})
    assert page.status_code == 429 and "thao tác quá nhanh" in page.get_data(as_text=True)
    # The form itself still opens, and another client address may register.
    assert client.get("/tai-khoan/dang-ky").status_code == 200
    assert register_json(client, unit.id, 4, REMOTE_ADDR="10.9.9.9").status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 3


def test_token_creation_is_rate_limited(app, make_user, limited) -> None:
    user = make_user()
    client = limited(LOGIN_RATE_LIMIT="2 per minute").test_client()
    body = {"email": user.email, "password": PASSWORD}
    assert [client.post("/api/v1/tokens", json=body).status_code for _ in range(2)] == [201, 201]
    refused = client.post("/api/v1/tokens", json=body)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"].startswith("Bạn thao tác quá nhanh")


def test_openapi_document_declares_429_for_limited_operations(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "429" in paths["/api/v1/tokens"]["post"]["responses"]
    assert "429" in paths["/api/v1/users"]["post"]["responses"]


def _redis_reachable() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URI, socket_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="Redis at 127.0.0.1:6379 not reachable")
def test_two_app_instances_share_the_counter_on_redis(app, make_unit, limited) -> None:
    from limits.storage import RedisStorage

    unit = make_unit()
    first = limited(RATELIMIT_STORAGE_URI=REDIS_URI, REGISTRATION_RATE_LIMIT="2 per minute")
    limiter.reset()
    assert isinstance(limiter.storage, RedisStorage)
    assert [register_json(first.test_client(), unit.id, n).status_code
            for n in range(2)] == [201, 201]
    # A second instance (as another worker would be) gets its own storage connection, and
    # still sees the two registrations counted by the first.
    second = limited(RATELIMIT_STORAGE_URI=REDIS_URI, REGISTRATION_RATE_LIMIT="2 per minute")
    assert isinstance(limiter.storage, RedisStorage)
    assert register_json(second.test_client(), unit.id, 3).status_code == 429


def test_memory_storage_is_per_instance(app, make_unit, limited) -> None:
    """The contrast that makes the Redis test meaningful: with memory:// a second instance
    starts from zero (which is why production must name Redis)."""
    unit = make_unit()
    first = limited(RATELIMIT_STORAGE_URI="memory://", REGISTRATION_RATE_LIMIT="2 per minute")
    assert [register_json(first.test_client(), unit.id, n).status_code
            for n in range(2)] == [201, 201]
    second = limited(RATELIMIT_STORAGE_URI="memory://", REGISTRATION_RATE_LIMIT="2 per minute")
    assert register_json(second.test_client(), unit.id, 3).status_code == 201


def test_storage_uri_comes_from_the_environment(monkeypatch) -> None:
    import importlib

    from contest_app import config

    monkeypatch.setenv("RATELIMIT_STORAGE_URI", REDIS_URI)
    try:
        reloaded = importlib.reload(config)
        assert reloaded.ProductionConfig.RATELIMIT_STORAGE_URI == REDIS_URI
    finally:
        monkeypatch.delenv("RATELIMIT_STORAGE_URI")
        importlib.reload(config)


def test_lock_is_stored_with_its_end_time(app, clock, make_user) -> None:
    """The count and the lock's end live in the database, for every worker to read; the
    address itself is not stored."""
    user = make_user()
    with app.test_request_context():
        for _ in range(4):
            assert account_services.authenticate(db.session, user.email, "sai") is None
            db.session.commit()
        with pytest.raises(account_services.LoginLocked) as raised:
            account_services.authenticate(db.session, user.email.upper(), "sai")
        db.session.commit()
        assert raised.value.retry_after == 30
        row = db.session.scalar(select(LoginThrottle))
        assert row.failures == 5
        assert row.locked_until == clock.now() + timedelta(seconds=30)
        assert "@" not in row.email_hash and len(row.email_hash) == 64


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(app, make_user, limited) -> None:
    """Rotating X-Forwarded-For does not give a direct client fresh limits; behind a trusted
    proxy (TRUSTED_PROXIES=1) the address the proxy saw is the one counted."""
    user = make_user()
    body = {"email": user.email, "password": PASSWORD}
    direct = limited(LOGIN_RATE_LIMIT="2 per minute").test_client()
    statuses = [direct.post("/api/v1/tokens", json=body,
                            headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(3)]
    assert statuses == [201, 201, 429]
    limiter.reset()
    proxied = limited(LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1).test_client()
    statuses = [proxied.post("/api/v1/tokens", json=body,
                             environ_base={"REMOTE_ADDR": "127.0.0.1"},
                             headers={"X-Forwarded-For": f"203.0.113.{n % 2}"}).status_code
                for n in range(5)]
    assert statuses == [201, 201, 201, 201, 429]


def test_parallel_failures_are_all_counted(app, clock) -> None:
    """Eight workers failing at once on one address (first failure included) never error and
    lose no count: the row is locked for update, a racing first insert falls back to it, the
    fifth failure sets the lock and the three after it are refused without counting."""
    import threading

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("true parallel writers need PostgreSQL (SQLite serialises them)")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker() -> None:
        with app.test_request_context():
            try:
                barrier.wait()
                with contextlib.suppress(account_services.LoginLocked):
                    account_services.authenticate(db.session, "dong-thoi@example.vn", "sai")
                db.session.commit()
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        row = db.session.scalar(select(LoginThrottle))
        assert row.failures == 5
        assert row.locked_until == clock.now() + timedelta(seconds=30)
