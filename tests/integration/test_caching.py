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
