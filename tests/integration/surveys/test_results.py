"""Results: only organisers and surveyors see them; counts, the satisfaction index and its
breakdowns match hand-computed figures; free-text search; the XLSX export opens in openpyxl."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from contest_app import clock as clock_module
from contest_app.extensions import db
from contest_app.surveys import services
from contest_app.surveys.models import SOURCE_PAPER, SOURCE_WEB

from .conftest import questions

BASE = "/ban-to-chuc/khao-sat"
PAGES = ["ket-qua", "ket-qua.xlsx", "y-kien", "ket-qua?n=1000"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def answered(app, make_survey):
    """A survey with three responses on its first two scale questions (aspect "Tiếp cận thông
    tin": 5, 4 / 2, 3 / 4, 1), units Sở Tư pháp, Sở Tư pháp, Sở Y tế, and two comments."""
    survey_id = make_survey(population=1000)
    qs = questions(app, survey_id)
    scales = [q for q in qs if q.kind == "scale"][:2]
    unit = next(q for q in qs if q.profile_key == "unit")
    units = {text: oid for oid, text in unit.options}
    comment = next(q for q in qs if q.kind == "long_text")
    rows = [((5, 4), "Sở Tư pháp", "Nên có thêm chỗ ngồi chờ", SOURCE_WEB),
            ((2, 3), "Sở Tư pháp", "Cán bộ nhiệt tình", SOURCE_PAPER),
            ((4, 1), "Sở Y tế", None, SOURCE_WEB)]
    with app.app_context():
        for values, unit_name, text, source in rows:
            raw = {str(q.id): q.options[v - 1][0] for q, v in zip(scales, values, strict=True)}
            raw[str(unit.id)] = units[unit_name]
            if text:
                raw[str(comment.id)] = text
            services.submit_response(db.session, survey_id, raw, clock_module.now(), source,
                                     enforce_required=False)
        db.session.commit()
    return survey_id


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["participant", "judge"])
def test_participants_and_judges_get_403(client, login_as, answered, page, role) -> None:
    login_as(role)
    response = client.get(f"{BASE}/{answered}/{page}")
    assert response.status_code == 403
    assert "Nên có thêm chỗ ngồi" not in response.get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_public_is_sent_to_login(client, answered, page) -> None:
    response = client.get(f"{BASE}/{answered}/{page}")
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["organiser", "surveyor"])
def test_organisers_and_surveyors_see_results(client, login_as, answered, page, role) -> None:
    login_as(role)
    assert client.get(f"{BASE}/{answered}/{page}").status_code == 200


def test_results_page_figures(client, login_as, answered) -> None:
    login_as("surveyor")
    html = client.get(f"{BASE}/{answered}/ket-qua").get_data(as_text=True)
    text = _text(html)
    assert re.search(r'id="total-responses">\s*3\s*<', html)
    # Aspect 1: 6 answers, satisfied 5, 4, 4 -> 3/6 = 50 %; it is the only aspect answered.
    assert "Tiếp cận thông tin về thủ tục hành chính 6 3 50,0 %" in text
    assert re.search(r'id="overall-index">\s*50,0 %', html)
    table = html[html.index('id="breakdown-unit"'):]
    table = _text(table[:table.index("</table>")])
    assert "Sở Tư pháp 2 50,0 %" in table   # 5, 4, 2, 3 -> 2/4
    assert "Sở Y tế 1 50,0 %" in table      # 4, 1 -> 1/2
    source = html[html.index('id="breakdown-source"'):]
    source = _text(source[:source.index("</table>")])
    assert "Phiếu giấy 1 0,0 %" in source and "Trực tuyến (trang web) 2 75,0 %" in source
    assert "Với N = 1.000 cần ít nhất 286 phiếu" in text and "Còn thiếu 283 phiếu." in text
    assert "<svg" in html and "<script" not in html.split("</main>")[0].split("<main")[1]


def test_sample_size_helper_takes_the_typed_population(client, login_as, answered) -> None:
    login_as("organiser")
    text = _text(client.get(f"{BASE}/{answered}/ket-qua?n=400").get_data(as_text=True))
    assert "Với N = 400 cần ít nhất 200 phiếu" in text
    bad = client.get(f"{BASE}/{answered}/ket-qua?n=-5")
    assert bad.status_code == 422 and "Nhập một số nguyên dương." in bad.get_data(as_text=True)


def test_free_text_search_ignores_diacritics(client, login_as, answered) -> None:
    login_as("organiser")
    html = client.get(f"{BASE}/{answered}/y-kien?q=CHO+NGOI").get_data(as_text=True)
    assert "Nên có thêm chỗ ngồi chờ" in html and "Cán bộ nhiệt tình" not in html
    everything = client.get(f"{BASE}/{answered}/y-kien").get_data(as_text=True)
    assert "Nên có thêm chỗ ngồi chờ" in everything and "Cán bộ nhiệt tình" in everything
    none = client.get(f"{BASE}/{answered}/y-kien?q=khong+co").get_data(as_text=True)
    assert "Không có câu trả lời nào khớp với từ khoá." in none


def test_xlsx_export_opens_with_openpyxl(app, client, login_as, answered) -> None:
    login_as("organiser")
    response = client.get(f"{BASE}/{answered}/ket-qua.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Phiếu trả lời", "Tổng hợp"]
    raw = list(book["Phiếu trả lời"].iter_rows(values_only=True))
    assert raw[0][:3] == ("Mã phiếu", "Thời điểm gửi", "Hình thức")
    assert len(raw) == 4  # header + 3 responses
    assert len(raw[0]) == 3 + len(questions(app, answered))
    flat = [cell for row in raw for cell in row]
    assert "Nên có thêm chỗ ngồi chờ" in flat and "Sở Y tế" in flat and "Phiếu giấy" in flat
    first_scale = next(i for i, h in enumerate(raw[0]) if h and h.endswith("(1–5)"))
    assert [row[first_scale] for row in raw[1:]] == [5, 2, 4]
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert ("Tổng số phiếu", 3) in [row[:2] for row in summary]
    assert ("Chung", 6, 3, 50.0) in [row[:4] for row in summary]


def test_empty_results_page(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    login_as("organiser")
    response = client.get(f"{BASE}/{survey_id}/ket-qua")
    assert response.status_code == 200
    assert "Chưa có phiếu nào." in response.get_data(as_text=True)
    book = load_workbook(BytesIO(client.get(f"{BASE}/{survey_id}/ket-qua.xlsx").data))
    assert book["Phiếu trả lời"].max_row == 1


def test_survey_list_for_surveyors_has_no_design_links(client, login_as, answered) -> None:
    login_as("surveyor")
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Kết quả" in html and "Nhập phiếu" in html
    assert "Tạo từ mẫu" not in html and f'href="{BASE}/{answered}"' not in html
