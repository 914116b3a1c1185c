"""Dates typed as dd/mm/yyyy HH:MM (24 h) whatever the browser's language: plain text fields,
read in Asia/Ho_Chi_Minh, stored UTC, shown back the same way; clear errors that change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.quiz.models import Round
from tests.conftest import csrf_token
from tests.integration.quiz.test_round_setup import make_contest, round_form


def _new_round_url(contest_id: int) -> str:
    return f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"


def test_the_round_form_has_text_date_fields_with_a_hint(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    page = client.get(_new_round_url(contest_id)).get_data(as_text=True)
    assert 'type="datetime-local"' not in page and 'type="date"' not in page
    field = page.split('id="opens_at"', 1)[0].rsplit("<input", 1)[1] + page.split(
        'id="opens_at"', 1)[1].split(">", 1)[0]
    assert 'type="text"' in field and 'inputmode="numeric"' in field
    assert 'placeholder="dd/mm/yyyy HH:MM"' in field and "pattern=" in field
    assert ("Giờ Việt Nam, dạng dd/mm/yyyy HH:MM (24 giờ), ví dụ 25/11/2026 14:30; gõ liền "
            "251120261430 cũng được.") in page


def test_a_round_typed_in_vietnam_time_is_stored_utc_and_shown_back(app, client,
                                                                     login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = _new_round_url(contest_id)
    saved = client.post(url, data=round_form(csrf_token(client, url),
                                             opens_at="1/12/2026 7:05",
                                             closes_at="08/12/2026 23:59"))
    assert saved.status_code == 302
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        assert rnd.opens_at.astimezone(UTC) == datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
        assert rnd.closes_at.astimezone(UTC) == datetime(2026, 12, 8, 16, 59, tzinfo=UTC)
        edit = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{rnd.id}"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="01/12/2026 07:05"' in page and 'value="08/12/2026 23:59"' in page


def test_impossible_dates_and_hours_get_vietnamese_errors_and_save_nothing(app, client,
                                                                           login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = _new_round_url(contest_id)
    response = client.post(url, data=round_form(csrf_token(client, url),
                                                opens_at="31/02/2026 10:00",
                                                closes_at="25/12/2026 25:00"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "«31/02/2026 10:00»: tháng 2/2026 chỉ có 28 ngày." in body
    assert ("«25/12/2026 25:00»: giờ phải từ 00 đến 23 và phút từ 00 đến 59 (đồng hồ 24 giờ)."
            in body)
    assert 'value="31/02/2026 10:00"' in body  # what was typed stays
    american = client.post(url, data=round_form(csrf_token(client, url),
                                                opens_at="12/25/2026 2:30 PM"))
    assert "Vui lòng nhập ngày giờ dạng dd/mm/yyyy HH:MM" in american.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Round)) is None


def test_english_pages_explain_the_same_format_in_english(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    client.get("/ngon-ngu/en")
    url = _new_round_url(contest_id)
    body = client.post(url, data=round_form(csrf_token(client, url),
                                            opens_at="31/02/2026 10:00")).get_data(as_text=True)
    assert "«31/02/2026 10:00»: month 2/2026 has only 28 days." in body
    assert "Vietnam time, as dd/mm/yyyy HH:MM (24-hour clock)" in body


def test_every_form_page_with_dates_uses_text_fields(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    pages = [_new_round_url(contest_id), f"/ban-to-chuc/cuoc-thi/{contest_id}",
             f"/ban-to-chuc/cuoc-thi/{contest_id}/cai-dat", "/ban-to-chuc/nhat-ky"]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert 'type="date"' not in html and "datetime-local" not in html, url


def test_a_required_date_typed_wrong_says_why_once(app) -> None:
    """The survey's dates are required: a typo gets the date message, not "required" too."""
    from contest_app.surveys.forms import SettingsForm

    with app.test_request_context("/", method="POST", data={"opens_at": "31/04/2026 08:00",
                                                             "closes_at": ""}):
        form = SettingsForm(meta={"csrf": False})
        form.validate()
        assert form.opens_at.errors == ["«31/04/2026 08:00»: tháng 4/2026 chỉ có 30 ngày."]
        assert form.closes_at.errors == ["Vui lòng điền thông tin này."]
