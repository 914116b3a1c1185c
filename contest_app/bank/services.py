"""Question-bank services: versioned import (YAML folder or file, Excel sheet, web upload) as a
plan computed first (merge or replace) then written, Excel and YAML export, the legal-check
report, create / edit / approve / retire (one or many), topics and search. They flush, never
commit: the caller (a view or a CLI command) commits once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
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


MODE_MERGE, MODE_REPLACE = "merge", "replace"
IMPORT_MODES = (MODE_MERGE, MODE_REPLACE)
# A YAML file uploaded in the web: one topic's questions, a few hundred kilobytes at most.
YAML_MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # topic, difficulty, pool or group only
    approved: list[str] = field(default_factory=list)  # same content, approved by the tick
    left_alone: list[str] = field(default_factory=list)  # retired in the database: kept so
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "new_versions": len(self.new_versions),
                "retired": len(self.retired), "updated": len(self.updated),
                "approved": len(self.approved), "left_alone": len(self.left_alone),
                "unchanged": self.unchanged}

    @property
    def changed(self) -> bool:
        return bool(self.added or self.new_versions or self.retired or self.updated
                    or self.approved)


@dataclass
class PlanItem:
    """One line of an import plan: a question, where the file has it, and what happens."""

    key: str
    file: str = ""
    line: int = 0
    status: str = ""  # the question's status after the import
    note: str = ""


@dataclass
class ImportPlan:
    """What an import would do, computed without writing anything."""

    mode: str
    approve: bool
    source: str
    records: list[QuestionRecord]
    problems: list[Problem]
    facts_checked: bool = True
    added: list[PlanItem] = field(default_factory=list)
    changed: list[PlanItem] = field(default_factory=list)  # a new version
    updated: list[PlanItem] = field(default_factory=list)  # attributes only
    approved: list[PlanItem] = field(default_factory=list)
    unchanged: list[PlanItem] = field(default_factory=list)
    left_alone: list[PlanItem] = field(default_factory=list)
    retired: list[PlanItem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "new_versions": len(self.changed),
                "updated": len(self.updated), "approved": len(self.approved),
                "unchanged": len(self.unchanged), "left_alone": len(self.left_alone),
                "retired": len(self.retired), "errors": len(self.errors)}

    def fingerprint(self) -> str:
        """A digest of what the plan would write: the confirmation must match the preview."""
        parts = [self.mode, str(self.approve)] + [
            f"{name}:{item.key}:{item.status}" for name in (
                "added", "changed", "updated", "approved", "left_alone", "retired")
            for item in getattr(self, name)]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def check_result(self) -> CheckResult:
        return CheckResult(self.records, self.problems, self.facts_checked)


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


def _approve(version: QuestionVersion, actor_id: int | None, stamp: datetime) -> None:
    """Record an approval: who, when, and that the legal check was ticked."""
    version.approved_by_id, version.approved_at = actor_id, stamp
    version.legal_checked = True


def _set_attributes(question: Question, record: QuestionRecord, topic: Topic) -> bool:
    """Take topic, difficulty, pool and group from the record; True when one changed."""
    if (question.topic_id, question.difficulty, question.pool, question.draw_group) == (
            topic.id, record.difficulty, record.pool, record.group):
        return False
    question.topic = topic
    question.difficulty = record.difficulty
    question.pool, question.draw_group = record.pool, record.group
    return True


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


def _target_status(file_status: str, mode: str, approve: bool) -> str:
    """The status a new or changed question takes: approved only when the importing
    organiser ticked the legal check (and the file says approved); retired from a file only
    in replace mode; otherwise waiting for approval (draft)."""
    if file_status == "retired" and mode == MODE_REPLACE:
        return "retired"
    if file_status == "approved" and approve:
        return "approved"
    return "draft"


def _existing_questions(session: Session) -> dict[str, Question]:
    return {q.key: q for q in session.scalars(
        select(Question).options(selectinload(Question.versions)))}


def _cross_topic_errors(records: Sequence[QuestionRecord],
                        existing: dict[str, Question]) -> list[Problem]:
    """An id the bank already uses for a different question of another topic: an error (the
    file's author picked an id that is taken)."""
    out: list[Problem] = []
    for record in records:
        question = existing.get(record.id)
        if question is None or question.topic.key == record.topic:
            continue
        current = current_version(question)
        if current is not None and current.content_hash == rules.content_hash(record):
            continue  # the same question moved to another topic
        out.append(rules.error(record, "id_other_topic",
                               rules.N_("Mã câu hỏi %(id)s đã được dùng cho một câu hỏi khác "
                                        "thuộc chủ đề «%(topic)s»; hãy đặt mã khác."),
                               line=record.line_of("id"), id=record.id,
                               topic=question.topic.name))
    return out


def plan_records(session: Session, records: list[QuestionRecord],
                 topics: dict[str, TopicDef], *, parse_problems: Sequence[Problem] = (),
                 mode: str = MODE_MERGE, approve: bool = False, source: str = "",
                 facts_dir: str | Path | None = None) -> ImportPlan:
    """Check the records and work out, question by question, what importing them would do.
    Writes nothing.

    Merge (the default) adds new ids and gives changed questions a new version; it never
    retires, and never touches a question retired in the database ("left alone"). Replace
    also retires every question the file lacks. New content arrives waiting for approval
    unless `approve` (the organiser ticked that the legal check was done for the file)."""
    if mode not in IMPORT_MODES:
        raise ValueError(f"unknown import mode {mode!r}")
    problems = list(parse_problems)
    if not records and not problems:
        problems.append(rules.error((source, 0, None), "no_questions",
                                    rules.N_("Không có câu hỏi nào để nhập.")))
    result = rules.check_records(records, topics, facts_dir, problems)
    existing = _existing_questions(session)
    plan = ImportPlan(mode=mode, approve=approve, source=source, records=records,
                      problems=result.problems, facts_checked=result.facts_checked)
    cross = _cross_topic_errors(records, existing)
    if cross:
        plan.problems = sorted([*plan.problems, *cross],
                               key=lambda p: (p.file, p.line, p.severity != rules.ERROR))
    seen: set[str] = set()
    for rec in records:
        if not rec.id or rec.id in seen:
            continue
        seen.add(rec.id)
        item = PlanItem(rec.id, rec.file, rec.line)
        question = existing.get(rec.id)
        if question is None:
            item.status = _target_status(rec.status, mode, approve)
            plan.added.append(item)
            continue
        if question.status == "retired":
            item.status = "retired"
            (plan.unchanged if rec.status == "retired" else plan.left_alone).append(item)
            continue
        current = current_version(question)
        same_content = current is not None and current.content_hash == rules.content_hash(rec)
        attributes = (question.topic.key, question.difficulty, question.pool,
                      question.draw_group) != (rec.topic, rec.difficulty, rec.pool, rec.group)
        if not same_content:
            item.status = _target_status(rec.status, mode, approve)
            if item.status == "retired":  # replace mode: the new version, retired at once
                item.note = "retired"
            plan.changed.append(item)
        elif mode == MODE_REPLACE and rec.status == "retired":
            item.status = "retired"
            plan.retired.append(item)
        elif (question.status == "draft" and rec.status == "approved" and approve):
            item.status = "approved"
            plan.approved.append(item)
        elif attributes:
            item.status = question.status
            plan.updated.append(item)
        else:
            item.status = question.status
            plan.unchanged.append(item)
    if mode == MODE_REPLACE:
        for key, question in sorted(existing.items()):
            if key not in seen and question.status != "retired":
                plan.retired.append(PlanItem(key, status="retired", note="missing"))
    return plan


def apply_plan(session: Session, plan: ImportPlan, topics: dict[str, TopicDef], *,
               actor_id: int | None = None) -> ImportSummary:
    """Write an import plan (raise BankCheckFailed when it has errors). Approvals are
    recorded as `actor_id`'s, with the legal check ticked."""
    if plan.errors:
        raise BankCheckFailed(plan.problems)
    topic_rows = sync_topics(session, topics)
    existing = _existing_questions(session)
    records = {r.id: r for r in plan.records}
    stamp = now()
    summary = ImportSummary(unchanged=len(plan.unchanged))
    for item in plan.added:
        rec = records[item.key]
        question = Question(key=rec.id, topic=topic_rows[rec.topic], difficulty=rec.difficulty,
                            status=item.status, pool=rec.pool, draw_group=rec.group,
                            current_version=0, created_at=stamp)
        session.add(question)
        version = _add_version(question, rec, actor_id, stamp)
        if item.status == "approved":
            _approve(version, actor_id, stamp)
        summary.added.append(item.key)
    for item in plan.changed:
        rec, question = records[item.key], existing[item.key]
        _set_attributes(question, rec, topic_rows[rec.topic])
        version = _add_version(question, rec, actor_id, stamp)
        if item.status == "approved":
            _approve(version, actor_id, stamp)
        question.status = item.status
        summary.new_versions.append(item.key)
    for item in plan.updated:
        rec, question = records[item.key], existing[item.key]
        _set_attributes(question, rec, topic_rows[rec.topic])
        question.updated_at = stamp
        summary.updated.append(item.key)
    for item in plan.approved:
        rec, question = records[item.key], existing[item.key]
        _set_attributes(question, rec, topic_rows[rec.topic])
        version = current_version(question)
        if version is not None:
            _approve(version, actor_id, stamp)
        question.status, question.updated_at = "approved", stamp
        summary.approved.append(item.key)
    for item in plan.retired:
        question = existing[item.key]
        if item.key in records:
            _set_attributes(question, records[item.key], topic_rows[records[item.key].topic])
        question.status, question.updated_at = "retired", stamp
        summary.retired.append(item.key)
    summary.left_alone = [item.key for item in plan.left_alone]
    session.flush()
    if summary.changed:
        audit(actor_id, "bank.import", "QuestionBank",
              after={**summary.counts(), "mode": plan.mode, "approved_on_import": plan.approve},
              reason=plan.source[:500])
    return summary


def import_records(session: Session, records: list[QuestionRecord],
                   topics: dict[str, TopicDef], *, actor_id: int | None = None,
                   mode: str = MODE_MERGE, approve: bool = False,
                   source: str = "") -> ImportSummary:
    """Check, plan and write records (raise BankCheckFailed on any error)."""
    plan = plan_records(session, records, topics, mode=mode, approve=approve, source=source)
    return apply_plan(session, plan, topics, actor_id=actor_id)


def plan_path(session: Session, path: str | Path, *, mode: str = MODE_MERGE,
              approve: bool = False, facts_dir: str | Path | None = None,
              ) -> tuple[ImportPlan, dict[str, TopicDef]]:
    """The plan of importing a bank folder (or one YAML file)."""
    path = Path(path)
    topics = topic_defs(session, rules.topics_file_for(path))
    records, parse_problems = rules.parse_path(path)
    plan = plan_records(session, records, topics, parse_problems=parse_problems, mode=mode,
                        approve=approve, source=str(path), facts_dir=facts_dir)
    return plan, topics


def import_path(session: Session, path: str | Path, *, actor_id: int | None = None,
                mode: str = MODE_MERGE, approve: bool = False,
                facts_dir: str | Path | None = None) -> tuple[ImportSummary, CheckResult]:
    """Check then import a bank folder (or one file); raises BankCheckFailed on any error.
    Merge mode unless `mode="replace"`; see `plan_records`."""
    plan, topics = plan_path(session, path, mode=mode, approve=approve, facts_dir=facts_dir)
    return apply_plan(session, plan, topics, actor_id=actor_id), plan.check_result()


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


def _yaml_item(question: Question) -> dict[str, Any]:
    rec = record_of(question)
    item: dict[str, Any] = {
        "id": rec.id, "difficulty": rec.difficulty, "text": rec.text,
        "options": list(rec.options),
        "answer": rec.answer[0] if len(rec.answer) == 1 else list(rec.answer),
        "explanation": rec.explanation, "legal_basis": rec.legal_basis,
        "facts": list(rec.facts), "confidence": rec.confidence, "status": rec.status,
        "pool": rec.pool,
    }
    if rec.group:
        item["group"] = rec.group
    return item


def _yaml_text(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000,
                          default_flow_style=False)


def export_yaml(session: Session, folder: str | Path) -> dict[str, int]:
    """The whole bank as YAML, one file per topic (`<topic key>.yaml`) plus topics.yaml, in
    the format `bank check` and `bank import` read. Returns questions per written file."""
    import re

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    defs = topic_defs(session)
    topics = list_topics(session)
    (folder / rules.TOPICS_FILE).write_text(_yaml_text({"topics": [
        {"key": t.key, "name": t.name, **({"prefix": defs[t.key].prefix}
                                          if t.key in defs and defs[t.key].prefix else {})}
        for t in topics]}), encoding="utf-8")
    by_topic: dict[str, list[Question]] = {}
    for question in _bank_questions(session):
        by_topic.setdefault(question.topic.key, []).append(question)
    written: dict[str, int] = {}
    for key, questions in by_topic.items():
        stem = key if re.fullmatch(r"[A-Za-z0-9_.\-]+", key) and key != "topics" \
            else "topic_" + hashlib.sha256(key.encode()).hexdigest()[:8]
        name = f"{stem}.yaml"
        (folder / name).write_text(_yaml_text({
            "topic": key, "questions": [_yaml_item(q) for q in questions]}), encoding="utf-8")
        written[name] = len(questions)
    return written


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


def plan_xlsx(session: Session, source: str | Path | IO[bytes], *, name: str | None = None,
              mode: str = MODE_MERGE, approve: bool = False,
              facts_dir: str | Path | None = None) -> tuple[ImportPlan, dict[str, TopicDef]]:
    """The plan of importing a bank sheet."""
    name = name or Path(str(source)).name
    topics = topic_defs(session)
    records, parse_problems = read_xlsx(source, name)
    plan = plan_records(session, records, topics, parse_problems=parse_problems, mode=mode,
                        approve=approve, source=name, facts_dir=facts_dir)
    return plan, topics


def import_xlsx(session: Session, source: str | Path | IO[bytes], *, name: str | None = None,
                actor_id: int | None = None, mode: str = MODE_MERGE, approve: bool = False,
                facts_dir: str | Path | None = None) -> tuple[ImportSummary, CheckResult]:
    """Check then import a bank sheet (merge unless `mode="replace"`)."""
    plan, topics = plan_xlsx(session, source, name=name, mode=mode, approve=approve,
                             facts_dir=facts_dir)
    return apply_plan(session, plan, topics, actor_id=actor_id), plan.check_result()


class UploadRejected(DomainError):
    """An uploaded bank file that cannot be read at all (kind, size, encoding)."""

    code = "bank_upload_rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def upload_kind(filename: str) -> str | None:
    """"xlsx" or "yaml" from the uploaded file's name, None for anything else."""
    suffix = Path(filename or "").suffix.lower()
    return {".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)


def plan_upload(session: Session, data: bytes, filename: str, *, mode: str = MODE_MERGE,
                approve: bool = False, facts_dir: str | Path | None = None,
                ) -> tuple[ImportPlan, dict[str, TopicDef]]:
    """The plan of importing an uploaded Excel sheet or YAML file (bounded in size)."""
    kind = upload_kind(filename)
    name = Path(filename).name
    if kind == "xlsx":
        if len(data) > SHEET_LIMITS.max_bytes:
            raise UploadRejected(str(_l("Tệp Excel lớn quá giới hạn %(mb)s MB.",
                                        mb=SHEET_LIMITS.max_bytes // (1024 * 1024))))
        return plan_xlsx(session, BytesIO(data), name=name, mode=mode, approve=approve,
                         facts_dir=facts_dir)
    if kind == "yaml":
        if len(data) > YAML_MAX_BYTES:
            raise UploadRejected(str(_l("Tệp YAML lớn quá giới hạn %(mb)s MB.",
                                        mb=YAML_MAX_BYTES // (1024 * 1024))))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadRejected(str(_l("Tệp YAML không được mã hóa UTF-8."))) from None
        topics = topic_defs(session)
        records, parse_problems = rules.parse_text(text, name)
        plan = plan_records(session, records, topics, parse_problems=parse_problems, mode=mode,
                            approve=approve, source=name, facts_dir=facts_dir)
        return plan, topics
    raise UploadRejected(str(_l("Chỉ nhận tệp Excel (.xlsx) hoặc YAML (.yaml, .yml).")))


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


def _check_one(session: Session, record: QuestionRecord, exclude_id: int | None,
               facts_dir: str | Path | None) -> tuple[dict[str, TopicDef], list[Problem]]:
    """Check one question from the browser against the rest of the bank, exactly as an
    import would; raise BankCheckFailed on its errors, return (topics, its warnings)."""
    topics = topic_defs(session)
    others = [record_of(q) for q in _bank_questions(session, ("draft", "approved"))
              if q.id != exclude_id]
    result = rules.check_records([*others, record], topics, facts_dir)
    mine = [p for p in result.problems if record.id in (p.qid, p.other_id)]
    if any(p.is_error for p in mine):
        raise BankCheckFailed(mine)
    return topics, [p for p in mine if not p.is_error]


def create_question(session: Session, key: str, record: QuestionRecord, actor_id: int | None,
                    facts_dir: str | Path | None = None) -> tuple[Question, list[Problem]]:
    """A new question written in the browser: version 1, waiting for approval."""
    record.id, record.status = key.strip(), "draft"
    record.file, record.line = record.id, 0
    if record.id and session.scalar(select(Question.id).where(Question.key == record.id)):
        raise BankCheckFailed([rules.error(record, "duplicate_id", rules.N_(
            "Mã câu hỏi %(id)s đã có trong ngân hàng (kể cả câu đã ngừng sử dụng); hãy đặt "
            "mã khác."), id=record.id)])
    topics, warnings = _check_one(session, record, None, facts_dir)
    topic = sync_topics(session, topics)[record.topic]
    stamp = now()
    question = Question(key=record.id, topic=topic, difficulty=record.difficulty,
                        status="draft", pool=record.pool, draw_group=record.group,
                        current_version=0, created_at=stamp)
    session.add(question)
    _add_version(question, record, actor_id, stamp)
    session.flush()
    audit(actor_id, "question.create", question,
          after={"key": question.key, "version": 1, "status": "draft"})
    return question, warnings


def edit_question(session: Session, question: Question, record: QuestionRecord,
                  actor_id: int | None, facts_dir: str | Path | None = None,
                  ) -> tuple[bool, list[Problem]]:
    """Save an edit from the browser exactly as an import would: checked against the rest of
    the bank, then a new version when the content changed. A new version waits for approval
    (an approved question goes back to "draft" until it is approved again); attempts keep
    the version they were given. Returns (new version?, warnings)."""
    record.id, record.status = question.key, question.status
    record.file, record.line = question.key, 0
    topics, warnings = _check_one(session, record, question.id, facts_dir)
    topic = sync_topics(session, topics)[record.topic]
    before = {"version": question.current_version, "status": question.status}
    stamp = now()
    changed = _set_attributes(question, record, topic)
    current = current_version(question)
    created = current is None or current.content_hash != rules.content_hash(record)
    if created:
        _add_version(question, record, actor_id, stamp)
        if question.status == "approved":
            question.status = "draft"
    if changed or created:
        question.updated_at = stamp
        session.flush()
        audit(actor_id, "question.edit", question, before=before,
              after={"version": question.current_version, "key": question.key,
                     "status": question.status, "pool": question.pool,
                     "group": question.draw_group})
    return created, warnings


def approve_version(session: Session, question: Question, number: int, actor_id: int,
                    facts_dir: str | Path | None = None) -> QuestionVersion:
    """Record who approved which version, when, and that the legal check was ticked; the
    question becomes drawable. This is also how an organiser brings a retired question back:
    no import ever does."""
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
    _record_approval(session, question, version, actor_id)
    return version


def _record_approval(session: Session, question: Question, version: QuestionVersion,
                     actor_id: int) -> None:
    """Approve a checked version (an approval already recorded with its legal check stays)."""
    if version.approved_at is None or version.approved_by_id is None \
            or not version.legal_checked:
        _approve(version, actor_id, now())
    before = question.status
    question.status = "approved"
    question.updated_at = now()
    session.flush()
    audit(actor_id, "question.approve", question, before={"status": before},
          after={"key": question.key, "version": version.number, "status": "approved",
                 "legal_checked": True})


def retire_question(session: Session, question: Question, actor_id: int,
                    reason: str | None = None) -> None:
    """Stop drawing a question; it and its versions stay (attempts point at them)."""
    before = question.status
    question.status = "retired"
    question.updated_at = now()
    session.flush()
    audit(actor_id, "question.retire", question, before={"status": before},
          after={"key": question.key, "status": "retired"}, reason=reason or None)


def _questions_by_keys(session: Session, keys: Iterable[str]) -> list[Question]:
    wanted = sorted({k for k in keys if k})
    found = list(session.scalars(select(Question).where(Question.key.in_(wanted))
                                 .options(selectinload(Question.versions))
                                 .order_by(Question.key)))
    if len(found) != len(wanted):
        raise NotFound("question not found")
    return found


def _as_approved(record):  # noqa: ANN001, ANN202
    """The record checked as it will be once approved (e.g. no unconfirmed fact behind it)."""
    record.status = "approved"
    return record


def bulk_approve(session: Session, keys: Iterable[str], actor_id: int,
                 facts_dir: str | Path | None = None) -> list[str]:
    """Approve the current version of every question in `keys` (legal check ticked), or none:
    BankCheckFailed lists the errors of those that cannot be approved."""
    questions = _questions_by_keys(session, keys)
    retired = [q.key for q in questions if q.status == "retired"]
    if retired:
        raise ValidationFailed(keys=_l("Câu hỏi đã ngừng sử dụng không duyệt được: %(keys)s.",
                                       keys=", ".join(retired)))
    facts = rules.load_facts(facts_dir)
    topics = topic_defs(session)
    problems = [p for q in questions for p in rules.check_record(_as_approved(record_of(q)),
                                                                 topics, facts)
                if p.is_error]
    if problems:
        raise BankCheckFailed(problems)
    done = []
    for question in questions:
        version = current_version(question)
        if version is not None and question.status != "approved":
            _record_approval(session, question, version, actor_id)
            done.append(question.key)
    if done:
        audit(actor_id, "bank.bulk_approve", "QuestionBank", after={"keys": done})
    return done


def bulk_retire(session: Session, keys: Iterable[str], actor_id: int, reason: str) -> list[str]:
    """Retire every question in `keys` with one reason (each retirement audit-logged)."""
    done = []
    for question in _questions_by_keys(session, keys):
        if question.status != "retired":
            retire_question(session, question, actor_id, reason)
            done.append(question.key)
    if done:
        audit(actor_id, "bank.bulk_retire", "QuestionBank", after={"keys": done},
              reason=reason)
    return done


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
