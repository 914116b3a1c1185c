"""Public pages are cached only for anonymous visitors, and nothing personal is cached."""

from __future__ import annotations

from contest_app import create_app
from contest_app.extensions import db
from tests import factories
from tests.conftest import login, make_test_config


def test_public_pages_cached_for_anonymous_only(app, database_url, make_user, clock) -> None:
    cached = create_app(make_test_config(database_url, CACHE_TYPE="SimpleCache",
                                         PUBLIC_PAGE_SECONDS=60))
    anonymous = cached.test_client()
    assert "Chưa có cuộc thi nào" in anonymous.get("/").get_data(as_text=True)
    with app.app_context():
        factories.contest(db.session, title="Cuộc thi mới tạo")
        db.session.commit()
    # Within the cache time an anonymous visitor still gets the stored page…
    assert "Chưa có cuộc thi nào" in anonymous.get("/").get_data(as_text=True)
    # …while a logged-in user always gets a fresh, personal page, never stored for others.
    user = make_user(full_name="Người Đăng Nhập")
    member = cached.test_client()
    login(member, user.email)
    page = member.get("/").get_data(as_text=True)
    assert "Cuộc thi mới tạo" in page and "Người Đăng Nhập" in page
    assert "Người Đăng Nhập" not in anonymous.get("/").get_data(as_text=True)
    # The language is part of the key.
    english = cached.test_client()
    english.set_cookie("lang", "en")
    assert '<html lang="en">' in english.get("/").get_data(as_text=True)


def test_invalidation_reaches_every_instance_through_redis(app, database_url) -> None:
    """Two instances sharing Redis: a change made on one (publishing, say) retires the cached
    public pages of both, not only its own."""
    import uuid

    import pytest
    from redis import Redis

    from contest_app.caching import invalidate_public_pages

    url = "redis://127.0.0.1:6379/0"
    try:
        Redis.from_url(url, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001
        pytest.skip("Redis not reachable")
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url,
                "CACHE_KEY_PREFIX": prefix, "PUBLIC_PAGE_SECONDS": 60}
    first = create_app(make_test_config(database_url, **settings))
    second = create_app(make_test_config(database_url, **settings))
    try:
        assert "Chưa có cuộc thi nào" in first.test_client().get("/").get_data(as_text=True)
        with app.app_context():
            factories.contest(db.session, title="Cuộc thi vừa công bố")
            db.session.commit()
        # The second instance reads the page the first one stored…
        assert "Chưa có cuộc thi nào" in second.test_client().get("/").get_data(as_text=True)
        with second.app_context():
            invalidate_public_pages()
        # …and after the second one invalidates, the first one renders afresh.
        assert "Cuộc thi vừa công bố" in first.test_client().get("/").get_data(as_text=True)
    finally:
        redis = Redis.from_url(url)
        for key in redis.scan_iter(f"{prefix}*"):
            redis.delete(key)
