"""The winners' list for the organiser's decision (quyết định khen thưởng): an XLSX built from
a published ranking snapshot's prize winners, with the personal details needed to check each
winner's identity. The CCCD is decrypted here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from cryptography.fernet import InvalidToken
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from ..accounts.models import User, UserRole
from ..exports import Book
from ..quiz.models import Participation
from ..rankings.models import RankingRow, RankingSnapshot
from ..rankings.queries import INELIGIBLE_ROLES
from . import crypto

HEADER = ["STT", "Hạng", "Giải", "Họ và tên", "Ngày sinh", "Đơn vị / Xã, phường", "Số điện thoại",
          "Số CCCD", "Ghi chú"]
WIDTHS = [6, 7, 18, 28, 13, 38, 14, 16, 16]


def _border():  # openpyxl is imported only when a file is written
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)

UNREADABLE = "(không giải mã được)"


@dataclass(frozen=True)
class Winner:
    rank: int
    prize: str
    full_name: str
    date_of_birth: date | None
    unit: str
    phone: str
    cccd: str


def winners(session: Session, snapshot: RankingSnapshot, key: str) -> list[Winner]:
    """Prize winners of a snapshot in rank order. Organisers, judges and board staff are left
    out even if they were marked after publication."""
    staff_role = exists().where(UserRole.user_id == User.id,
                                UserRole.role.in_(INELIGIBLE_ROLES))
    rows = session.execute(
        select(RankingRow, User.date_of_birth, User.phone, Participation.cccd_cipher)
        .join(User, User.id == RankingRow.user_id)
        .outerjoin(Participation, and_(Participation.user_id == RankingRow.user_id,
                                       Participation.contest_id == snapshot.contest_id))
        .where(RankingRow.snapshot_id == snapshot.id, RankingRow.prize_level.is_not(None),
               User.is_staff.is_(False), ~staff_role)
        .order_by(RankingRow.position))
    result = []
    for row, born, phone, cipher in rows:
        cccd = ""
        if cipher is not None:
            try:
                cccd = crypto.decrypt(key, cipher)
            except (InvalidToken, ValueError):
                cccd = UNREADABLE
        result.append(Winner(row.rank, row.prize or "", row.full_name, born, row.unit_name,
                             phone or "", cccd))
    return result


def to_xlsx(people: list[Winner], contest_title: str, round_title: str, board_name: str | None,
            snapshot: RankingSnapshot, tz: tzinfo) -> bytes:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Book()
    sheet = book.sheet("Danh sách đạt giải")
    layout = sheet.layout
    border = _border()
    last = get_column_letter(len(HEADER))
    published = snapshot.published_at.astimezone(tz).strftime("%d/%m/%Y %H:%M")
    titles = [
        ("DANH SÁCH CÁ NHÂN ĐẠT GIẢI", Font(bold=True, size=14)),
        (contest_title.upper(), Font(bold=True, size=12)),
        (round_title + (f" – Bảng: {board_name}" if board_name else ""), Font(bold=True)),
        ("(Kèm theo Quyết định số ......./QĐ-...... ngày ..... tháng ..... năm ........)",
         Font(italic=True)),
        (f"Theo kết quả công bố lúc {published} (phiên bản {snapshot.version})",
         Font(italic=True, size=10)),
    ]
    for number, (text, font) in enumerate(titles, start=1):
        layout.merge_cells(f"A{number}:{last}{number}")
        cell = sheet.put(number, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center", vertical="center",
                                                    wrap_text=True)
    header_row = len(titles) + 2
    for col, (title, width) in enumerate(zip(HEADER, WIDTHS, strict=True), start=1):
        cell = sheet.put(header_row, col, title)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        layout.column_dimensions[get_column_letter(col)].width = width
    row = header_row
    for number, person in enumerate(people, start=1):
        row += 1
        born = person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else ""
        values = [number, person.rank, person.prize, person.full_name, born, person.unit,
                  person.phone, person.cccd, ""]
        for col, value in enumerate(values, start=1):
            cell = sheet.put(row, col, value)
            cell.border = border
            centred = col in (1, 2, 5, 7, 8)
            cell.alignment = Alignment(horizontal="center" if centred else "left",
                                       vertical="center", wrap_text=col in (3, 4, 6, 9))
            if col in (5, 7, 8):
                cell.number_format = "@"  # text: keeps leading zeros
    if not people:
        row += 1
        layout.merge_cells(f"A{row}:{last}{row}")
        sheet.put(row, 1, "Chưa có người đạt giải.").border = border
    sheet.put(row + 2, 1, f"Danh sách gồm {len(people)} người.").font = Font(
        italic=True)
    layout.freeze_panes = layout.cell(row=header_row + 1, column=1)
    layout.print_title_rows = f"{header_row}:{header_row}"
    layout.page_setup.orientation = "landscape"
    layout.page_setup.paperSize = layout.PAPERSIZE_A4
    layout.page_setup.fitToWidth, layout.page_setup.fitToHeight = 1, 0
    layout.sheet_properties.pageSetUpPr.fitToPage = True
    return book.save()
