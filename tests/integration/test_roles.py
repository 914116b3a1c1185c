"""Role checks: one decorator; 403 for role pages, login redirect for anonymous users."""

from __future__ import annotations

import pytest

ORGANISER_PAGES = ["/ban-to-chuc/", "/ban-to-chuc/don-vi", "/ban-to-chuc/nguoi-dung",
                   "/ban-to-chuc/nhat-ky"]


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_participant_gets_403_on_organiser_pages(client, login_as, url) -> None:
    login_as("participant")
    response = client.get(url)
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_judge_gets_403_on_organiser_pages(client, login_as, url) -> None:
    login_as("judge")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_anonymous_is_sent_to_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_organiser_reaches_organiser_pages(client, login_as, url) -> None:
    login_as("organiser")
    assert client.get(url).status_code == 200


def test_role_decorator_is_the_only_gate(app) -> None:
    """Every organiser view is wrapped by role_required (no hand-written checks)."""
    for name, view in app.view_functions.items():
        if name.startswith("organiser."):
            assert getattr(view, "__wrapped__", None) is not None, name
