"""The decision list of a call (danh sách sáng kiến được công nhận, trao giải) for the
official decision, as DOCX and XLSX in the house style of the rankings' annex: every
recognised submission with its award level and, one row each, its author and co-authors with
their unit. The public results page reads the same rows.

python-docx and openpyxl are imported only when a file is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..exports import Book
from ..rankings import annex
from . import cycle, rules
from .models import Initiative, InitiativeCall

HEADER = ["STT", "Tên sáng kiến, giải pháp", "Lĩnh vực", "Kết quả", "Họ và tên", "Vai trò",
          "Đơn vị công tác"]
ROLE_TEXT = {cycle.AUTHOR: "Tác giả", cycle.CO_AUTHOR: "Đồng tác giả"}
ACCEPTED_TEXT = "Công nhận"


@dataclass(frozen=True)
class Person:
    role: str  # cycle.AUTHOR or cycle.CO_AUTHOR
    name: str
    unit: str


@dataclass(frozen=True)
class DecisionRow:
    initiative_id: int
    title: str
    field: str
    decision: str
    award: str | None
    people: tuple[Person, ...]

    @property
    def result(self) -> str:
        return self.award if self.decision == rules.AWARDED and self.award else ACCEPTED_TEXT


def decision_rows(session: Session, call: InitiativeCall) -> list[DecisionRow]:
    """Awarded then accepted submissions of the call (award levels in order, then by title),
    as recorded now: the organiser's list before publication, the public one after."""
    found = session.scalars(
        select(Initiative).where(Initiative.call_id == call.id,
                                 Initiative.state == rules.SUBMITTED,
                                 Initiative.decision.in_((rules.AWARDED, rules.ACCEPTED)))
        .options(selectinload(Initiative.author)).order_by(Initiative.id))
    rows = []
    for item in found:
        unit = item.author.unit.name if item.author.unit else ""
        credited = tuple(Person(role, name, place) for role, name, place in cycle.people(
            item.author.full_name, unit, list(item.co_authors or [])))
        rows.append(DecisionRow(item.id, item.title, item.field, item.decision, item.award,
                                credited))
    return sorted(rows, key=lambda r: rules.results_order(r.award, r.decision, r.title))


def _body(rows: Sequence[DecisionRow]) -> list[tuple[int, list[list[object]]]]:
    """Per submission: its number and one table row per person (the submission's cells
    filled on each, so that a filtered Excel sheet still reads right)."""
    out = []
    for number, row in enumerate(rows, start=1):
        lines = [[number, row.title, row.field, row.result, p.name, ROLE_TEXT[p.role], p.unit]
                 for p in row.people]
        out.append((number, lines))
    return out


def summary(rows: Sequence[DecisionRow]) -> list[list[object]]:
    """Submissions and people per result (award levels in order, then "Công nhận")."""
    order: dict[str, list[int]] = {}
    for row in rows:
        counted = order.setdefault(row.result, [0, 0])
        counted[0] += 1
        counted[1] += len(row.people)
    body: list[list[object]] = [[name, n, p] for name, (n, p) in order.items()]
    body.append(["Tổng cộng", len(rows), sum(len(r.people) for r in rows)])
    return body


SUMMARY_HEADER = ["Kết quả", "Số sáng kiến", "Số tác giả, đồng tác giả"]
TITLE = "DANH SÁCH SÁNG KIẾN, GIẢI PHÁP ĐƯỢC CÔNG NHẬN, TRAO GIẢI"
SUBTITLE = "(Kèm theo Quyết định số ......./QĐ-....... ngày ...... tháng ...... năm ........)"


def decision_docx(heading: annex.Heading, rows: Sequence[DecisionRow]) -> bytes:
    from docx.shared import Cm

    document = annex._document(landscape=True)
    annex._titles(document, heading, TITLE, SUBTITLE)
    if not rows:
        document.add_paragraph("Chưa có sáng kiến nào được công nhận.")
    else:
        widths = [1.0, 6.0, 3.6, 2.6, 4.2, 2.4, 5.6]
        table = document.add_table(rows=1, cols=len(HEADER))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, HEADER, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(title).bold = True
        for _number, lines in _body(rows):
            first = None
            for index, values in enumerate(lines):
                cells = table.add_row().cells
                if index == 0:
                    first = cells
                for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
                    # The submission's cells are written once and merged down its people.
                    cell.text = str(value) if index == 0 or column >= 4 else ""
            if first is not None and len(lines) > 1:
                last = table.rows[-1].cells
                for column in range(4):
                    first[column].merge(last[column])
                    first[column].text = str(lines[0][column])
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    document.add_paragraph()
    annex._heading(document, "Tổng hợp theo kết quả")
    annex._table(document, SUMMARY_HEADER, summary(rows), widths=[6.0, 4.0, 5.0],
                 bold_last=True)
    annex._signatures(document)
    return annex._save(document)


def decision_xlsx(heading: annex.Heading, rows: Sequence[DecisionRow]) -> bytes:
    book = Book()
    sheet = book.sheet("Danh sách công nhận")
    annex._xlsx_titles(sheet, heading, TITLE, len(HEADER))
    body = [line for _number, lines in _body(rows) for line in lines]
    first = annex._xlsx_table(sheet, sheet.max_row + 2, HEADER, body,
                              [6, 46, 30, 18, 28, 14, 40])
    after = annex._xlsx_table(sheet, first + 2, SUMMARY_HEADER, summary(rows), None)
    annex._xlsx_signatures(sheet, after + 2)
    return book.save()
