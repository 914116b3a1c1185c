"""Organiser exports of rankings: CSV (UTF-8 with BOM, for Excel) and XLSX, with contacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..exports import Book, csv_bytes
from .models import RankingRow, RankingSnapshot, UnitRankingRow

RANKING_HEADER = ["Hạng", "Thứ tự", "Họ và tên", "Email", "Số điện thoại", "Đơn vị / Xã, phường",
                  "Điểm",
                  "Thời gian (giây)", "Nộp bài lúc", "Dự đoán", "Chênh lệch dự đoán", "Giải"]
UNIT_HEADER = ["Khối", "Hạng", "Đơn vị", "Số người dự thi", "Biên chế", "Tỷ lệ tham gia (%)",
               "Số lượt thi", "Điểm trung bình", "Điểm cao nhất", "Số giải", "Điểm giải",
               "Điểm tập thể", "Giải tập thể"]


def ranking_rows(session: Session, snapshot: RankingSnapshot, tz: ZoneInfo
                 ) -> Iterable[list]:
    stmt = (select(RankingRow, User.email, User.phone)
            .join(User, User.id == RankingRow.user_id)
            .where(RankingRow.snapshot_id == snapshot.id)
            .order_by(RankingRow.position)
            .execution_options(yield_per=2000))
    for row, email, phone in session.execute(stmt):
        yield [row.rank, row.position, row.full_name, email, phone, row.unit_name, row.score,
               round(row.duration_ms / 1000, 3),
               row.submitted_at.astimezone(tz).strftime("%d/%m/%Y %H:%M:%S"),
               row.prediction, row.prediction_diff, row.prize or ""]


def unit_rows(session: Session, snapshot: RankingSnapshot) -> Iterable[list]:
    for r in session.scalars(select(UnitRankingRow).where(
            UnitRankingRow.snapshot_id == snapshot.id)
            .order_by(UnitRankingRow.block_name, UnitRankingRow.rank.is_(None),
                      UnitRankingRow.rank, UnitRankingRow.unit_name)):
        rate = None if r.participation_rate is None else round(r.participation_rate * 100, 2)
        avg = None if r.average_score is None else round(r.average_score, 2)
        yield [r.block_name, r.rank, r.unit_name, r.participants, r.headcount, rate,
               r.attempts, avg, r.best_score, r.prizes, r.prize_points,
               round(r.collective_score, 2), r.prize or ""]


def to_csv(header: Sequence[str], rows: Iterable[list]) -> bytes:
    return csv_bytes(header, rows)


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[list]) -> bytes:
    book = Book(write_only=True)
    sheet = book.sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book.save()
