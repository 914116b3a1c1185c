"""Judges are mailed their assignments with the review deadline, once per assignment, from
the automatic and the manual assignment alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contest_app import mail
from contest_app.extensions import db
from contest_app.notifications import rules, services

from .conftest import make_initiative, post

TABLE = "/ban-to-chuc/sang-kien/dot/{}/bang"


@pytest.fixture
def outbox() -> Iterator[list[mail.Message]]:
    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()


def test_judges_are_told_of_assignments_and_deadline(app, clock, client_for, world,
                                                     outbox) -> None:
    with app.app_context():
        make_initiative(world.call_id, world.author.id, clock.now(),
                        title="Một cửa điện tử liên thông cấp xã")
        make_initiative(world.call_id, world.other.id, clock.now(),
                        title="Số hoá hồ sơ hộ tịch")
        db.session.commit()
    organiser = client_for(world.organiser)
    response = post(organiser, f"/ban-to-chuc/sang-kien/dot/{world.call_id}/phan-cong-tu-dong",
                    page=TABLE.format(world.call_id))
    assert response.status_code == 302
    assert sorted(m.to for m in outbox) == ["gk1@example.vn", "gk2@example.vn"]
    message = next(m for m in outbox if m.to == "gk1@example.vn")
    assert message.subject == "Phân công chấm sáng kiến: Sáng kiến CCHC 2026"
    assert "Bạn được phân công chấm 2 sáng kiến của đợt Sáng kiến CCHC 2026:" in message.text
    assert "- Một cửa điện tử liên thông cấp xã" in message.text
    assert "<li>Số hoá hồ sơ hộ tịch</li>" in message.html
    # The review deadline is 20 days after 25/11/2026 10:00 in Hà Nội.
    assert "Hạn chấm: 15/12/2026 10:00 (giờ Việt Nam)." in message.text
    assert "http://localhost/giam-khao/" in message.text
    assert dict(message.headers)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with app.app_context():
        assert services.notify_judge_assignments(world.call_id) == 0
    assert len(outbox) == 2


def test_a_new_assignment_is_mailed_alone_and_opt_out_is_kept(app, clock, client_for, world,
                                                             outbox) -> None:
    with app.app_context():
        first = make_initiative(world.call_id, world.other.id, clock.now(), title="Thứ nhất")
        second = make_initiative(world.call_id, world.other.id, clock.now(), title="Thứ hai")
        services.set_opt_out(db.session, world.judge2.id, rules.JUDGE_ASSIGNMENT, True)
        db.session.commit()
    organiser = client_for(world.organiser)
    for item in (first, second):
        url = f"/ban-to-chuc/sang-kien/{item}"
        for judge in (world.judge1, world.judge2):
            response = post(organiser, f"{url}/phan-cong",
                            {"assign-judge_id": str(judge.id)}, page=url)
            assert response.status_code == 302
    mailed = [m for m in outbox if m.to == "gk1@example.vn"]
    assert len(mailed) == 2
    assert "- Thứ nhất" in mailed[0].text and "Thứ hai" not in mailed[0].text
    assert "- Thứ hai" in mailed[1].text and "Thứ nhất" not in mailed[1].text
    assert "gk2@example.vn" not in [m.to for m in outbox]
