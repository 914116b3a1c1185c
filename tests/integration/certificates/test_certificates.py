"""Certificates end to end: issued on demand, PDF text (pypdf) and QR (zxing-cpp), the public
verification page, revocation, owner-only downloads and API, the organiser's design (placeholders
and images checked), the cache, bulk generation and the audit log."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from contest_app.certificates import services
from contest_app.certificates.models import Certificate, CertificateTemplate
from contest_app.extensions import db
from contest_app.organiser.audit import ACTIONS
from contest_app.organiser.models import AuditEvent
from contest_app.quiz.models import Attempt, Contest, Round
from contest_app.rankings.models import Exclusion, PrizeTier
from tests import factories
from tests.conftest import csrf_token, login

NAME = "Nguyễn Thị Ánh"


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(data)).pages).split())


def pdf_qr_links(data: bytes) -> list[str]:
    """Every QR code found in the images embedded in the PDF."""
    links = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            links += [r.text for r in zxingcpp.read_barcodes(image.image)]
    return links


@pytest.fixture
def setup(app, clock, make_user):
    """A contest offering certificates, a closed official round, a participant with a finished
    attempt (18/20), and an open round."""
    owner = make_user(full_name=NAME, email="anh@example.vn")
    other = make_user(full_name="Trần Văn Bình", email="binh@example.vn")
    with app.app_context():
        contest = factories.contest(db.session, title="Hội thi cải cách hành chính 2026",
                                    certificates=True)
        closed = factories.round_(db.session, contest, clock.now(), question_count=20,
                                  title="Tuần thi thứ nhất", opens_delta=timedelta(days=-7),
                                  closes_delta=timedelta(hours=-1))
        open_round = factories.round_(db.session, contest, clock.now(), question_count=20,
                                      title="Tuần thi thứ hai")
        when = clock.now() - timedelta(days=2)
        mine = factories.finished_attempt(db.session, closed, owner.id, 18, 300_000, when)
        theirs = factories.finished_attempt(db.session, closed, other.id, 20, 250_000, when)
        open_attempt = factories.finished_attempt(db.session, open_round, owner.id, 10,
                                                  300_000, clock.now() - timedelta(minutes=5))
        db.session.commit()
        ids = {"contest": contest.id, "closed": closed.id, "open": open_round.id,
               "mine": mine.id, "theirs": theirs.id, "open_attempt": open_attempt.id}
    return owner, other, ids


def download(client, attempt_id, **params):
    return client.get(f"/bai-thi/{attempt_id}/giay-chung-nhan.pdf", query_string=params)


def the_code(app, attempt_id) -> str:
    with app.app_context():
        return db.session.scalar(select(Certificate.code).where(
            Certificate.attempt_id == attempt_id))


def test_participant_downloads_a_certificate_with_name_code_and_qr(app, client, setup) -> None:
    owner, _other, ids = setup
    login(client, owner.email)
    page = client.get("/ket-qua-cua-toi").get_data(as_text=True)
    assert f"/bai-thi/{ids['mine']}/giay-chung-nhan.pdf?loai=tham-gia" in page
    assert f"/bai-thi/{ids['open_attempt']}/giay-chung-nhan.pdf" not in page  # round open
    result = client.get(f"/bai-thi/{ids['mine']}/ket-qua").get_data(as_text=True)
    assert f"/bai-thi/{ids['mine']}/giay-chung-nhan.pdf?loai=tham-gia" in result
    response = download(client, ids["mine"], loai="tham-gia")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    code = the_code(app, ids["mine"])
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", code)
    text = pdf_text(response.data)
    assert NAME in text
    assert f"{code[:5]}-{code[5:]}" in text
    assert "Hội thi cải cách hành chính 2026" in text and "Tuần thi thứ nhất" in text
    assert "18/20 điểm" in text
    assert f"http://localhost/xac-minh/{code}" in pdf_qr_links(response.data)
    # Asking again gives the same certificate (one record, same code).
    again = download(client, ids["mine"], loai="tham-gia")
    assert code in pdf_text(again.data).replace("-", "")
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_verification_page_is_public_and_unknown_codes_get_a_vietnamese_404(
        app, client, setup) -> None:
    owner, _other, ids = setup
    login(client, owner.email)
    download(client, ids["mine"])
    code = the_code(app, ids["mine"])
    client.get("/tai-khoan/dang-xuat")
    anonymous = app.test_client()
    page = anonymous.get(f"/xac-minh/{code}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for expected in (NAME, "Hội thi cải cách hành chính 2026", "Tuần thi thứ nhất",
                     "18/20 điểm", "Giấy chứng nhận hợp lệ"):
        assert expected in body
    assert anonymous.get(f"/xac-minh/{code[:5]}-{code[5:]}".lower()).status_code == 200
    missing = anonymous.get("/xac-minh/ABCDEFGHJK")
    assert missing.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in missing.get_data(as_text=True)
    assert anonymous.get("/xac-minh?ma=" + code.lower()).headers["Location"].endswith(
        f"/xac-minh/{code}")
    assert anonymous.get("/xac-minh?ma=123").status_code == 422


def test_revoked_certificate_says_so_and_cannot_be_downloaded(app, client, setup,
                                                              make_user) -> None:
    owner, _other, ids = setup
    login(client, owner.email)
    download(client, ids["mine"])
    code = the_code(app, ids["mine"])
    organiser = make_user(roles={"organiser"}, email="btc@example.vn")
    staff = app.test_client()
    login(staff, organiser.email)
    with app.app_context():
        cert_id = db.session.scalar(select(Certificate.id).where(Certificate.code == code))
    url = f"/ban-to-chuc/giay-chung-nhan/{cert_id}/thu-hoi"
    token = csrf_token(staff, f"/ban-to-chuc/cuoc-thi/{ids['contest']}/giay-chung-nhan")
    short = staff.post(url, data={"csrf_token": token, "reason": "ngắn"})
    assert short.status_code == 422
    assert "Vui lòng ghi lý do thu hồi" in short.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certificate, cert_id).revoked_at is None
    done = staff.post(url, data={"csrf_token": token,
                                 "reason": "Phát hiện gian lận sau khi cấp giấy"})
    assert done.status_code == 302
    page = app.test_client().get(f"/xac-minh/{code}").get_data(as_text=True)
    assert "đã bị thu hồi" in page and NAME in page
    assert "Phát hiện gian lận" not in page  # the reason stays with the organisers
    refused = download(client, ids["mine"], loai="tham-gia")
    assert refused.status_code == 302
    assert "đã bị thu hồi" in client.get("/ket-qua-cua-toi").get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "certificate.revoke"))
        assert event is not None and event.reason == "Phát hiện gian lận sau khi cấp giấy"
        assert not list(services.cache_dir(ids["contest"]).glob(f"{code}-*"))
    audit = staff.get("/ban-to-chuc/nhat-ky").get_data(as_text=True)
    assert "Thu hồi giấy chứng nhận" in audit


def test_api_serves_the_owner_only(app, client, setup) -> None:
    owner, other, ids = setup
    tokens = {}
    for user in (owner, other):
        response = client.post("/api/v1/tokens", json={"email": user.email,
                                                         "password": "mat-khau-123"})
        tokens[user.id] = {"Authorization": f"Bearer {response.get_json()['token']}"}
    url = f"/api/v1/attempts/{ids['mine']}/certificate"
    mine = client.get(url, headers=tokens[owner.id])
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert NAME in pdf_text(mine.data)
    stranger = client.get(url, headers=tokens[other.id])
    assert stranger.status_code == 404
    assert stranger.get_json()["error"]["code"] == "not_found"
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/attempts/999999/certificate",
                      headers=tokens[owner.id]).status_code == 404
    still_open = client.get(f"/api/v1/attempts/{ids['open_attempt']}/certificate",
                            headers=tokens[owner.id])
    assert still_open.status_code == 409
    assert still_open.get_json()["error"]["code"] == "certificate_round_open"
    assert "sau khi vòng thi kết thúc" in still_open.get_json()["error"]["message"]
    no_prize = client.get(url, query_string={"kind": "prize"}, headers=tokens[owner.id])
    assert no_prize.status_code == 409
    assert client.get(url, query_string={"kind": "gold"},
                      headers=tokens[owner.id]).status_code == 422
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/attempts/{attempt_id}/certificate"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]


def test_voided_disqualified_and_practice_entries_get_nothing(app, client, clock, setup,
                                                              make_user) -> None:
    owner, other, ids = setup
    with app.app_context():
        db.session.get(Attempt, ids["mine"]).status = "voided"
        db.session.add(Exclusion(contest_id=ids["contest"], round_id=ids["closed"],
                                 user_id=other.id, reason="Trùng đáp án"))
        contest = db.session.get(Contest, ids["contest"])
        practice = factories.round_(db.session, contest, clock.now(), kind="practice",
                                    closes_delta=timedelta(hours=-1), title="Thi thử")
        attempt = factories.finished_attempt(db.session, practice, owner.id, 5, 1000,
                                             clock.now() - timedelta(days=1))
        db.session.commit()
        practice_attempt = attempt.id
    login(client, owner.email)
    assert download(client, ids["mine"]).status_code == 302
    assert download(client, practice_attempt).status_code == 302
    assert "/giay-chung-nhan.pdf" not in client.get("/ket-qua-cua-toi").get_data(as_text=True)
    other_client = app.test_client()
    login(other_client, other.email)
    refused = download(other_client, ids["theirs"])
    assert refused.status_code == 302
    assert "đã bị loại" in other_client.get("/ket-qua-cua-toi").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_contest_without_participation_certificates_still_gives_prize_ones(
        app, client, clock, setup, make_user) -> None:
    owner, other, ids = setup
    with app.app_context():
        db.session.get(Contest, ids["contest"]).certificates = False
        db.session.add(PrizeTier(contest_id=ids["contest"], round_id=ids["closed"], level=1,
                                 name="Giải Nhất", count=1))
        db.session.add(PrizeTier(contest_id=ids["contest"], round_id=ids["closed"], level=2,
                                 name="Giải Nhì", count=1))
        db.session.commit()
    login(client, owner.email)
    assert download(client, ids["mine"]).status_code == 302  # nothing before publication
    organiser = make_user(roles={"organiser"}, email="btc@example.vn")
    staff = app.test_client()
    login(staff, organiser.email)
    with app.app_context():
        from contest_app.rankings import services as rankings

        rankings.publish_round(db.session, organiser.id, db.session.get(Round, ids["closed"]),
                               clock.now())
        db.session.commit()
    page = client.get("/ket-qua-cua-toi").get_data(as_text=True)
    assert "loai=dat-giai" in page and "loai=tham-gia" not in page
    response = download(client, ids["mine"], loai="dat-giai")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert NAME in text and "Giải Nhì" in text
    assert download(client, ids["mine"], loai="tham-gia").status_code == 302


def test_organiser_designs_the_template_and_the_cache_follows(app, client, setup,
                                                              make_user) -> None:
    owner, _other, ids = setup
    participant = app.test_client()
    login(participant, owner.email)
    first = download(participant, ids["mine"])
    assert "Ban Tổ chức Hội thi".upper() in pdf_text(first.data)
    organiser = make_user(roles={"organiser"}, email="btc@example.vn")
    login(client, organiser.email)
    url = f"/ban-to-chuc/cuoc-thi/{ids['contest']}/giay-chung-nhan"
    assert client.get(url).status_code == 200
    token = csrf_token(client, url)
    form = {"csrf_token": token, "organiser_name": "Sở Nội vụ tỉnh Quảng Nam",
            "heading": "Giấy chứng nhận", "signer_title": "Giám đốc Sở",
            "signer_name": "Lê Văn Cường",
            "participation_text": "Ông/Bà {ho_ten} đã hoàn thành {vong_thi} với {ket_qua}, {tuoi}.",
            "prize_text": ""}
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert "Không có chỗ điền {tuoi}" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CertificateTemplate)) is None

    not_image = client.post(url, data={**form, "participation_text": "Xong {vong_thi}.",
                                       "logo": (io.BytesIO(b"%PDF-1.4 not an image"),
                                                "logo.png")},
                            content_type="multipart/form-data")
    assert not_image.status_code == 422
    assert "không phải ảnh PNG hoặc JPEG" in not_image.get_data(as_text=True)
    gif = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(gif, format="GIF")
    gif.seek(0)
    refused_gif = client.post(url, data={**form, "participation_text": "Xong.",
                                         "logo": (gif, "logo.gif")},
                              content_type="multipart/form-data")
    assert refused_gif.status_code == 422
    assert "Chỉ nhận ảnh PNG hoặc JPEG" in refused_gif.get_data(as_text=True)

    logo = io.BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(logo, format="JPEG")
    logo.seek(0)
    saved = client.post(url, data={**form, "participation_text":
                                   "Ông/Bà {ho_ten} đã hoàn thành {vong_thi} với {ket_qua}.",
                                   "logo": (logo, "logo.jpg")},
                        content_type="multipart/form-data")
    assert saved.status_code == 302
    with app.app_context():
        template = db.session.scalar(select(CertificateTemplate))
        assert template.revision == 1 and template.logo.startswith(b"\x89PNG")
    second = download(participant, ids["mine"])
    text = pdf_text(second.data)
    assert "SỞ NỘI VỤ TỈNH QUẢNG NAM" in text and "Lê Văn Cường" in text
    assert f"Ông/Bà {NAME} đã hoàn thành Tuần thi thứ nhất với 18/20 điểm." in text
    assert len(PdfReader(io.BytesIO(second.data)).pages[0].images) == 2  # logo and QR
    with app.app_context():
        assert len(list(services.cache_dir(ids["contest"]).glob("*.pdf"))) == 1
    preview = client.get(url + "/xem-thu.pdf?loai=dat-giai")
    assert preview.status_code == 200 and "Nguyễn Văn A" in pdf_text(preview.data)
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 1  # preview issues none
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "certificate_template.save" in actions


def test_participants_and_strangers_cannot_reach_the_design(app, client, setup) -> None:
    owner, _other, ids = setup
    login(client, owner.email)
    url = f"/ban-to-chuc/cuoc-thi/{ids['contest']}/giay-chung-nhan"
    assert client.get(url).status_code in (403, 404)


def test_bulk_generation_is_idempotent_and_the_cli_reports(app, setup) -> None:
    _owner, _other, ids = setup
    with app.test_request_context():
        report = services.generate_round_certificates(ids["closed"], "https://hoithi.example.vn")
        assert (report.issued, report.created, report.rendered) == (2, 2, 2)
        again = services.generate_round_certificates(ids["closed"], "https://hoithi.example.vn")
        assert (again.issued, again.created) == (2, 0)
        codes = set(db.session.scalars(select(Certificate.code)))
        assert len(codes) == 2
        files = list(services.cache_dir(ids["contest"]).glob("*.pdf"))
        assert len(files) == 2
        data = files[0].read_bytes()
        assert any(link.startswith("https://hoithi.example.vn/xac-minh/")
                   for link in pdf_qr_links(data))
        open_round = services.generate_round_certificates(ids["open"])
        assert (open_round.issued, open_round.refused) == (0, 1)
    result = app.test_cli_runner().invoke(args=["certificates", "generate", str(ids["closed"])])
    assert result.exit_code == 0, result.output
    assert "2 giấy chứng nhận (0 giấy mới)" in result.output
    missing = app.test_cli_runner().invoke(args=["certificates", "generate", "999999"])
    assert missing.exit_code != 0 and "Không có vòng thi" in missing.output


def test_every_certificate_action_has_a_vietnamese_label() -> None:
    for action in ("certificate.revoke", "certificate.generate", "certificate_template.save"):
        assert action in ACTIONS


def test_images_are_checked_by_content_and_size(app) -> None:
    from contest_app.domain import ValidationFailed

    def png(size) -> bytes:
        out = io.BytesIO()
        Image.new("RGBA", size, (0, 0, 0, 0)).save(out, format="PNG")
        return out.getvalue()

    with app.test_request_context():
        cleaned = services.check_image(png((300, 100)), "signature")
        assert Image.open(io.BytesIO(cleaned)).size == (300, 100)
        with pytest.raises(ValidationFailed) as too_wide:
            services.check_image(png((4001, 10)), "signature")
        assert "4000" in str(too_wide.value.fields["signature"])
        with pytest.raises(ValidationFailed) as too_big:
            services.check_image(b"\x89PNG" + b"0" * services.IMAGE_MAX_BYTES, "logo")
        assert "2 MB" in str(too_big.value.fields["logo"])
        with pytest.raises(ValidationFailed):
            services.check_image(png((50, 50))[:40], "logo")  # truncated


def test_one_certificate_per_person_round_and_kind(app, clock, setup) -> None:
    from sqlalchemy.exc import IntegrityError

    owner, _other, ids = setup
    with app.test_request_context():
        rnd = db.session.get(Round, ids["closed"])
        first = services.issue(db.session, rnd, owner.id, "participation", clock.now())
        db.session.commit()
        again = services.issue(db.session, rnd, owner.id, "participation", clock.now())
        assert again.id == first.id and again.code == first.code
        duplicate = Certificate(code="ZZZZZZZZZZ", contest_id=rnd.contest_id, round_id=rnd.id,
                                attempt_id=ids["mine"], user_id=owner.id, kind="participation",
                                full_name=NAME, result="18/20 điểm", issued_at=clock.now())
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(services.CertificateUnavailable) as refused:
            services.issue(db.session, db.session.get(Round, ids["open"]), owner.id,
                           "participation", clock.now())
        assert refused.value.code == "certificate_round_open"


def test_organiser_finds_issued_certificates_by_code_or_name(app, client, setup,
                                                            make_user) -> None:
    _owner, _other, ids = setup
    with app.test_request_context():
        services.generate_round_certificates(ids["closed"])
        codes = dict(db.session.execute(select(Certificate.full_name, Certificate.code)).all())
    login(client, make_user(roles={"organiser"}, email="btc@example.vn").email)
    url = f"/ban-to-chuc/cuoc-thi/{ids['contest']}/giay-chung-nhan"
    everyone = client.get(url).get_data(as_text=True)
    assert NAME in everyone and "Trần Văn Bình" in everyone
    code = codes[NAME]
    by_code = client.get(url, query_string={"q": f"{code[:5]}-{code[5:]}".lower()})
    page = by_code.get_data(as_text=True)
    assert NAME in page and "Trần Văn Bình" not in page
    by_name = client.get(url, query_string={"q": "văn bình"}).get_data(as_text=True)
    assert "Trần Văn Bình" in by_name and NAME not in by_name
    none = client.get(url, query_string={"q": "100%_"}).get_data(as_text=True)
    assert "Không có giấy chứng nhận nào khớp." in none
