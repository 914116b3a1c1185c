"""Formula injection (OWASP "CSV injection"): text typed by participants, authors or anonymous
respondents never becomes a live formula in an organiser's CSV or XLSX, in any export; numbers
and dates stay typed; the question bank's Excel still round-trips."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from contest_app import clock as clock_module
from contest_app import exports
from contest_app.bank import services as bank_services
from contest_app.extensions import db
from contest_app.initiatives.models import Review, ReviewAssignment
from contest_app.surveys import services as survey_services
from contest_app.surveys.models import SOURCE_WEB
from tests.integration.initiatives.conftest import make_call, make_initiative
from tests.integration.participation.test_winners import Contest
from tests.integration.rankings.conftest import World
from tests.integration.surveys.conftest import questions as survey_questions
from tests.unit.bank.samples import BASE_QUESTIONS

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+cmd", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1",
           "\uff1d1+1"]
TRIGGERS = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
PACKAGE = Path(exports.__file__).parent
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # a number written by the csv module


def xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def assert_xlsx_inert(data: bytes, payloads: list[str]) -> list:
    """No cell is a formula or starts with a trigger; each payload is there, escaped."""
    cells = xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(TRIGGERS)]
    for payload in payloads:  # (a reader may turn a carriage return into a line feed)
        assert {"'" + payload, "'" + payload.replace("\r", "\n")} & set(texts), payload
    return cells


def assert_csv_inert(data: bytes, payloads: list[str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    flat = [v for row in rows for v in row]
    assert not [v for v in flat if v.startswith(TRIGGERS) and not NUMBER.fullmatch(v)]
    for payload in payloads:
        assert "'" + payload in flat, payload
    return rows


# --- the helper ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE + ["\uff0bx", "\uff0dx", "\uff20x"])
def test_escape_prefixes_every_trigger(text) -> None:
    assert exports.escape(text) == "'" + text
    assert exports.cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Nguyễn Văn An", "", "a=b", " =1", "'quoted", "0912345678"])
def test_plain_text_is_unchanged(text) -> None:
    assert exports.escape(text) == text


@pytest.mark.parametrize("value", [None, 0, -2, 3.5, True, date(2026, 1, 2),
                                   datetime(2026, 1, 2, 3, 4), timedelta(seconds=5)])
def test_typed_values_stay_typed(value) -> None:
    assert exports.cell(value) is value


@given(st.text())
def test_unescape_inverts_escape(text) -> None:
    escaped = exports.escape(text)
    assert exports.unescape(escaped) == text
    assert not escaped.startswith(TRIGGERS)


def test_csv_and_xlsx_helpers_escape_text_but_keep_numbers() -> None:
    rows = [[payload, -2, 1.5, None] for payload in HOSTILE]
    table = assert_csv_inert(exports.csv_bytes(["Tên", "Số", "Điểm", "Trống"], rows), HOSTILE)
    assert table[1][1:] == ["-2", "1.5", ""]
    book = exports.Book()
    sheet = book.sheet("=cmd")
    sheet.append(["Tên", "Số"])
    for row in rows:
        sheet.append(row)
    sheet.put(20, 1, "=1+1")
    cells = assert_xlsx_inert(book.save(), HOSTILE)
    numbers = [c for c in cells if c.column == 2 and c.row > 1 and c.value is not None]
    assert {c.value for c in numbers} == {-2} and {c.data_type for c in numbers} == {"n"}


# --- every export, as the organiser downloads it --------------------------------------------

def test_ranking_exports(app, client, clock, make_unit, login_as) -> None:
    world = World(app, clock)
    unit = make_unit("@SUM(A1)", headcount=10, block="-2+3")
    for n, name in enumerate(HOSTILE[:4]):
        world.attempt(world.person(name, unit_id=unit.id), 10 - n, 60 + n)
    login_as("organiser")
    token_page = f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}"
    from tests.conftest import csrf_token

    published = client.post(token_page + "/cong-bo", data={
        "csrf_token": csrf_token(client, token_page), "confirm": "yes"})
    assert published.status_code == 302
    base = token_page + "/xuat"
    people = client.get(base + "/ca-nhan.xlsx")
    cells = assert_xlsx_inert(people.data, HOSTILE[:4] + ["@SUM(A1)"])
    scores = [c for c in cells if c.column == 7 and c.row > 1]
    assert [c.value for c in scores] == [10, 9, 8, 7] and {c.data_type for c in scores} == {"n"}
    rows = assert_csv_inert(client.get(base + "/ca-nhan.csv").data, HOSTILE[:4] + ["@SUM(A1)"])
    assert [r[6] for r in rows[1:]] == ["10", "9", "8", "7"]
    assert_xlsx_inert(client.get(base + "/don-vi.xlsx").data, ["@SUM(A1)", "-2+3"])
    assert_csv_inert(client.get(base + "/don-vi.csv").data, ["@SUM(A1)", "-2+3"])


def test_winners_list_with_cccd(app, client, clock, make_unit, login_as) -> None:
    world = Contest(app, clock, make_unit)
    world.person('=HYPERLINK("http://x","y")', "Cán bộ, công chức", 10, "066204000001",
                 born=date(1990, 3, 5))
    world.person("+1+cmd", "Cán bộ, công chức", 9, "066204000002")
    world.publish({"Cán bộ, công chức": {1: 1, 2: 1}})
    login_as("organiser")
    response = client.get(
        f"/ban-to-chuc/vong-thi/{world.round_id}/danh-sach-dat-giai.xlsx"
        f"?bang={world.boards['Cán bộ, công chức']}")
    assert response.status_code == 200
    cells = assert_xlsx_inert(response.data, ['=HYPERLINK("http://x","y")', "+1+cmd"])
    assert "066204000001" in [c.value for c in cells]  # the CCCD itself is untouched


def test_initiative_judging_table(app, client, clock, make_user, login_as) -> None:
    author = make_user(full_name="-2+3")
    judge = make_user(roles={"judge"}, full_name="@SUM(A1)")
    with app.app_context():
        call = make_call(clock.now(), title="=cmd|' /C calc'!A0")
        item = make_initiative(call.id, author.id, clock.now(),
                               title='=HYPERLINK("http://x","y")', co_authors=["+1+cmd"])
        db.session.add(ReviewAssignment(initiative_id=item, judge_id=judge.id))
        db.session.add(Review(initiative_id=item, judge_id=judge.id, scores={}, total=80.0,
                              comment=""))
        db.session.commit()
        call_id = call.id
    login_as("organiser")
    response = client.get(f"/ban-to-chuc/sang-kien/dot/{call_id}/bang.xlsx")
    assert response.status_code == 200
    cells = assert_xlsx_inert(response.data, ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")',
                                              "+1+cmd", "-2+3"])
    score = next(c for c in cells if c.row == 3 and c.column == 9)
    assert score.value == 80.0 and score.data_type == "n"


def test_survey_results(app, client, make_survey, make_unit, login_as) -> None:
    make_unit("@SUM(A1)")  # a unit is an option of the survey's unit question
    survey_id = make_survey()
    qs = survey_questions(app, survey_id)
    comment = next(q for q in qs if q.kind == "long_text")
    unit = next(q for q in qs if q.profile_key == "unit")
    units = {text: oid for oid, text in unit.options}
    with app.app_context():
        for text in ["+1+cmd", "-2+3", "\t=1+1", '=HYPERLINK("http://x","y")']:
            survey_services.submit_response(
                db.session, survey_id, {str(comment.id): text, str(unit.id): units["@SUM(A1)"]},
                clock_module.now(), SOURCE_WEB, enforce_required=False)
        db.session.commit()
    login_as("organiser")
    response = client.get(f"/ban-to-chuc/khao-sat/{survey_id}/ket-qua.xlsx")
    assert response.status_code == 200
    cells = assert_xlsx_inert(response.data, ["+1+cmd", "-2+3", '=HYPERLINK("http://x","y")',
                                              "@SUM(A1)"])
    sent = [c for c in cells if c.column == 2 and c.row > 1 and c.parent.title == "Phiếu trả lời"]
    assert sent and all(isinstance(c.value, datetime) for c in sent)


def _hostile_bank() -> list[dict]:
    items = [dict(q) for q in BASE_QUESTIONS]
    items[0]["options"] = ['=HYPERLINK("http://x","y")', "+1+cmd", "@SUM(A1)", "'=quoted"]
    items[0]["explanation"] = "-2+3 là phép tính, không phải công thức."
    return items


def test_bank_export_and_legal_report_round_trip(app, import_bank, tmp_path) -> None:
    import_bank(_hostile_bank())
    path = tmp_path / "bank.xlsx"
    with app.app_context():
        bank_services.export_xlsx(db.session, path)
        report = io.BytesIO()
        bank_services.write_report(db.session, report)
    payloads = ['=HYPERLINK("http://x","y")', "+1+cmd", "@SUM(A1)",
                "-2+3 là phép tính, không phải công thức."]
    cells = assert_xlsx_inert(path.read_bytes(), payloads)
    assert "''=quoted" in [c.value for c in cells]
    assert_xlsx_inert(report.getvalue(), payloads[-1:])
    with app.app_context():
        summary, result = bank_services.import_xlsx(db.session, path)
        db.session.commit()
    assert summary.counts()["unchanged"] == len(BASE_QUESTIONS) and summary.counts()[
        "new_versions"] == 0


def test_units_template_goes_through_the_helper(client, login_as) -> None:
    login_as("organiser")
    response = client.get("/ban-to-chuc/don-vi/mau-nhap-don-vi.xlsx")
    assert response.status_code == 200
    assert [c.value for c in xlsx_cells(response.data)][:3] == ["Tên đơn vị", "Khối", "Biên chế"]


# --- nobody writes or reads a spreadsheet except through contest_app.exports -----------------

ALLOWED_OPENPYXL = ("openpyxl.styles", "openpyxl.utils", "openpyxl.worksheet.datavalidation")


# The attachment sanitiser rewrites Office XML with lxml on a parser that resolves no entities
# and reads no network (checked below); it writes no spreadsheet cell.
SANITISER = PACKAGE / "initiatives" / "sanitise.py"


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py")
            if "migrations" not in p.parts and p not in (PACKAGE / "exports.py", SANITISER)]


def test_the_sanitiser_parses_xml_without_entities_or_network() -> None:
    source = SANITISER.read_text(encoding="utf-8")
    assert "resolve_entities=False" in source and "no_network=True" in source
    assert [v for v in _violations(source) if "lxml" not in v] == []


def _draws_pdf_only(tree: ast.AST) -> bool:
    """A module that draws with fpdf2 (directly or through contest_app/pdf.py) and imports no
    openpyxl: its `.cell()` calls are fpdf2's text boxes, not spreadsheet cells."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 0 and (
                node.module == "pdf" or (node.module or "").endswith(".pdf")):
            modules.add("fpdf")  # the package's own fpdf2 helpers (contest_app/pdf.py)
    return "fpdf" in modules and "openpyxl" not in modules


def _violations(source: str) -> list[str]:
    found = []
    tree = ast.parse(source)
    pdf_only = _draws_pdf_only(tree)
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name == "csv" or name.startswith("csv.") or name in ("xml", "lxml") or (
                    name.startswith(("openpyxl", "xml.", "lxml.", "defusedxml"))
                    and not name.startswith(ALLOWED_OPENPYXL)):
                found.append(f"imports {name}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method == "cell" and not pdf_only and (len(node.args) > 2
                                     or any(k.arg == "value" for k in node.keywords)):
                found.append("writes a cell value with .cell()")
            owner = node.func.value
            if method == "append" and isinstance(owner, ast.Attribute) and owner.attr == "layout":
                found.append("appends to a raw worksheet")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "value":
                    found.append("assigns a cell's .value")
                if isinstance(target, ast.Subscript) and isinstance(
                        target.value, ast.Attribute) and target.value.attr == "layout":
                    found.append("assigns into a raw worksheet")
    return found


def test_every_spreadsheet_goes_through_the_exports_module() -> None:
    modules = _modules()
    assert len(modules) > 50  # the walk really read the package
    assert [f"{p.relative_to(PACKAGE.parent)}: {v}" for p in modules
            for v in _violations(p.read_text(encoding="utf-8"))] == []


def test_the_structural_check_catches_a_bypass() -> None:
    assert len(_violations("import csv\nfrom openpyxl import Workbook\n"
                           "ws.cell(row=1, column=1, value=x)\nsheet.layout.append([x])\n"
                           "c.value = x\nsheet.layout['A1'] = x\n")) == 6
    assert _violations("from openpyxl.styles import Font\nws.cell(row=1, column=2).font = f\n"
                       "sheet.append([x])\n") == []
