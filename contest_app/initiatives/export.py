"""The organiser's judging table as an XLSX workbook, for Excel beside the browser (values
go through `contest_app.exports`, so nothing an author typed becomes a formula)."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..exports import Book
from ..i18n import number_text
from .judging import TableRow
from .models import InitiativeCall

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DECISION_LABELS = {"accepted": _l("Công nhận"), "rejected": _l("Không công nhận"),
                   "awarded": _l("Trao giải")}
HEADERS = [_l("Mã"), _l("Tên sáng kiến"), _l("Lĩnh vực"), _l("Tác giả"), _l("Đồng tác giả"),
           _l("Đơn vị"), _l("Số phiếu chấm"), _l("Số phiếu cần"), None,
           _l("Chênh lệch"), _l("Bất đồng lớn"), _l("Điểm từng giám khảo"), _l("Quyết định"),
           _l("Mức giải")]


def table_xlsx(call: InitiativeCall, rows: list[TableRow]) -> BytesIO:
    from openpyxl.styles import Font

    book = Book()
    sheet = book.sheet(_("Bảng chấm"))
    layout = sheet.layout
    sheet.append([call.title])
    layout["A1"].font = Font(bold=True)
    score = _("Điểm trung bình (/%(n)s)", n=call.total_max or 100)
    sheet.append([score if h is None else str(h) for h in HEADERS])
    for cell in layout[2]:
        cell.font = Font(bold=True)
    for row in rows:
        item, agg = row.initiative, row.aggregate
        judges = "; ".join(f"{r.judge.full_name}: {number_text(r.total, 2)}" for r in row.reviews)
        sheet.append([
            item.id, item.title, item.field, item.author.full_name, "; ".join(item.co_authors),
            item.author.unit.name if item.author.unit else "", agg.reviews, agg.expected,
            agg.score, agg.spread, _("Có") if agg.disagreement else "", judges,
            str(DECISION_LABELS.get(item.decision or "", "")), item.award or "",
        ])
    for column, width in zip("ABCDEFGHIJKLMN", (6, 50, 30, 25, 30, 30, 10, 10, 12, 10, 10, 40,
                                                16, 18), strict=True):
        layout.column_dimensions[column].width = width
    layout.freeze_panes = "A3"
    return BytesIO(book.save())
