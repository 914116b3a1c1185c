"""Contest-wide prize certificates (issued once the contest ranking is published with a prize,
none after a withdrawal), their download, API, verification page, the winners' e-mail on
publication, and the verification page's share card."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from contest_app import clock as app_clock
from contest_app import mail
from contest_app.certificates.models import KIND_CONTEST_PRIZE, Certificate
from contest_app.extensions import db
from contest_app.notifications import services as notifications
from contest_app.notifications.models import NotificationSent
from contest_app.quiz.models import Contest
from contest_app.rankings.models import PrizeTier, RankingSnapshot
from tests.conftest import csrf_token, login
from tests.integration.certificates.test_certificates import pdf_qr_links, pdf_text
from tests.integration.quiz.test_embed_widget import NAMES, publish, setup_contest

META_RE = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')
CONTEST = "Tìm hiểu CCHC tỉnh 2026"


@pytest.fixture
def outbox():
    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()


@pytest.fixture
def world(app, clock, client, login_as):
    """Six finished entries in a closed round, published; contest-wide tiers: one first and
    one second prize (w0 and w1). Returns (contest id, round id, organiser client)."""
    contest_id, round_id = setup_contest(app, clock)
    with app.app_context():
        for level, name in ((1, "Giải Nhất"), (2, "Giải Nhì")):
            db.session.add(PrizeTier(contest_id=contest_id, round_id=None, board_id=None,
                                     level=level, name=name, count=1))
        contest = db.session.get(Contest, contest_id)
        contest.winner_instructions = "Mang theo căn cước."
        contest.certificates = True
        db.session.commit()
    login_as("organiser")
    assert publish(client, round_id).status_code == 302
    return contest_id, round_id, client


def publish_contest(client, contest_id: int):
    url = f"/ban-to-chuc/xep-hang/cuoc-thi/{contest_id}"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "action": "publish"})


def participant(app, index: int):
    other = app.test_client()
    login(other, f"w{index}@example.vn", "mat-khau-123")
    return other


def contest_certs(app) -> list[Certificate]:
    with app.app_context():
        return list(db.session.scalars(select(Certificate).where(
            Certificate.kind == KIND_CONTEST_PRIZE).order_by(Certificate.id)))


def test_nothing_before_the_contest_ranking_is_published(app, world) -> None:
    contest_id, _round_id, _organiser = world
    winner = participant(app, 0)
    page = winner.get("/ket-qua-cua-toi").get_data(as_text=True)
    assert f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf" not in page
    assert "Giải toàn cuộc thi" not in page
    response = winner.get(f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf")
    assert response.status_code == 302
    page = winner.get("/ket-qua-cua-toi").get_data(as_text=True)
    assert "Bảng xếp hạng toàn cuộc thi chưa được công bố." in page
    assert contest_certs(app) == []


def test_winner_downloads_and_anyone_verifies_the_contest_certificate(app, world,
                                                                      outbox) -> None:
    contest_id, _round_id, organiser = world
    outbox.clear()
    assert publish_contest(organiser, contest_id).status_code == 302
    # The contest-wide winners are mailed once (their prize, the instructions, the link).
    winners = [m for m in outbox if m.subject.startswith("Chúc mừng bạn đoạt giải toàn")]
    assert sorted(m.to for m in winners) == ["w0@example.vn", "w1@example.vn"]
    top = next(m for m in winners if m.to == "w0@example.vn")
    assert f"Chúc mừng bạn đoạt Giải Nhất toàn cuộc thi {CONTEST}." in top.text
    assert "Mang theo căn cước." in top.html and "http://localhost/ket-qua-cua-toi" in top.text
    with app.app_context():
        assert notifications.notify_contest_winners(contest_id) == 0
        assert db.session.scalar(select(func.count(NotificationSent.id)).where(
            NotificationSent.object_key == f"contest:{contest_id}")) == 2
    assert publish_contest(organiser, contest_id).status_code == 302  # a new version
    assert len([m for m in outbox if m.subject.startswith("Chúc mừng bạn đoạt giải toàn")]) == 2

    winner = participant(app, 0)
    page = winner.get("/ket-qua-cua-toi").get_data(as_text=True)
    link = f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf"
    assert link in page and "Tải giấy chứng nhận đạt giải toàn cuộc thi (PDF)" in page
    response = winner.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert NAMES[0] in text and "Giải Nhất toàn cuộc thi" in text and CONTEST in text
    [cert] = contest_certs(app)
    assert cert.round_id is None and cert.attempt_id is None
    assert cert.result == "Giải Nhất toàn cuộc thi"
    assert f"http://localhost/xac-minh/{cert.code}" in pdf_qr_links(response.data)
    assert winner.get(link).status_code == 200  # the same certificate again
    assert len(contest_certs(app)) == 1

    verify = app.test_client().get(f"/xac-minh/{cert.code}")
    body = verify.get_data(as_text=True)
    assert verify.status_code == 200
    for expected in (NAMES[0], CONTEST, "Giải Nhất toàn cuộc thi", "Toàn cuộc thi",
                     "Giấy chứng nhận đạt giải toàn cuộc thi", "Giấy chứng nhận hợp lệ"):
        assert expected in body

    # No prize, no certificate (a redirect with the reason).
    loser = participant(app, 4)
    assert link not in loser.get("/ket-qua-cua-toi").get_data(as_text=True)
    assert loser.get(link).status_code == 302
    assert "Bạn không có giải trong bảng xếp hạng toàn cuộc thi" in loser.get(
        "/ket-qua-cua-toi").get_data(as_text=True)
    assert app.test_client().get(link).status_code == 302  # login first
    assert winner.get("/cuoc-thi/999999/giay-chung-nhan.pdf").status_code == 404


def test_api_gives_the_owner_their_contest_certificate_and_404_otherwise(app, world,
                                                                         client) -> None:
    contest_id, _round_id, organiser = world
    publish_contest(organiser, contest_id)
    tokens = {}
    for i in (1, 3):
        response = app.test_client().post("/api/v1/tokens", json={
            "email": f"w{i}@example.vn", "password": "mat-khau-123"})
        tokens[i] = {"Authorization": f"Bearer {response.get_json()['token']}"}
    url = f"/api/v1/contests/{contest_id}/certificate"
    api = app.test_client()
    mine = api.get(url, headers=tokens[1])
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert "Giải Nhì toàn cuộc thi" in pdf_text(mine.data) and NAMES[1] in pdf_text(mine.data)
    none = api.get(url, headers=tokens[3])
    assert none.status_code == 404 and none.get_json()["error"]["code"] == "not_found"
    assert api.get(url).status_code == 401
    assert api.get("/api/v1/contests/999999/certificate", headers=tokens[1]).status_code == 404
    spec = api.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/contests/{contest_id}/certificate"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert len(contest_certs(app)) == 1


def test_a_withdrawn_contest_publication_gives_none(app, world) -> None:
    contest_id, _round_id, organiser = world
    publish_contest(organiser, contest_id)
    with app.app_context():
        for snapshot in db.session.scalars(select(RankingSnapshot).where(
                RankingSnapshot.contest_id == contest_id, RankingSnapshot.round_id.is_(None))):
            snapshot.withdrawn_at = app_clock.now()
        db.session.commit()
    winner = participant(app, 0)
    assert f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf" not in winner.get(
        "/ket-qua-cua-toi").get_data(as_text=True)
    assert winner.get(f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf").status_code == 302
    with app.app_context():
        assert notifications.notify_contest_winners(contest_id) == 0
    assert contest_certs(app) == []


def test_revoked_contest_certificate_and_the_verification_share_card(app, world) -> None:
    contest_id, _round_id, organiser = world
    publish_contest(organiser, contest_id)
    winner = participant(app, 0)
    assert winner.get(f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf").status_code == 200
    [cert] = contest_certs(app)
    page = app.test_client().get(f"/xac-minh/{cert.code}").get_data(as_text=True)
    tags = dict(META_RE.findall(page))
    assert tags["og:title"] == f"{NAMES[0]} – {CONTEST}"
    assert tags["og:description"] == (
        "Giấy chứng nhận đạt giải toàn cuộc thi: Giải Nhất toàn cuộc thi")
    assert tags["og:image"] == f"http://localhost/cuoc-thi/{contest_id}/the-chia-se.png"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:url"] == f"http://localhost/xac-minh/{cert.code}"
    assert page.count('property="og:title"') == 1

    url = f"/ban-to-chuc/giay-chung-nhan/{cert.id}/thu-hoi"
    token = csrf_token(organiser, f"/ban-to-chuc/cuoc-thi/{contest_id}/giay-chung-nhan")
    assert organiser.post(url, data={"csrf_token": token,
                                     "reason": "Sai sót khi tính điểm toàn cuộc thi"}
                          ).status_code == 302
    design = organiser.get(f"/ban-to-chuc/cuoc-thi/{contest_id}/giay-chung-nhan")
    assert design.status_code == 200 and "Toàn cuộc thi" in design.get_data(as_text=True)
    page = app.test_client().get(f"/xac-minh/{cert.code}").get_data(as_text=True)
    assert "Giấy chứng nhận này đã bị thu hồi." in page
    tags = dict(META_RE.findall(page))
    assert "og:image" not in tags and tags["twitter:card"] == "summary"
    assert tags["og:title"] == f"Giấy chứng nhận đã bị thu hồi – {CONTEST}"
    assert "thu hồi" in tags["og:description"]
    assert winner.get(f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf").status_code == 302
    assert f"/cuoc-thi/{contest_id}/giay-chung-nhan.pdf" not in winner.get(
        "/ket-qua-cua-toi").get_data(as_text=True)


def test_round_certificate_page_has_the_round_in_its_share_card(app, world) -> None:
    contest_id, round_id, _organiser = world
    winner = participant(app, 0)
    with app.app_context():
        from contest_app.quiz.models import Attempt
        attempt_id = db.session.scalar(select(Attempt.id).where(
            Attempt.round_id == round_id, Attempt.user_id == select(
                Attempt.user_id).where(Attempt.round_id == round_id)
            .order_by(Attempt.score.desc()).limit(1).scalar_subquery()))
    assert winner.get(f"/bai-thi/{attempt_id}/giay-chung-nhan.pdf").status_code == 200
    with app.app_context():
        code = db.session.scalar(select(Certificate.code).where(
            Certificate.attempt_id == attempt_id))
    tags = dict(META_RE.findall(app.test_client().get(f"/xac-minh/{code}").get_data(
        as_text=True)))
    assert tags["og:title"] == f"{NAMES[0]} – {CONTEST}"
    assert tags["og:description"] == "Giấy chứng nhận tham gia: 10/5 điểm – Tuần 1"  # factory max
    assert tags["og:image"].endswith(f"/cuoc-thi/{contest_id}/the-chia-se.png")
