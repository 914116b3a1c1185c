"""Question-bank services: versioned import (YAML folder or Excel sheet), Excel export, the
legal-check report, approve / edit / retire, topics and search. They flush, never commit: the
caller (a view or a CLI command) commits once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import User
from ..accounts.rules import unaccent
from ..clock import now
from ..domain import DomainError, NotFound, ValidationFailed
from ..errors import register_domain_error
from ..exports import Book, Limits, Sheet, SpreadsheetRejected, read_rows, unescape
from ..organiser.models import record as audit
from . import rules
from .models import Question, QuestionVersion, Topic
from .rules import LETTERS, CheckResult, Problem, QuestionRecord, TopicDef

REPORT_TIMEZONE = "Asia/Ho_Chi_Minh"


class BankCheckFailed(DomainError):
    """The bank (or one edited question) has errors: nothing was written."""

    code = "bank_check_failed"

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("bank check failed")
        self.problems = list(problems)


register_domain_error("bank_check_failed", 422,
                      _l("Ngân hàng câu hỏi còn lỗi nên chưa có thay đổi nào được lưu."))


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # topic, difficulty or status only
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "new_versions": len(self.new_versions),
                "retired": len(self.retired), "updated": len(self.updated),
                "unchanged": self.unchanged}

    @property
    def changed(self) -> bool:
        return bool(self.added or self.new_versions or self.retired or self.updated)


# --- topics ------------------------------------------------------------------------------

def topic_defs(session: Session, topics_file: Path | None = None) -> dict[str, TopicDef]:
    """Known topics: topics.yaml (names and id prefixes) plus topics added in the web UI."""
    path = topics_file or rules.DEFAULT_BANK_DIR / rules.TOPICS_FILE
    defs = rules.load_topics(path) if path.exists() else {}
    for topic in session.scalars(select(Topic).order_by(Topic.position, Topic.id)):
        defs.setdefault(topic.key, TopicDef(topic.key, topic.name))
    return defs


def sync_topics(session: Session, defs: dict[str, TopicDef]) -> dict[str, Topic]:
    """Create the topics the database lacks and take names from topics.yaml."""
    rows = {t.key: t for t in session.scalars(select(Topic))}
    for position, topic_def in enumerate(defs.values()):
        row = rows.get(topic_def.key)
        if row is None:
            row = Topic(key=topic_def.key, name=topic_def.name, position=position)
            session.add(row)
            rows[row.key] = row
        elif row.name != topic_def.name:
            row.name = topic_def.name
    session.flush()
    return rows


def list_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).order_by(Topic.position, Topic.id)))


def add_topic(session: Session, key: str, name: str, actor_id: int | None) -> Topic:
    key, name = key.strip(), " ".join(name.split())
    if session.scalar(select(Topic.id).where(Topic.key == key)):
        raise ValidationFailed(key=_l("Đã có chủ đề với mã này."))
    position = (session.scalar(select(func.max(Topic.position))) or 0) + 1
    topic = Topic(key=key, name=name, position=position)
    session.add(topic)
    session.flush()
    audit(actor_id, "topic.create", topic, after={"key": key, "name": name})
    return topic


# --- versions ------------------------------------------------------------------------------

def current_version(question: Question) -> QuestionVersion | None:
    return next((v for v in question.versions if v.number == question.current_version), None)


def search_text(record: QuestionRecord) -> str:
    return unaccent(" ".join([record.id, record.text, *record.options]))


def record_of(question: Question, version: QuestionVersion | None = None) -> QuestionRecord:
    """A question (its current version unless given) as a bank record."""
    version = version or current_version(question)
    if version is None:
        raise NotFound("question has no version")
    return QuestionRecord(
        id=question.key, topic=question.topic.key, difficulty=question.difficulty,
        text=version.text, options=list(version.options),
        answer=[LETTERS[i] for i in version.correct], explanation=version.explanation,
        legal_basis=version.legal_basis, facts=list(version.facts or []),
        confidence=version.confidence, status=question.status, pool=question.pool,
        group=question.draw_group, file=question.key,
    )


def _apply(session: Session, question: Question | None, record: QuestionRecord,
           topics: dict[str, Topic], actor_id: int | None) -> tuple[Question, str]:
    """Write one checked record: "added", "new_version", "updated" or "unchanged"."""
    stamp = now()
    topic = topics[record.topic]
    if question is None:
        question = Question(key=record.id, topic=topic, difficulty=record.difficulty,
                            status=record.status, pool=record.pool, draw_group=record.group,
                            current_version=0, created_at=stamp)
        session.add(question)
        _add_version(question, record, actor_id, stamp)
        return question, "added"
    outcome = "unchanged"
    current = current_version(question)
    if current is None or current.content_hash != rules.content_hash(record):
        _add_version(question, record, actor_id, stamp)
        outcome = "new_version"
    if (question.topic_id, question.difficulty, question.status, question.pool,
            question.draw_group) != (topic.id, record.difficulty, record.status, record.pool,
                                     record.group):
        question.topic = topic
        question.difficulty, question.status = record.difficulty, record.status
        question.pool, question.draw_group = record.pool, record.group
        question.updated_at = stamp
        outcome = "updated" if outcome == "unchanged" else outcome
    return question, outcome


def _add_version(question: Question, record: QuestionRecord, actor_id: int | None,
                 stamp: datetime) -> QuestionVersion:
    number = max((v.number for v in question.versions), default=0) + 1
    version = QuestionVersion(
        number=number, text=record.text, options=list(record.options),
        correct=record.correct, multiple=record.multiple, explanation=record.explanation,
        legal_basis=record.legal_basis, facts=list(record.facts), confidence=record.confidence,
        content_hash=rules.content_hash(record), created_at=stamp, created_by_id=actor_id,
    )
    question.versions.append(version)
    question.current_version = number
    question.search_text = search_text(record)
    question.updated_at = stamp
    return version


def import_records(session: Session, records: Iterable[QuestionRecord],
                   topics: dict[str, TopicDef], *, actor_id: int | None = None,
                   retire_topics: set[str] | None = None, source: str = "") -> ImportSummary:
    """Write already-checked records. Questions absent from `records` are retired (those of
    `retire_topics` only, when given), never deleted."""
    topic_rows = sync_topics(session, topics)
    existing = {q.key: q for q in session.scalars(
        select(Question).options(selectinload(Question.versions)))}
    summary = ImportSummary()
    seen: set[str] = set()
    for rec in records:
        seen.add(rec.id)
        _, outcome = _apply(session, existing.get(rec.id), rec, topic_rows, actor_id)
        if outcome == "added":
            summary.added.append(rec.id)
        elif outcome == "new_version":
            summary.new_versions.append(rec.id)
        elif outcome == "updated":
            summary.updated.append(rec.id)
        else:
            summary.unchanged += 1
    for key, question in sorted(existing.items()):
        in_scope = retire_topics is None or question.topic.key in retire_topics
        if key not in seen and question.status != "retired" and in_scope:
            question.status = "retired"
            question.updated_at = now()
            summary.retired.append(key)
    session.flush()
    if summary.changed:
        audit(actor_id, "bank.import", "QuestionBank", after=summary.counts(), reason=source[:500])
    return summary


def _checked(records: list[QuestionRecord], topics: dict[str, TopicDef],
             facts_dir: str | Path | None, parse_problems: list[Problem],
             source: str) -> CheckResult:
    """Check records about to be imported; raise BankCheckFailed on any error (an empty
    source is an error too: importing it would retire the whole bank)."""
    if not records and not parse_problems:
        parse_problems = [rules.error((source, 0, None), "no_questions",
                                      rules.N_("Không có câu hỏi nào để nhập."))]
    result = rules.check_records(records, topics, facts_dir, parse_problems)
    if result.errors:
        raise BankCheckFailed(result.problems)
    return result


def import_path(session: Session, path: str | Path, *, actor_id: int | None = None,
                facts_dir: str | Path | None = None) -> tuple[ImportSummary, CheckResult]:
    """Check then import a bank folder (or one file); raises BankCheckFailed on any error.
    Importing a single file retires only missing questions of the topics that file holds."""
    path = Path(path)
    topics = topic_defs(session, rules.topics_file_for(path))
    records, parse_problems = rules.parse_path(path)
    result = _checked(records, topics, facts_dir, parse_problems, str(path))
    scope = None if path.is_dir() else {r.topic for r in records}
    summary = import_records(session, records, topics, actor_id=actor_id, retire_topics=scope,
                             source=str(path))
    return summary, result


# --- Excel --------------------------------------------------------------------------------

# Column headers of the bank sheet. They are part of the file format (read back on import),
# so they stay Vietnamese whatever the interface language.
SHEET_COLUMNS: list[tuple[str, str]] = [
    ("id", "Mã câu hỏi"), ("topic", "Chủ đề"), ("difficulty", "Mức độ"),
    ("text", "Nội dung câu hỏi"),
    *[(f"option_{c}", f"Phương án {c}") for c in LETTERS],
    ("answer", "Đáp án đúng"), ("explanation", "Giải thích"), ("legal_basis", "Căn cứ pháp lý"),
    ("facts", "Mã dữ kiện"), ("confidence", "Độ tin cậy"), ("status", "Trạng thái"),
    ("pool", "Dùng cho vòng thi (pool)"), ("group", "Nhóm câu tương tự (group)"),
    ("version", "Phiên bản hiện hành (chỉ để xem)"),
]
# A sheet without the pool column imports every row as "official"; without the group column,
# with no group.
OPTIONAL_COLUMNS = {"version", "pool", "group"}
ALIASES = {
    "difficulty": {"de": "easy", "trung binh": "medium", "kho": "hard"},
    "status": {"nhap": "draft", "ban nhap": "draft", "da duyet": "approved",
               "ngung su dung": "retired", "da ngung": "retired"},
    "confidence": {"chinh thuc": "primary", "van ban goc": "primary", "thu cap": "secondary"},
    "pool": {"": rules.POOL_OFFICIAL, "chinh thuc": rules.POOL_OFFICIAL,
             "thi chinh thuc": rules.POOL_OFFICIAL, "luyen tap": rules.POOL_PRACTICE,
             "thi thu": rules.POOL_PRACTICE},
}
WIDTHS = {"text": 60, "explanation": 50, "legal_basis": 30, **{f"option_{c}": 30 for c in LETTERS}}


# Workbooks are written and read through contest_app.exports (formula-safe cells, upload
# limits); openpyxl styles are imported inside the functions that use them: openpyxl weighs
# about 13 MB, which every web worker would otherwise carry.

# A bank sheet is one row per question; the limits leave room for a large bank.
SHEET_LIMITS = Limits(max_bytes=50 * 1024 * 1024, max_unpacked=200 * 1024 * 1024,
                      max_members=1000, max_shared_strings=2_000_000, max_rows=100_000,
                      max_columns=100)


def _write(ws: Sheet, row: int, col: int, value: Any) -> None:
    from openpyxl.styles import Alignment

    ws.put(row, col, value).alignment = Alignment(wrap_text=True, vertical="top")


def _header(ws: Sheet, titles: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        ws.put(1, col, title).font = Font(bold=True)
        ws.layout.column_dimensions[get_column_letter(col)].width = width
    ws.layout.freeze_panes = "A2"


def _bank_questions(session: Session, statuses: Iterable[str] | None = None) -> list[Question]:
    stmt = (select(Question).join(Topic).options(selectinload(Question.versions))
            .order_by(Topic.position, Topic.key, Question.key))
    if statuses is not None:
        stmt = stmt.where(Question.status.in_(list(statuses)))
    return list(session.scalars(stmt))


def export_xlsx(session: Session, target: str | Path | IO[bytes]) -> int:
    """The whole bank as one sheet, one row per question; returns the number of rows."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Book()
    ws = book.sheet("Ngân hàng câu hỏi")
    keys = [k for k, _ in SHEET_COLUMNS]
    _header(ws, [t for _, t in SHEET_COLUMNS], [WIDTHS.get(k, 14) for k in keys])
    questions = _bank_questions(session)
    for row, question in enumerate(questions, start=2):
        rec = record_of(question)
        values = {"id": rec.id, "topic": rec.topic, "difficulty": rec.difficulty,
                  "text": rec.text, "answer": ", ".join(rec.answer),
                  "explanation": rec.explanation, "legal_basis": rec.legal_basis,
                  "facts": ", ".join(rec.facts), "confidence": rec.confidence,
                  "status": rec.status, "pool": rec.pool, "group": rec.group,
                  "version": question.current_version}
        for i, option in enumerate(rec.options):
            values[f"option_{LETTERS[i]}"] = option
        for col, key in enumerate(keys, start=1):
            _write(ws, row, col, values.get(key))
    for key, allowed in (("difficulty", rules.DIFFICULTIES), ("confidence", rules.CONFIDENCES),
                         ("status", rules.STATUSES), ("pool", rules.POOLS)):
        letter = get_column_letter(keys.index(key) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"',
                               allow_blank=False)
        check.add(f"{letter}2:{letter}{max(len(questions) + 500, 1000)}")
        ws.layout.add_data_validation(check)
    book.save(target)
    return len(questions)


def _cell_text(value: Any) -> str:
    """A cell of a bank sheet as clean text; the escaping of the export is undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return rules.clean(unescape(str(value)))


def read_xlsx(source: str | Path | IO[bytes], name: str) -> tuple[list[QuestionRecord],
                                                                  list[Problem]]:
    """Rows of a bank sheet as records (line = row number) and the sheet's format problems."""
    try:
        sheet = read_rows(source, SHEET_LIMITS, csv_allowed=False)
    except SpreadsheetRejected as err:
        return [], [rules.error((name, err.row or 1, None), "xlsx_error",
                                rules.N_("Không đọc được tệp Excel: %(detail)s"),
                                detail=err.message)]
    rows = iter(values for _, values in sheet)
    header = next(rows, None) or ()
    by_title = {rules.fold(t): k for k, t in SHEET_COLUMNS}
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        key = by_title.get(rules.fold(_cell_text(title)))
        if key:
            columns.setdefault(key, i)
    missing = [t for k, t in SHEET_COLUMNS if k not in columns and k not in OPTIONAL_COLUMNS]
    if missing:
        return [], [rules.error((name, 1, None), "xlsx_error",
                                rules.N_("Dòng tiêu đề thiếu cột: %(columns)s."),
                                columns=", ".join(missing))]
    records: list[QuestionRecord] = []
    for number, values in enumerate(rows, start=2):
        cells = {k: _cell_text(values[i]) if i < len(values) else "" for k, i in columns.items()}
        if not any(v for k, v in cells.items() if k != "version"):
            continue
        options = [cells.get(f"option_{c}", "") for c in LETTERS]
        while options and not options[-1]:
            options.pop()
        cells.setdefault("pool", "")
        cells.setdefault("group", "")
        for key, aliases in ALIASES.items():
            cells[key] = aliases.get(rules.fold(cells[key]), cells[key])
        records.append(QuestionRecord(
            id=cells["id"], topic=cells["topic"], difficulty=cells["difficulty"],
            text=cells["text"], options=options, answer=rules.parse_letters(cells["answer"]),
            explanation=cells["explanation"], legal_basis=cells["legal_basis"],
            facts=rules.split_list(cells["facts"]), confidence=cells["confidence"],
            status=cells["status"], pool=cells["pool"], group=cells["group"],
            file=name, line=number,
        ))
    return records, []


def import_xlsx(session: Session, source: str | Path | IO[bytes], *, name: str | None = None,
                actor_id: int | None = None, facts_dir: str | Path | None = None,
                ) -> tuple[ImportSummary, CheckResult]:
    """Check then import a bank sheet (the whole bank: missing questions are retired)."""
    name = name or Path(str(source)).name
    topics = topic_defs(session)
    records, parse_problems = read_xlsx(source, name)
    result = _checked(records, topics, facts_dir, parse_problems, name)
    summary = import_records(session, records, topics, actor_id=actor_id, source=name)
    return summary, result


REPORT_COLUMNS: list[tuple[str, int]] = [
    ("Mã câu hỏi", 14), ("Chủ đề", 24), ("Mức độ", 10), ("Phiên bản", 10),
    ("Câu hỏi", 60), ("Các phương án", 50), ("Đáp án đúng", 40), ("Giải thích", 50),
    ("Căn cứ pháp lý", 30), ("Mã dữ kiện", 14),
    ("Văn bản của dữ kiện (số, ngày ban hành, điều khoản)", 40),
    ("Trích dẫn nguyên văn", 60), ("Nguồn của dữ kiện (tên, địa chỉ)", 60),
    ("Địa chỉ nguồn (URL)", 40), ("Mức xác nhận của dữ kiện", 40), ("Ngày đọc nguồn", 14),
    ("Văn bản đã bị thay thế", 30), ("Độ tin cậy", 12), ("Trạng thái", 12),
    ("Dùng cho vòng thi (pool)", 12),
    ("Người duyệt", 22), ("Thời điểm duyệt", 18), ("Đã kiểm tra pháp lý (đánh dấu ✓)", 18),
]


MISSING_FACT = "(không tìm thấy trong các tệp dữ kiện question_bank/facts)"


def _vn_date(text: str) -> str:
    """"2025-06-09" -> "09/6/2025"; a year or "" stays as it is."""
    if len(text) == 10 and text[4] == "-":
        return f"{text[8:]}/{int(text[5:7])}/{text[:4]}"
    return text


def fact_trail(facts: Mapping[str, rules.Fact], fact_ids: Iterable[str]) -> list[str]:
    """The report's per-fact cells, one line per cited fact ("C59: …"): document (date,
    provision), quote, source, URL, how it was confirmed, date read, replacement."""
    columns: list[list[str]] = [[] for _ in range(7)]
    for fid in fact_ids:
        fact = facts.get(fid)
        if fact is None:
            columns[0].append(f"{fid}: {MISSING_FACT}")
            columns[2].append(f"{fid}: {MISSING_FACT}")
            continue
        issued = f"ngày {_vn_date(fact.issued)}" if len(fact.issued) == 10 else \
            (f"năm {fact.issued}" if fact.issued else "")
        document = ", ".join(x for x in (fact.document, issued, fact.provision) if x)
        replaced = ""
        if fact.replaced_by:
            since = f" từ {_vn_date(fact.replaced_on)}" if fact.replaced_on else ""
            replaced = f"thay bằng {fact.replaced_by}{since}"
        confirmed = "; ".join(x for x in (fact.confidence, fact.confirmed) if x) or fact.mark
        values = [document or fact.text, fact.quote, fact.source, fact.source_url, confirmed,
                  _vn_date(fact.read_on), replaced]
        for column, value in zip(columns, values, strict=True):
            if value:
                column.append(f"{fid}: {value}")
    return ["\n".join(lines) for lines in columns]


def write_report(session: Session, target: str | Path | IO[bytes], *,
                 statuses: Iterable[str] = ("approved",), facts_dir: str | Path | None = None,
                 timezone: str = REPORT_TIMEZONE) -> int:
    """The legal-check report: per question its stem, key, explanation, legal basis, facts
    with their sources, confidence and approval. Returns the number of questions."""
    facts = rules.load_facts(facts_dir) or {}
    questions = _bank_questions(session, statuses)
    approvers = {u.id: u.full_name for u in session.scalars(select(User).where(User.id.in_(
        {v.approved_by_id for q in questions for v in q.versions if v.approved_by_id})))}
    zone = ZoneInfo(timezone)
    book = Book()
    ws = book.sheet("Kiểm tra pháp lý")
    _header(ws, [t for t, _ in REPORT_COLUMNS], [w for _, w in REPORT_COLUMNS])
    for row, question in enumerate(questions, start=2):
        version = current_version(question)
        if version is None:
            continue
        options = "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(version.options))
        key = "\n".join(f"{LETTERS[i]}. {version.options[i]}" for i in version.correct
                        if i < len(version.options))
        trail = fact_trail(facts, version.facts or [])
        approved = version.approved_at.astimezone(zone).strftime("%d/%m/%Y %H:%M") \
            if version.approved_at else ""
        values = [question.key, question.topic.name, question.difficulty, version.number,
                  version.text, options, key, version.explanation, version.legal_basis,
                  ", ".join(version.facts or []), *trail, version.confidence,
                  question.status, question.pool,
                  approvers.get(version.approved_by_id or 0, ""), approved, ""]
        for col, value in enumerate(values, start=1):
            _write(ws, row, col, value)
    book.save(target)
    return len(questions)


# --- web operations ---------------------------------------------------------------------

def get_question(session: Session, key: str) -> Question:
    question = session.scalar(select(Question).where(Question.key == key)
                              .options(selectinload(Question.versions)))
    if question is None:
        raise NotFound("question not found")
    return question


def version_authors(session: Session, question: Question) -> dict[int, User]:
    ids = {i for v in question.versions for i in (v.created_by_id, v.approved_by_id) if i}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def edit_question(session: Session, question: Question, record: QuestionRecord,
                  actor_id: int | None, facts_dir: str | Path | None = None,
                  ) -> tuple[bool, list[Problem]]:
    """Save an edit from the browser exactly as an import would: checked against the rest of
    the bank, then a new version when the content changed. Returns (new version?, warnings)."""
    record.id, record.status = question.key, question.status
    record.file, record.line = question.key, 0
    topics = topic_defs(session)
    others = [record_of(q) for q in _bank_questions(session, ("draft", "approved"))
              if q.id != question.id]
    result = rules.check_records([*others, record], topics, facts_dir)
    mine = [p for p in result.problems if question.key in (p.qid, p.other_id)]
    if any(p.is_error for p in mine):
        raise BankCheckFailed(mine)
    before = question.current_version
    _, outcome = _apply(session, question, record, sync_topics(session, topics), actor_id)
    session.flush()
    if outcome != "unchanged":
        audit(actor_id, "question.edit", question, before={"version": before},
              after={"version": question.current_version, "key": question.key,
                     "pool": question.pool, "group": question.draw_group})
    return outcome == "new_version", [p for p in mine if not p.is_error]


def approve_version(session: Session, question: Question, number: int, actor_id: int,
                    facts_dir: str | Path | None = None) -> QuestionVersion:
    """Record who approved which version, and when; the question becomes drawable."""
    version = next((v for v in question.versions if v.number == number), None)
    if version is None:
        raise NotFound("version not found")
    if number != question.current_version:
        raise ValidationFailed(version=_l("Chỉ duyệt được phiên bản hiện hành của câu hỏi."))
    record = record_of(question, version)
    record.status = "approved"  # checked as it will be: e.g. no unconfirmed fact behind it
    problems = rules.check_record(record, topic_defs(session), rules.load_facts(facts_dir))
    if any(p.is_error for p in problems):
        raise BankCheckFailed(problems)
    if version.approved_at is None:
        version.approved_by_id, version.approved_at = actor_id, now()
    before = question.status
    question.status = "approved"
    question.updated_at = now()
    session.flush()
    audit(actor_id, "question.approve", question, before={"status": before},
          after={"key": question.key, "version": number, "status": "approved"})
    return version


def retire_question(session: Session, question: Question, actor_id: int,
                    reason: str | None = None) -> None:
    """Stop drawing a question; it and its versions stay (attempts point at them)."""
    before = question.status
    question.status = "retired"
    question.updated_at = now()
    session.flush()
    audit(actor_id, "question.retire", question, before={"status": before},
          after={"key": question.key, "status": "retired"}, reason=reason or None)


def search_questions(q: str = "", topic: str = "", difficulty: str = "",
                     status: str = "", pool: str = "") -> Select[tuple[Question]]:
    """Questions whose id, text or options contain `q` without regard to case or diacritics
    ("thu tuc" finds "thủ tục"), filtered by topic key, difficulty and status."""
    stmt = select(Question).join(Topic).options(selectinload(Question.versions))
    phrase = unaccent(q)
    if phrase:
        escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Question.search_text.like(f"%{escaped}%", escape="\\"))
    if topic:
        stmt = stmt.where(Topic.key == topic)
    if difficulty:
        stmt = stmt.where(Question.difficulty == difficulty)
    if status:
        stmt = stmt.where(Question.status == status)
    if pool:
        stmt = stmt.where(Question.pool == pool)
    return stmt.order_by(Topic.position, Topic.key, Question.key)


def bank_counts(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(rules.STATUSES, 0)
    for status, n in session.execute(select(Question.status, func.count(Question.id))
                                     .group_by(Question.status)):
        counts[status] = n
    counts["total"] = sum(counts[s] for s in rules.STATUSES)
    return counts
