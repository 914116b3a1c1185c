"""The paperwork an award decision (quyết định khen thưởng) needs, built from published
snapshots only: the annex listing every winner of a round or of the contest across all boards
(STT, họ và tên, ngày sinh, đơn vị or xã/phường, bảng, giải, mức thưởng) with a total per
prize level and a signature block, and the list of excluded entries with their reasons for the
minutes (biên bản). Each comes as DOCX (python-docx) and XLSX (through `exports.Book`, so no
typed text can become a formula).

python-docx and openpyxl are imported only when a file is written."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..accounts.models import User, UserRole
from ..accounts.rules import unaccent
from ..exports import Book
from .models import Exclusion, RankingRow, RankingSnapshot
from .queries import INELIGIBLE_ROLES

ANNEX_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Đơn vị / Xã, phường", "Bảng", "Giải",
                "Mức thưởng (đồng)"]
EXCLUDED_HEADER = ["STT", "Họ và tên", "Đơn vị / Xã, phường", "Bảng", "Vòng thi", "Lý do loại",
                   "Thời điểm", "Người quyết định"]


@dataclass(frozen=True)
class AnnexRow:
    full_name: str
    date_of_birth: date | None
    place: str
    board: str
    prize_level: int
    prize: str
    amount: int | None


@dataclass(frozen=True)
class LevelTotal:
    level: int
    prize: str
    people: int
    total: int | None  # None when no amount was decided for the level


@dataclass(frozen=True)
class ExcludedRow:
    full_name: str
    place: str
    board: str
    round_title: str
    reason: str
    at: datetime
    by: str


def money(amount: int | None) -> str:
    """2000000 -> "2.000.000" (Vietnamese thousands separator); None -> ""."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def file_stem(*parts: str) -> str:
    """A file name from titles, without diacritics: "phu-luc-khen-thuong-tim-hieu-cchc-tuan-1"."""
    text = "-".join(unaccent(p) for p in parts if p)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120] or "tai-lieu"


def totals(rows: Sequence[AnnexRow]) -> list[LevelTotal]:
    """People and money per prize level, in level order. A level's money is the sum of its
    winners' amounts; unknown (None) as soon as one winner's amount is undecided."""
    out: dict[int, LevelTotal] = {}
    for r in rows:
        seen = out.get(r.prize_level)
        if seen is None:
            out[r.prize_level] = LevelTotal(r.prize_level, r.prize, 1, r.amount)
        else:
            total = None if seen.total is None or r.amount is None else seen.total + r.amount
            out[r.prize_level] = LevelTotal(r.prize_level, seen.prize, seen.people + 1, total)
    return [out[level] for level in sorted(out)]


def grand_total(levels: Sequence[LevelTotal]) -> int | None:
    if any(t.total is None for t in levels):
        return None
    return sum(t.total or 0 for t in levels)


def _amounts(snapshot: RankingSnapshot) -> dict[int, int | None]:
    """Prize money per level as frozen in the snapshot at publication."""
    return {int(t["level"]): t.get("amount") for t in (snapshot.rules or {}).get(
        "prize_tiers", [])}


def annex_rows(session: Session, snapshots: Sequence[tuple[str, RankingSnapshot]]
               ) -> list[AnnexRow]:
    """Winners of the given (board name, snapshot) pairs, by prize level, board, then rank.
    Organisers, judges and board staff are left out even if marked after publication."""
    staff_role = exists().where(UserRole.user_id == User.id, UserRole.role.in_(INELIGIBLE_ROLES))
    rows: list[tuple[int, int, int, AnnexRow]] = []
    for board_index, (board, snapshot) in enumerate(snapshots):
        amounts = _amounts(snapshot)
        found = session.execute(
            select(RankingRow, User.date_of_birth).join(User, User.id == RankingRow.user_id)
            .where(RankingRow.snapshot_id == snapshot.id, RankingRow.prize_level.is_not(None),
                   User.is_staff.is_(False), ~staff_role)
            .order_by(RankingRow.position))
        for row, born in found:
            level = int(row.prize_level)
            rows.append((level, board_index, row.position, AnnexRow(
                row.full_name, born, row.unit_name or "", board, level, row.prize or "",
                amounts.get(level))))
    rows.sort(key=lambda t: t[:3])
    return [r for *_, r in rows]


def excluded_rows(session: Session, contest_id: int, round_titles: dict[int | None, str],
                  boards_of: dict[int, str]) -> list[ExcludedRow]:
    """Every exclusion of the contest (round ones and contest-wide ones), oldest first."""
    author = User.__table__.alias("author")
    found = session.execute(
        select(Exclusion, User, author.c.full_name).join(User, User.id == Exclusion.user_id)
        .outerjoin(author, author.c.id == Exclusion.created_by_id)
        .where(Exclusion.contest_id == contest_id).order_by(Exclusion.created_at, Exclusion.id))
    out = []
    for ex, user, by in found:
        unit = user.place
        out.append(ExcludedRow(user.full_name, unit, boards_of.get(user.id, ""),
                               round_titles.get(ex.round_id, "Toàn cuộc thi"), ex.reason,
                               ex.created_at, by or ""))
    return out


# --- Files ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    """The document's titles: the organiser's body, the contest, the round (or "toàn cuộc
    thi") and the publication it rests on."""

    organiser: str
    contest: str
    scope: str
    published: str  # "công bố lúc 03/12/2026 07:00 (phiên bản 2)"


def _born(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _annex_table(rows: Sequence[AnnexRow]) -> list[list[str | int]]:
    return [[i, r.full_name, _born(r.date_of_birth), r.place, r.board, r.prize, money(r.amount)]
            for i, r in enumerate(rows, start=1)]


def _totals_table(levels: Sequence[LevelTotal]) -> list[list[str | int]]:
    body: list[list[str | int]] = [[t.prize, t.people, money(t.total) or "chưa định mức"]
                                   for t in levels]
    people = sum(t.people for t in levels)
    total = grand_total(levels)
    body.append(["Tổng cộng", people, money(total) if total is not None else "chưa định mức"])
    return body


def annex_docx(heading: Heading, rows: Sequence[AnnexRow]) -> bytes:
    document = _document()
    _titles(document, heading, "DANH SÁCH KHEN THƯỞNG",
            "(Kèm theo Quyết định số ......./QĐ-....... ngày ...... tháng ...... năm ........)")
    if rows:
        _table(document, ANNEX_HEADER, _annex_table(rows), widths=[1.0, 4.2, 2.2, 5.0, 2.0,
                                                                      2.6, 2.8])
    else:
        document.add_paragraph("Chưa có người đạt giải.")
    document.add_paragraph()
    _heading(document, "Tổng hợp theo mức giải")
    _table(document, ["Giải", "Số người", "Thành tiền (đồng)"], _totals_table(totals(rows)),
           widths=[5.0, 3.0, 5.0], bold_last=True)
    _signatures(document)
    return _save(document)


def annex_xlsx(heading: Heading, rows: Sequence[AnnexRow]) -> bytes:
    book = Book()
    sheet = book.sheet("Danh sách khen thưởng")
    _xlsx_titles(sheet, heading, "DANH SÁCH KHEN THƯỞNG", len(ANNEX_HEADER))
    first = _xlsx_table(sheet, sheet.max_row + 2, ANNEX_HEADER, _annex_table(rows),
                        [6, 28, 13, 38, 14, 18, 18])
    after = _xlsx_table(sheet, first + 2, ["Giải", "Số người", "Thành tiền (đồng)"],
                        _totals_table(totals(rows)), None)
    _xlsx_signatures(sheet, after + 2)
    return book.save()


def excluded_docx(heading: Heading, rows: Sequence[ExcludedRow], tz: tzinfo) -> bytes:
    document = _document(landscape=True)
    _titles(document, heading, "DANH SÁCH BÀI DỰ THI BỊ LOẠI",
            "(Kèm theo biên bản họp Ban Tổ chức)")
    if rows:
        _table(document, EXCLUDED_HEADER, _excluded_table(rows, tz),
               widths=[1.0, 4.0, 4.5, 2.0, 2.8, 6.0, 2.8, 3.5])
    else:
        document.add_paragraph("Không có bài dự thi nào bị loại.")
    _signatures(document)
    return _save(document)


def excluded_xlsx(heading: Heading, rows: Sequence[ExcludedRow], tz: tzinfo) -> bytes:
    book = Book()
    sheet = book.sheet("Bài bị loại")
    _xlsx_titles(sheet, heading, "DANH SÁCH BÀI DỰ THI BỊ LOẠI", len(EXCLUDED_HEADER))
    _xlsx_table(sheet, sheet.max_row + 2, EXCLUDED_HEADER, _excluded_table(rows, tz),
                [6, 26, 30, 12, 16, 44, 17, 24])
    return book.save()


def _excluded_table(rows: Sequence[ExcludedRow], tz: tzinfo) -> list[list[str | int]]:
    return [[i, r.full_name, r.place, r.board, r.round_title, r.reason,
             r.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"), r.by]
            for i, r in enumerate(rows, start=1)]


# --- python-docx helpers ---------------------------------------------------------------------

def _document(landscape: bool = False):  # noqa: ANN202
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    return document


def _centred(document, text: str, bold: bool = False, italic: bool = False,  # noqa: ANN001
             size: int | None = None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)


def _titles(document, heading: Heading, title: str, subtitle: str) -> None:  # noqa: ANN001
    _centred(document, heading.organiser.upper(), bold=True)
    _centred(document, title, bold=True, size=14)
    _centred(document, heading.contest, bold=True)
    _centred(document, heading.scope)
    _centred(document, subtitle, italic=True)
    _centred(document, f"Theo kết quả {heading.published}", italic=True, size=10)


def _heading(document, text: str) -> None:  # noqa: ANN001
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True


def _table(document, header: Sequence[str], body: Sequence[Sequence[object]],  # noqa: ANN001
           widths: Sequence[float] | None = None, bold_last: bool = False) -> None:
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for number, values in enumerate(body, start=1):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run("" if value is None else str(value))
            run.bold = bold_last and number == len(body)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)


def _signatures(document) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.add_paragraph()
    place = document.add_paragraph("……………, ngày …… tháng …… năm ……")
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    for cell, lines in ((left, ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")),
                        (right, ("TM. BAN TỔ CHỨC", "TRƯỞNG BAN",
                                 "(Ký, ghi rõ họ tên, đóng dấu)"))):
        cell.text = ""
        for i, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(line)
            run.bold, run.italic = not line.startswith("("), line.startswith("(")


def _save(document) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- openpyxl helpers ------------------------------------------------------------------------

def _xlsx_titles(sheet, heading: Heading, title: str, columns: int) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = get_column_letter(columns)
    lines = [(heading.organiser.upper(), Font(bold=True)), (title, Font(bold=True, size=14)),
             (heading.contest, Font(bold=True)), (heading.scope, Font()),
             (f"Theo kết quả {heading.published}", Font(italic=True, size=10))]
    for number, (text, font) in enumerate(lines, start=1):
        sheet.layout.merge_cells(f"A{number}:{last}{number}")
        cell = sheet.put(number, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center", wrap_text=True)


def _xlsx_table(sheet, top: int, header: Sequence[str], body: Sequence[Sequence[object]],  # noqa: ANN001
                widths: Sequence[int] | None) -> int:
    """Write a bordered table from row `top`; returns its last row."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, title in enumerate(header, start=1):
        cell = sheet.put(top, col, title)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if widths:
            sheet.layout.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    row = top
    for values in body:
        row += 1
        for col, value in enumerate(values, start=1):
            cell = sheet.put(row, col, value)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(value, str):
                cell.number_format = "@"
    return row


def _xlsx_signatures(sheet, top: int) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font

    sheet.put(top, 5, "……………, ngày …… tháng …… năm ……").font = Font(italic=True)
    for col, lines in ((2, ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")),
                       (5, ("TM. BAN TỔ CHỨC", "TRƯỞNG BAN", "(Ký, ghi rõ họ tên, đóng dấu)"))):
        for i, line in enumerate(lines, start=1):
            cell = sheet.put(top + i, col, line)
            cell.font = Font(bold=not line.startswith("("), italic=line.startswith("("))
            cell.alignment = Alignment(horizontal="center")
