"""Question-bank rules (pure: no Flask, no database).

Parse the bank's YAML files into plain records that remember where each question sits, read the
fact sheets, and check every record against the format and the quality rules. Every problem
carries file, line, question id, severity and a Vietnamese message (`template % params`; the
template is marked with `N_` so the web pages can translate it)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BANK_DIR = REPO_ROOT / "question_bank"
DEFAULT_FACTS_DIR = DEFAULT_BANK_DIR / "facts"
TOPICS_FILE = "topics.yaml"
LETTERS = "ABCDEF"
MIN_OPTIONS, MAX_OPTIONS = 2, 6
NEAR_DUPLICATE = 0.6
LONG_KEY_RATIO = 1.3
QUESTION_FIELDS = ("id", "topic", "difficulty", "text", "options", "answer", "explanation",
                   "legal_basis", "facts", "confidence", "status", "pool", "group")
ERROR, WARNING = "error", "warning"
# The same values as `models.py` (kept here so that the rules import no database code).
DIFFICULTIES = ("easy", "medium", "hard")
STATUSES = ("draft", "approved", "retired")
CONFIDENCES = ("primary", "secondary")
# Which rounds may draw a question: official rounds draw only "official", practice rounds only
# "practice" (a practice round reveals its keys). A missing `pool` means "official".
POOL_OFFICIAL, POOL_PRACTICE = "official", "practice"
POOLS = (POOL_OFFICIAL, POOL_PRACTICE)
GROUP_MAX = 40
GROUP_PATTERN = re.compile(r"[A-Za-z0-9_.\-]+")


def N_(text: str) -> str:
    """Mark a message template for extraction; it is translated where it is shown."""
    return text


# --- text helpers -------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    return lower if len(lower) == 1 else base


def fold(text: str) -> str:
    """NFC text lower-cased without diacritics, one character per character of
    `unicodedata.normalize("NFC", text)`, so that match positions map back to the original."""
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text or ""))


def word_set(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def clean(text: str) -> str:
    """Trim and NFC-normalise a field value, with "\n" line ends."""
    return unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").strip()


MULTI_MARKER = re.compile(r"\(?\s*chon (tat ca (cac )?|cac |nhieu )dap an( dung)?\s*\)?")


def is_multiple(text: str) -> bool:
    """A multiple-answer question says so in its stem: "(chọn tất cả đáp án đúng)"."""
    return bool(MULTI_MARKER.search(fold(text)))


def parse_letters(raw: Any) -> list[str]:
    """"A" / "a, c" / ["A", "C"] -> ["A", "C"] (tokens kept as given, upper-cased)."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    letters: list[str] = []
    for item in items:
        text = "" if item is None else str(item)
        letters.extend(t.upper() for t in re.split(r"[\s,;/]+", text.strip()) if t)
    return letters


def split_list(raw: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", raw or "") if t]


# --- records and problems ------------------------------------------------------------------

@dataclass(frozen=True)
class TopicDef:
    key: str
    name: str
    prefix: str = ""


@dataclass
class QuestionRecord:
    """One question as written in a file (or an Excel row, or the edit form)."""

    id: str
    topic: str
    difficulty: str
    text: str
    options: list[str]
    answer: list[str]
    explanation: str = ""
    legal_basis: str = ""
    facts: list[str] = field(default_factory=list)
    confidence: str = ""
    status: str = ""
    pool: str = POOL_OFFICIAL
    group: str = ""  # questions sharing a group are never drawn into one attempt
    file: str = ""
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    broken: set[str] = field(default_factory=set, compare=False, repr=False)

    @property
    def multiple(self) -> bool:
        return is_multiple(self.text)

    @property
    def correct(self) -> list[int]:
        """0-based indexes of the correct options."""
        return [LETTERS.index(a) for a in self.answer if len(a) == 1 and a in LETTERS]

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    qid: str | None
    severity: str
    code: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    other_id: str | None = None

    @property
    def message(self) -> str:
        return self.template % dict(self.params) if self.params else self.template

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        note = "" if self.is_error else "(cảnh báo) "
        return f"{self.file}:{self.line}: [{self.qid or '-'}] {note}{self.message}"


Origin = QuestionRecord | tuple[str, int, str | None]


def _problem(severity: str, origin: Origin, code: str, template: str, /, *,
             line: int | None = None, other_id: str | None = None, **params: Any) -> Problem:
    if isinstance(origin, QuestionRecord):
        file, qline, qid = origin.file, origin.line, origin.id or None
    else:
        file, qline, qid = origin
    return Problem(file, line or qline, qid, severity, code, template, params, other_id)


def error(origin: Origin, code: str, template: str, /, **kw: Any) -> Problem:
    return _problem(ERROR, origin, code, template, **kw)


def warning(origin: Origin, code: str, template: str, /, **kw: Any) -> Problem:
    return _problem(WARNING, origin, code, template, **kw)


def content_hash(record: QuestionRecord) -> str:
    """SHA-256 of what a version holds; equal hashes mean no new version is needed."""
    payload = {
        "text": record.text, "options": list(record.options), "correct": record.correct,
        "multiple": record.multiple, "explanation": record.explanation,
        "legal_basis": record.legal_basis, "facts": list(record.facts),
        "confidence": record.confidence,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --- YAML parsing ---------------------------------------------------------------------------

def _scalar(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    return "" if node.tag.endswith(":null") else node.value


def _mapping(node: yaml.MappingNode, file: str, qid: str | None,
             problems: list[Problem]) -> dict[str, yaml.Node]:
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node)
        line = key_node.start_mark.line + 1
        if key is None:
            problems.append(error((file, line, qid), "structure", N_("Tên trường phải là chữ.")))
        elif key in fields:
            problems.append(error((file, line, qid), "duplicate_field",
                                  N_("Trường «%(field)s» bị khai báo hai lần."), field=key))
        else:
            fields[key] = value_node
    return fields


def parse_text(text: str, file: str) -> tuple[list[QuestionRecord], list[Problem]]:
    """Parse one bank file's text into records (with their line numbers) and format problems."""
    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        detail = " ".join(str(p) for p in (err.context, err.problem) if p) or str(err)
        problems.append(error((file, (mark.line + 1) if mark else 1, None), "yaml_error",
                              N_("YAML sai cú pháp: %(detail)s"), detail=detail))
        return [], problems
    except yaml.YAMLError as err:
        problems.append(error((file, 1, None), "yaml_error", N_("YAML sai cú pháp: %(detail)s"),
                              detail=str(err)))
        return [], problems
    if not isinstance(root, yaml.MappingNode):
        problems.append(error((file, 1, None), "structure",
                              N_("Tệp phải có dạng «topic: …» và «questions: [...]».")))
        return [], problems
    top = _mapping(root, file, None, problems)
    for key in top:
        if key not in ("topic", "questions"):
            problems.append(error((file, top[key].start_mark.line + 1, None), "unknown_field",
                                  N_("Trường «%(field)s» không thuộc định dạng."), field=key))
    topic = _scalar(top["topic"]) if "topic" in top else None
    if not topic:
        problems.append(error((file, 1, None), "structure",
                              N_("Tệp thiếu khóa chủ đề «topic».")))
    questions = top.get("questions")
    if not isinstance(questions, yaml.SequenceNode):
        line = questions.start_mark.line + 1 if questions is not None else 1
        problems.append(error((file, line, None), "structure",
                              N_("Tệp phải có danh sách câu hỏi «questions».")))
        return [], problems
    records = []
    for item in questions.value:
        record = _parse_question(item, file, clean(topic or ""), problems)
        if record is not None:
            records.append(record)
    return records, problems


def _parse_question(node: yaml.Node, file: str, topic: str,
                    problems: list[Problem]) -> QuestionRecord | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.append(error((file, line, None), "structure",
                              N_("Mỗi câu hỏi phải là một nhóm trường (id, text, options, …).")))
        return None
    id_node = next((v for k, v in node.value if _scalar(k) == "id"), None)
    qid = clean(_scalar(id_node) or "") if id_node is not None else ""
    fields = _mapping(node, file, qid or None, problems)
    record = QuestionRecord(id=qid, topic=topic, difficulty="", text="", options=[], answer=[],
                            file=file, line=line)
    for name, value in fields.items():
        record.lines[name] = value.start_mark.line + 1
        where = (file, record.lines[name], qid or None)
        if name not in QUESTION_FIELDS:
            problems.append(error(where, "unknown_field",
                                  N_("Trường «%(field)s» không thuộc định dạng."), field=name))
        elif name in ("options", "facts") or (name == "answer"
                                              and isinstance(value, yaml.SequenceNode)):
            items = value.value if isinstance(value, yaml.SequenceNode) else None
            texts = [_scalar(v) for v in items] if items is not None else None
            if name == "facts" and texts is None and _scalar(value) is not None:
                texts = split_list(_scalar(value) or "")  # "facts: C43" or "facts: C43, C44"
            if texts is None or any(t is None for t in texts):
                record.broken.add(name)
                problems.append(error(where, "structure",
                                      N_("Trường «%(field)s» phải là danh sách."), field=name))
                continue
            values = [clean(t or "") for t in texts]
            if name == "answer":
                record.answer = parse_letters(values)
            else:
                setattr(record, name, values)
        else:
            text = _scalar(value)
            if text is None:
                record.broken.add(name)
                problems.append(error(where, "structure",
                                      N_("Trường «%(field)s» phải là một giá trị chữ."),
                                      field=name))
            elif name == "answer":
                record.answer = parse_letters(text)
            else:
                setattr(record, name, clean(text))
    if not record.pool:  # "pool:" left empty means the default
        record.pool = POOL_OFFICIAL
    return record


def bank_files(path: Path) -> list[Path]:
    """The bank's question files: `path` itself, or the *.yaml files of a folder."""
    if path.is_file():
        return [path]
    files = [*path.glob("*.yaml"), *path.glob("*.yml")]
    return sorted(f for f in files if f.name != TOPICS_FILE)


def parse_path(path: Path) -> tuple[list[QuestionRecord], list[Problem]]:
    records: list[QuestionRecord] = []
    problems: list[Problem] = []
    if not path.exists():
        return [], [error((str(path), 0, None), "structure",
                          N_("Không tìm thấy tệp hoặc thư mục %(path)s."), path=str(path))]
    for file in bank_files(path):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(error((str(file), 1, None), "yaml_error",
                                  N_("Tệp không được mã hóa UTF-8.")))
            continue
        found, issues = parse_text(text, str(file))
        records.extend(found)
        problems.extend(issues)
    return records, problems


# --- topics and facts ---------------------------------------------------------------------

def topics_file_for(path: Path) -> Path:
    """topics.yaml beside the bank being read, else the shipped one."""
    folder = path if path.is_dir() else path.parent
    candidate = folder / TOPICS_FILE
    return candidate if candidate.exists() else DEFAULT_BANK_DIR / TOPICS_FILE


def load_topics(path: Path) -> dict[str, TopicDef]:
    """Read topics.yaml: `topics: [{key, name, prefix}, ...]` (ordered)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics: dict[str, TopicDef] = {}
    for item in data.get("topics") or []:
        key = str(item.get("key") or "").strip()
        if key:
            topics[key] = TopicDef(key, clean(str(item.get("name") or key)),
                                   str(item.get("prefix") or "").strip())
    return topics


FACT_CONFIDENCES = ("primary", "secondary", "unconfirmed")
FACT_FIELDS = ("id", "statement", "document", "issued", "provision", "quote", "source",
               "confidence", "confirmed", "read_on", "replaced_by", "replaced_on", "gloss",
               "notes")
FACT_REQUIRED = ("id", "statement", "document", "issued", "source", "confidence", "confirmed",
                 "read_on")
FACT_ID_PATTERN = re.compile(r"[A-Z]\d+")
DATE_PATTERN = re.compile(r"\d{4}(-\d{2}-\d{2})?")
RECENT_YEARS = ("2025", "2026")


@dataclass(frozen=True)
class Fact:
    """One fact row: from `question_bank/facts/*.yaml` (structured) or a legacy markdown sheet."""

    id: str
    text: str
    mark: str
    source: str
    file: str
    line: int
    document: str = ""
    issued: str = ""
    provision: str = ""
    quote: str = ""
    source_title: str = ""
    source_url: str = ""
    confidence: str = ""
    confirmed: str = ""
    read_on: str = ""
    replaced_by: str = ""
    replaced_on: str = ""
    structured: bool = False  # read from a YAML facts file (the quote rules apply)

    @property
    def unusable(self) -> str | None:
        """"UNCONFIRMED" or "AVOID" when the row's mark forbids its use (for a YAML row:
        `confidence: unconfirmed`)."""
        if self.structured:
            if self.confidence != "unconfirmed":
                return None
            return "AVOID" if "AVOID" in self.confirmed else "UNCONFIRMED"
        for flag in ("UNCONFIRMED", "AVOID"):
            if flag in self.mark:
                return flag
        return None

    @property
    def partly_unconfirmed(self) -> bool:
        return "unconfirmed" in self.mark.lower() and not self.unusable

    @property
    def recent(self) -> bool:
        """The fact is about a text issued in 2025 or 2026."""
        return self.issued[:4] in RECENT_YEARS


FACT_ID = re.compile(r"^\*{0,2}([A-Z]\d+)\*{0,2}$")


def _column(header: list[str], cells: list[str], prefix: str) -> str | None:
    for i, name in enumerate(header):
        if name.startswith(prefix) and i < len(cells):
            return cells[i]
    return None


def parse_fact_sheet(text: str, file: str) -> dict[str, Fact]:
    """Fact rows of a markdown sheet: table rows whose first cell is an id ("C43", "**B2**")."""
    facts: dict[str, Fact] = {}
    header: list[str] = []
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            section, header = line.lstrip("#").strip(), []
            continue
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        match = FACT_ID.match(cells[0])
        if not match:
            if not re.fullmatch(r"[-:|\s]+", line):
                header = [c.lower() for c in cells]
            continue
        fact_id = match.group(1)
        if fact_id in facts:
            continue
        mark = _column(header, cells, "mark")
        source = _column(header, cells, "source")
        facts[fact_id] = Fact(
            id=fact_id, text=cells[1] if len(cells) > 1 else "",
            mark=mark if mark is not None else line,
            source=source or f"{Path(file).name} — {section}", file=file, line=number,
        )
    return facts


def _valid_date(text: str) -> bool:
    """"2025" or a real calendar date "2025-06-09"."""
    if not DATE_PATTERN.fullmatch(text):
        return False
    if len(text) == 4:
        return True
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_fact_file(text: str, file: str) -> tuple[list[Fact], list[Problem]]:
    """The rows of one `question_bank/facts/*.yaml` file (`facts: [...]`) and its problems."""
    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        problems.append(error((file, (mark.line + 1) if mark else 1, None), "yaml_error",
                              N_("YAML sai cú pháp: %(detail)s"), detail=str(err)))
        return [], problems
    top = _mapping(root, file, None, problems) if isinstance(root, yaml.MappingNode) else {}
    items = top.get("facts")
    if not isinstance(items, yaml.SequenceNode) or set(top) - {"facts"}:
        problems.append(error((file, 1, None), "fact_structure",
                              N_("Tệp dữ kiện phải có dạng «facts: [...]» (một danh sách dữ "
                                 "kiện) và không có khóa nào khác.")))
        if not isinstance(items, yaml.SequenceNode):
            return [], problems
    facts = []
    for node in items.value:
        fact = _parse_fact(node, file, problems)
        if fact is not None:
            facts.append(fact)
    return facts, problems


def _parse_fact(node: yaml.Node, file: str, problems: list[Problem]) -> Fact | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.append(error((file, line, None), "fact_structure",
                              N_("Mỗi dữ kiện phải là một nhóm trường (id, statement, "
                                 "document, …).")))
        return None
    id_node = next((v for k, v in node.value if _scalar(k) == "id"), None)
    fid = clean(_scalar(id_node) or "") if id_node is not None else ""
    fields = _mapping(node, file, fid or None, problems)
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    source: dict[str, str] = {}
    for name, value in fields.items():
        lines[name] = value.start_mark.line + 1
        where = (file, lines[name], fid or None)
        if name not in FACT_FIELDS:
            problems.append(error(where, "fact_unknown_field",
                                  N_("Trường «%(field)s» không thuộc định dạng dữ kiện."),
                                  field=name))
        elif name == "source":
            parts = _mapping(value, file, fid or None, problems) \
                if isinstance(value, yaml.MappingNode) else None
            if parts is None or set(parts) - {"title", "url"} or \
                    any(_scalar(v) is None for v in parts.values()):
                problems.append(error(where, "fact_structure",
                                      N_("Trường «source» phải có dạng «title: …» và "
                                         "«url: …».")))
                continue
            source = {k: clean(_scalar(v) or "") for k, v in parts.items()}
        else:
            text = _scalar(value)
            if text is None:
                problems.append(error(where, "fact_structure",
                                      N_("Trường «%(field)s» phải là một giá trị chữ."),
                                      field=name))
                continue
            values[name] = clean(text)
    at = (file, line, fid or None)
    for name in FACT_REQUIRED:
        if name not in fields:
            problems.append(error(at, "fact_missing_field",
                                  N_("Dữ kiện thiếu trường «%(field)s»."), field=name))
        elif name != "issued" and name in values and not values[name]:
            problems.append(error((file, lines[name], fid or None), "fact_empty_field",
                                  N_("Trường «%(field)s» của dữ kiện đang trống."), field=name))
    if fid and not FACT_ID_PATTERN.fullmatch(fid):
        problems.append(error((file, lines.get("id", line), fid), "fact_bad_id",
                              N_("Mã dữ kiện «%(id)s» phải gồm một chữ in hoa và các chữ số "
                                 "(ví dụ C59, E12)."), id=fid))
    confidence = values.get("confidence", "")
    if confidence and confidence not in FACT_CONFIDENCES:
        problems.append(error((file, lines["confidence"], fid or None), "fact_bad_confidence",
                              N_("Giá trị confidence «%(value)s» không hợp lệ (chọn một trong: "
                                 "%(allowed)s)."), value=confidence,
                              allowed=", ".join(FACT_CONFIDENCES)))
    for name, template in (
            ("issued", N_("Ngày ban hành (issued) «%(value)s» phải có dạng YYYY-MM-DD "
                          "(hoặc chỉ năm YYYY), hoặc để trống khi không rõ.")),
            ("read_on", N_("Ngày đọc (read_on) «%(value)s» phải là một ngày có dạng "
                           "YYYY-MM-DD.")),
            ("replaced_on", N_("Ngày bị thay thế (replaced_on) «%(value)s» phải có dạng "
                               "YYYY-MM-DD (hoặc chỉ năm YYYY)."))):
        value = values.get(name, "")
        wrong = (value and not _valid_date(value)) or (name == "read_on" and value
                                                       and len(value) != 10)
        if wrong:
            problems.append(error((file, lines[name], fid or None), "fact_bad_date", template,
                                  value=value))
    if values.get("replaced_on") and not values.get("replaced_by"):
        problems.append(error((file, lines["replaced_on"], fid or None), "fact_bad_date",
                              N_("Có ngày bị thay thế (replaced_on) nhưng chưa ghi văn bản thay "
                                 "thế (replaced_by).")))
    url = source.get("url", "")
    if url and not re.match(r"https?://\S+$", url):
        problems.append(error((file, lines.get("source", line), fid or None), "fact_bad_url",
                              N_("Địa chỉ nguồn (source.url) phải bắt đầu bằng http:// hoặc "
                                 "https://.")))
    if not fid or not FACT_ID_PATTERN.fullmatch(fid):
        return None  # reported above ("id" missing or malformed)
    title = source.get("title", "")
    confirmed = values.get("confirmed", "")
    return Fact(id=fid, text=values.get("statement", ""),
                mark=f"{confidence}; {confirmed}" if confirmed else confidence,
                source=" — ".join(x for x in (title, url) if x), file=file, line=line,
                document=values.get("document", ""), issued=values.get("issued", ""),
                provision=values.get("provision", ""), quote=values.get("quote", ""),
                source_title=title, source_url=url, confidence=confidence,
                confirmed=confirmed, read_on=values.get("read_on", ""),
                replaced_by=values.get("replaced_by", ""),
                replaced_on=values.get("replaced_on", ""), structured=True)


def resolve_facts_dir(facts_dir: str | Path | None = None) -> Path:
    """The facts folder: the argument, else $FACTS_PATH, else the shipped question_bank/facts."""
    chosen = facts_dir or os.environ.get("FACTS_PATH") or DEFAULT_FACTS_DIR
    return Path(chosen)


def load_fact_rows(facts_dir: str | Path | None = None
                   ) -> tuple[dict[str, Fact] | None, list[Problem]]:
    """Every fact of the folder's *.yaml files (validated) and of its legacy *.md sheets, with
    the problems of the YAML files; (None, []) when the folder is missing."""
    folder = resolve_facts_dir(facts_dir)
    if not folder.is_dir():
        return None, []
    facts: dict[str, Fact] = {}
    problems: list[Problem] = []
    for file in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(error((str(file), 1, None), "yaml_error",
                                  N_("Tệp không được mã hóa UTF-8.")))
            continue
        rows, issues = parse_fact_file(text, str(file))
        problems.extend(issues)
        for fact in rows:
            first = facts.get(fact.id)
            if first is not None:
                problems.append(error((fact.file, fact.line, fact.id), "fact_duplicate_id",
                                      N_("Mã dữ kiện %(id)s bị trùng (đã dùng ở %(where)s)."),
                                      id=fact.id, where=f"{first.file}:{first.line}"))
                continue
            facts[fact.id] = fact
    for sheet in sorted(folder.glob("*.md")):
        for fact_id, fact in parse_fact_sheet(sheet.read_text(encoding="utf-8"),
                                              str(sheet)).items():
            facts.setdefault(fact_id, fact)
    return facts, problems


def load_facts(facts_dir: str | Path | None = None) -> dict[str, Fact] | None:
    """Every fact of the facts folder (YAML files, then legacy *.md sheets); None when the
    folder is missing. The YAML files' format problems are in `load_fact_rows`."""
    return load_fact_rows(facts_dir)[0]


DATED = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\bngay \d{1,2} thang \d{1,2} nam \d{4}\b|\bthang \d{1,2}/\d{4}\b"
    r"|\b(truoc|tu|den|sau|ke tu|tinh den|cho den|cho toi|vao|trong) (ngay|thang|nam) \d")


def is_dated(text: str) -> bool:
    """The stem is explicitly dated: a date, or "Trước ngày… / Từ ngày… / đến năm…"."""
    return bool(DATED.search(fold(text)))


def names_document(text: str, document: str) -> bool:
    """The text names `document`: its number ("61/2018"), or a law's title (or its initials)
    with its year ("Luật Cán bộ, công chức 2008", "Luật CBCC 2008")."""
    folded = " ".join(re.findall(r"[\w/]+", fold(text)))
    doc = fold(document)
    number = re.search(r"\b(\d+[a-z]?/\d{4})\b", doc)
    if number and re.search(rf"(?<![\w/]){re.escape(number.group(1))}(?!\d)", folded):
        return True
    year = re.search(r"\b((?:19|20)\d{2})\b", doc)
    if not (year and doc.startswith("luat") and re.search(rf"\b{year.group(1)}\b", folded)):
        return False
    # "luật 2015", "Luật năm 2008"; for a law without a title of its own ("Luật 52/2019/QH14"),
    # "Luật sửa đổi năm 2019": the word "luật" and the year close together.
    if re.search(rf"\bluat (nam )?{year.group(1)}\b", folded) or (
            re.search(rf"\bluat(?: \S+){{0,12}}? {year.group(1)}\b", folded)
            and not re.match(r"luat [a-z]", doc)):
        return True
    title = re.match(r"luat ([a-z ,]+?)(?=\s*\d|\s*\(|$)", doc)
    if not title:
        return False
    words = re.findall(r"[a-z]+", title.group(1))
    if " ".join(words) in folded:
        return True
    initials = "".join(w[0] for w in words)
    tokens = set(folded.split())
    return any(initials[i:] in tokens for i in range(len(initials) - 2))


# --- quality patterns -------------------------------------------------------------------

ALL_OF_THE_ABOVE = [re.compile(p) for p in (
    r"\btat ca (cac |nhung )?(dap an|phuong an|lua chon)\b",
    r"\btat ca (cac |nhung )?(y|cau) (tren|neu tren|ben tren|deu)\b",
    r"\btat ca (deu|dieu) (dung|sai)\b",
    r"\b(cac|nhung) (dap an|phuong an|y|lua chon) (tren|neu tren|ben tren)\b",
    r"\bca (hai|ba|bon|2|3|4)\b",
    r"\bca [a-f] ?(va|,|&) ?[a-f]\b",
    r"\b[a-f] (va|,) [a-f] (deu )?(dung|sai)\b",
    r"\b(dap an|phuong an) [a-f]\b",
    r"\bkhong (co )?(dap an|phuong an|y|lua chon) nao\b",
)]

# The negative word is the group "neg"; it must be written in capitals.
NEGATIVES = [re.compile(p) for p in (
    r"\b(nao|day) (?P<neg>khong)\b",
    r"(?<!\bhay )\b(?P<neg>khong) (phai|dung|thuoc|duoc|bao gom|co|nam trong|phu hop|"
    r"chinh xac|can|bat buoc|la|gom|con|ap dung|dieu chinh|thuc hien|lien quan)\b",
    r"\b(nao|la|deu) (?P<neg>sai)\b(?! (gon|pham|sot|lech))",
    r"\b(?P<neg>ngoai tru)\b",
)]

UNACCENTED_WORDS = re.compile(
    r"(?<!\w)(thu tuc|hanh chinh|nghi dinh|nghi quyet|quyet dinh|co quan|cai cach|quy dinh|"
    r"chinh phu|chinh quyen|cong chuc|vien chuc|can bo|cong vu|dich vu|truc tuyen|ho so|"
    r"van ban|nha nuoc|giai quyet|dien tu|mot cua|lien thong|to chuc|phap luat|tai chinh|"
    r"thu tuong|trach nhiem|nguoi dan|doanh nghiep)(?!\w)"
)


def all_of_the_above(option: str) -> str | None:
    """The "all of the above"-style phrase in an option, if any."""
    folded = fold(option)
    for pattern in ALL_OF_THE_ABOVE:
        match = pattern.search(folded)
        if match:
            return unicodedata.normalize("NFC", option)[match.start():match.end()]
    return None


def lowercase_negative(stem: str) -> str | None:
    """The first negative of a negative stem that is not written in capitals."""
    original = unicodedata.normalize("NFC", stem)
    folded = fold(original)
    for pattern in NEGATIVES:
        for match in pattern.finditer(folded):
            word = original[match.start("neg"):match.end("neg")]
            if word != word.upper():
                return original[match.start():match.end()]
    return None


def unaccented_words(text: str) -> list[str]:
    return sorted(set(UNACCENTED_WORDS.findall(unicodedata.normalize("NFC", text).lower())))


def stem_words(text: str) -> set[str]:
    return word_set(MULTI_MARKER.sub(" ", fold(text)))


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the two stems' words that they have in common: |A∩B| / |A∪B| (Jaccard).

    Vietnamese words are syllables, and short function syllables ("của", "nào", "định") recur
    in most stems; dividing by the shorter stem flagged unrelated questions, so the union is
    the denominator."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# --- validation ----------------------------------------------------------------------------

def validate(records: list[QuestionRecord], topics: Mapping[str, TopicDef],
             facts: Mapping[str, Fact] | None, *, facts_note: str = "") -> list[Problem]:
    """Every problem of the bank `records` (errors and warnings), in file/line order.
    `facts` None means the fact sheets could not be read: fact ids are not checked."""
    problems: list[Problem] = []
    seen: dict[str, QuestionRecord] = {}
    for record in records:
        if record.id and record.id in seen:
            first = seen[record.id]
            problems.append(error(record, "duplicate_id",
                                  N_("Mã câu hỏi %(id)s bị trùng (đã dùng ở %(where)s)."),
                                  line=record.line_of("id"), id=record.id,
                                  where=f"{first.file}:{first.line}"))
        elif record.id:
            seen[record.id] = record
        problems.extend(check_record(record, topics, facts))
    problems.extend(_near_duplicates(records))
    problems.extend(_long_key_tell(records))
    problems.extend(_practice_gives_away(records))
    if facts is None and records:
        problems.append(warning((facts_note or "facts", 0, None), "facts_skipped",
                                N_("Không tìm thấy thư mục dữ kiện (%(path)s): bỏ qua kiểm tra "
                                   "mã dữ kiện (facts)."), path=facts_note or "FACTS_PATH"))
    return sorted(problems, key=lambda p: (p.file, p.line, p.severity != ERROR))


def check_record(r: QuestionRecord, topics: Mapping[str, TopicDef],
                 facts: Mapping[str, Fact] | None) -> list[Problem]:
    """The problems of one question on its own (no cross-question rules)."""
    out: list[Problem] = []
    at = r.line_of
    if not r.id:
        out.append(error(r, "missing_id", N_("Câu hỏi thiếu mã (id).")))
    elif len(r.id) > 40 or not re.fullmatch(r"[A-Za-z0-9_.\-]+", r.id):
        out.append(error(r, "bad_id", N_("Mã câu hỏi chỉ gồm chữ không dấu, số, «-», «_», "
                                         "tối đa 40 ký tự."), line=at("id")))
    else:
        prefix = topics[r.topic].prefix if r.topic in topics else ""
        if prefix and not re.fullmatch(re.escape(prefix) + r"-\d+", r.id):
            out.append(warning(r, "id_format", N_("Mã câu hỏi nên có dạng %(prefix)s-NNN."),
                               line=at("id"), prefix=prefix))
    if r.topic not in topics:
        out.append(error(r, "unknown_topic", N_("Chủ đề «%(value)s» không có trong danh sách "
                                                "chủ đề (topics.yaml)."), value=r.topic))
    for name, allowed, code in (("difficulty", DIFFICULTIES, "unknown_difficulty"),
                                ("confidence", CONFIDENCES, "unknown_confidence"),
                                ("status", STATUSES, "unknown_status"),
                                ("pool", POOLS, "unknown_pool")):
        value = getattr(r, name)
        if name not in r.broken and value not in allowed:
            out.append(error(r, code, N_("Giá trị %(field)s «%(value)s» không hợp lệ (chọn một "
                                         "trong: %(allowed)s)."), line=at(name), field=name,
                             value=value, allowed=", ".join(allowed)))
    if r.group and "group" not in r.broken and (
            len(r.group) > GROUP_MAX or not GROUP_PATTERN.fullmatch(r.group)):
        out.append(error(r, "bad_group", N_("Nhóm câu hỏi (group) chỉ gồm chữ không dấu, số, "
                                            "«-», «_», «.», tối đa 40 ký tự."),
                         line=at("group")))
    if not r.text and "text" not in r.broken:
        out.append(error(r, "empty_text", N_("Nội dung câu hỏi (text) đang trống."),
                         line=at("text")))
    if not r.explanation and "explanation" not in r.broken:
        out.append(error(r, "missing_explanation", N_("Thiếu giải thích (explanation)."),
                         line=at("explanation")))
    if not r.legal_basis and "legal_basis" not in r.broken:
        out.append(error(r, "missing_legal_basis", N_("Thiếu căn cứ pháp lý (legal_basis)."),
                         line=at("legal_basis")))
    elif len(r.legal_basis) > 500:
        out.append(error(r, "too_long", N_("Căn cứ pháp lý dài quá 500 ký tự."),
                         line=at("legal_basis")))
    if "options" not in r.broken:
        out.extend(_check_options(r))
    if "answer" not in r.broken:
        out.extend(_check_answer(r))
    if "facts" not in r.broken:
        out.extend(_check_facts(r, facts))
    if r.text:
        negative = lowercase_negative(r.text)
        if negative:
            out.append(error(r, "negative_lowercase",
                             N_("Câu hỏi phủ định phải viết HOA từ phủ định: «%(phrase)s» "
                                "(ví dụ «KHÔNG», «SAI», «NGOẠI TRỪ»)."),
                             line=at("text"), phrase=negative))
    words = unaccented_words(" ".join([r.text, *r.options, r.explanation, r.legal_basis]))
    if words:
        out.append(warning(r, "no_diacritics", N_("Có từ viết không dấu: %(words)s."),
                           words=", ".join(words)))
    return out


def _check_options(r: QuestionRecord) -> list[Problem]:
    out: list[Problem] = []
    line = r.line_of("options")
    count = len(r.options)
    if count < MIN_OPTIONS or count > MAX_OPTIONS:
        out.append(error(r, "option_count", N_("Câu hỏi có %(n)s phương án; cần từ 2 đến 6."),
                         line=line, n=count))
    elif not r.multiple and count != 4:
        out.append(warning(r, "four_options", N_("Câu hỏi một đáp án nên có đúng 4 phương án "
                                                 "(đang có %(n)s)."), line=line, n=count))
    seen: dict[str, int] = {}
    for i, option in enumerate(r.options):
        letter = LETTERS[i] if i < len(LETTERS) else str(i + 1)
        if not option:
            out.append(error(r, "empty_option", N_("Phương án %(letter)s đang trống."),
                             line=line, letter=letter))
            continue
        key = " ".join(option.split()).casefold()
        if key in seen:
            out.append(error(r, "duplicate_option", N_("Phương án %(letter)s trùng với phương án "
                                                       "%(other)s."), line=line, letter=letter,
                             other=LETTERS[seen[key]]))
        seen.setdefault(key, i)
        phrase = all_of_the_above(option)
        if phrase:
            out.append(error(r, "all_of_the_above",
                             N_("Phương án %(letter)s kiểu «tất cả các đáp án trên» (%(phrase)s) "
                                "làm đáp án mơ hồ; mỗi phương án phải đứng độc lập."),
                             line=line, letter=letter, phrase=phrase))
    return out


def _check_answer(r: QuestionRecord) -> list[Problem]:
    line = r.line_of("answer")
    if not r.answer:
        return [error(r, "no_answer", N_("Chưa có đáp án đúng (answer)."), line=line)]
    bad = [a for a in r.answer if len(a) != 1 or a not in LETTERS]
    if bad:
        return [error(r, "answer_format", N_("Đáp án «%(value)s» không hợp lệ: dùng chữ cái "
                                             "A–F."), line=line, value=", ".join(bad))]
    if len(set(r.answer)) != len(r.answer):
        return [error(r, "answer_format", N_("Đáp án có chữ cái bị lặp lại."), line=line)]
    if "options" not in r.broken:
        outside = [a for a in r.answer if LETTERS.index(a) >= len(r.options)]
        if outside:
            last = LETTERS[len(r.options) - 1] if r.options else "-"
            return [error(r, "answer_out_of_range", N_("Đáp án %(value)s không có trong các "
                                                       "phương án (chỉ có A–%(last)s)."),
                          line=line, value=", ".join(outside), last=last)]
    if len(r.answer) > 1 and not r.multiple:
        return [error(r, "several_answers_single",
                      N_("Câu hỏi một đáp án lại có nhiều đáp án đúng (%(value)s); nếu có nhiều "
                         "đáp án, ghi «(chọn tất cả đáp án đúng)» trong đề."),
                      line=line, value=", ".join(r.answer))]
    if r.multiple and len(r.answer) == 1:
        return [warning(r, "single_answer_multi", N_("Câu hỏi nhiều đáp án chỉ có một đáp án "
                                                     "đúng."), line=line)]
    return []


def _check_facts(r: QuestionRecord, facts: Mapping[str, Fact] | None) -> list[Problem]:
    line = r.line_of("facts")
    if not r.facts:
        return [warning(r, "missing_facts", N_("Câu hỏi chưa ghi mã dữ kiện làm căn cứ (facts)."),
                        line=line)]
    if facts is None:
        return []
    out: list[Problem] = []
    for fact_id in r.facts:
        fact = facts.get(fact_id)
        if fact is None:
            out.append(error(r, "unknown_fact", N_("Mã dữ kiện %(fact)s không có trong các tệp dữ "
                                                   "kiện (question_bank/facts)."),
                             line=line, fact=fact_id))
            continue
        if fact.unusable:
            report = error if r.status == "approved" else warning
            out.append(report(r, "unusable_fact", N_("Dữ kiện %(fact)s được đánh dấu %(flag)s: "
                                                     "không được dùng làm căn cứ cho câu hỏi "
                                                     "đã duyệt."),
                              line=line, fact=fact_id, flag=fact.unusable))
        elif fact.partly_unconfirmed:
            out.append(warning(r, "partly_unconfirmed_fact",
                               N_("Dữ kiện %(fact)s có chi tiết chưa xác nhận: chỉ dùng phần đã "
                                  "xác nhận."), line=line, fact=fact_id))
        if fact.structured:
            missing = [name for name, value in (("quote", fact.quote),
                                                ("source.title", fact.source_title),
                                                ("document", fact.document)) if not value]
            if missing:
                out.append(error(r, "fact_without_quote",
                                 N_("Dữ kiện %(fact)s (%(where)s) chưa có %(fields)s: câu hỏi "
                                    "chỉ được dựa trên dữ kiện có trích dẫn nguyên văn, tên "
                                    "nguồn và văn bản."), line=line, fact=fact_id,
                                 where=f"{fact.file}:{fact.line}", fields=", ".join(missing)))
        if fact.replaced_by and not _dates_replaced_text(r, fact):
            template = N_("Dữ kiện %(fact)s nói về %(document)s, đã được thay bằng "
                          "%(replaced_by)s từ %(since)s: đề phải nêu rõ văn bản cũ (ví dụ "
                          "«Theo %(document)s, …») hoặc mốc thời gian («Trước ngày …»).") \
                if fact.replaced_on else \
                N_("Dữ kiện %(fact)s nói về %(document)s, đã được thay bằng %(replaced_by)s: "
                   "đề phải nêu rõ văn bản cũ (ví dụ «Theo %(document)s, …») hoặc mốc thời "
                   "gian («Trước ngày …»).")
            out.append(error(r, "replaced_fact_present_tense", template, line=r.line_of("text"),
                             fact=fact_id, document=fact.document,
                             replaced_by=fact.replaced_by, since=_vn_date(fact.replaced_on)))
    return out


def _vn_date(text: str) -> str:
    """"2025-07-01" -> "01/7/2025"; a year stays a year."""
    if len(text) == 10:
        year, month, day = text.split("-")
        return f"{day}/{int(month)}/{year}"
    return text


def _dates_replaced_text(r: QuestionRecord, fact: Fact) -> bool:
    """A question may rest on a replaced text when its stem names that text or is dated, or
    when the replaced text appears only among the wrong options (a distractor)."""
    if names_document(r.text, fact.document) or is_dated(r.text):
        return True
    keys = set(r.correct)
    in_options = [i for i, option in enumerate(r.options) if names_document(option, fact.document)]
    return bool(in_options) and not keys & set(in_options)


def recent_share(records: Iterable[QuestionRecord], facts: Mapping[str, Fact] | None
                 ) -> tuple[int, int]:
    """(questions on a 2025–2026 text, questions) among `records`."""
    items = list(records)
    if not facts:
        return 0, len(items)
    recent = sum(any(f in facts and facts[f].recent for f in r.facts) for r in items)
    return recent, len(items)


def _practice_gives_away(records: list[QuestionRecord]) -> list[Problem]:
    """A practice question (its key is shown) must not rest on a fact an official one uses."""
    official: dict[str, str] = {}
    for r in _active(records):
        if r.pool == POOL_OFFICIAL:
            for fact_id in r.facts:
                official.setdefault(fact_id, r.id)
    out = []
    for r in _active(records):
        if r.pool != POOL_PRACTICE:
            continue
        shared = [f for f in r.facts if f in official]
        if shared:
            out.append(warning(r, "practice_shares_fact",
                               N_("Câu luyện tập dùng dữ kiện %(facts)s mà câu chính thức "
                                  "%(other)s cũng dùng: đáp án luyện tập có thể làm lộ đáp án "
                                  "câu thi chính thức."), line=r.line_of("facts"),
                               other_id=official[shared[0]], facts=", ".join(shared),
                               other=official[shared[0]]))
    return out


def _active(records: Iterable[QuestionRecord]) -> list[QuestionRecord]:
    return [r for r in records if r.status != "retired" and r.text]


def _near_duplicates(records: list[QuestionRecord]) -> list[Problem]:
    active = _active(records)
    words = [stem_words(r.text) for r in active]
    out: list[Problem] = []
    for j, later in enumerate(active):
        for i in range(j):
            earlier = active[i]
            if earlier.id == later.id:
                continue
            share = overlap(words[i], words[j])
            if share > NEAR_DUPLICATE:
                out.append(error(later, "near_duplicate",
                                 N_("Đề câu %(id)s và câu %(other)s gần trùng nhau (%(pct)s%% từ "
                                    "chung, %(where)s): câu này làm lộ đáp án câu kia."),
                                 line=later.line_of("text"), other_id=earlier.id, id=later.id,
                                 other=earlier.id, pct=round(share * 100),
                                 where=f"{earlier.file}:{earlier.line}"))
    return out


def key_is_longest(record: QuestionRecord) -> bool:
    """The key is longer than every other option by more than 30 %."""
    if record.multiple or len(record.correct) != 1 or len(record.options) < 2:
        return False
    key = record.correct[0]
    if key >= len(record.options):
        return False
    others = [len(o) for i, o in enumerate(record.options) if i != key]
    return len(record.options[key]) > LONG_KEY_RATIO * max(others)


def _long_key_tell(records: list[QuestionRecord]) -> list[Problem]:
    single = [r for r in _active(records) if not r.multiple and len(r.correct) == 1]
    tells = [r for r in single if key_is_longest(r)]
    if not single or len(tells) * 3 <= len(single):
        return []
    first = tells[0]
    return [warning((first.file, first.line, None), "long_key",
                    N_("Đáp án đúng là phương án dài nhất (dài hơn 30%% so với các phương án "
                       "khác) ở %(n)s/%(total)s câu: thí sinh đoán được đáp án. Ví dụ: "
                       "%(ids)s."), n=len(tells), total=len(single),
                    ids=", ".join(r.id for r in tells[:10]))]


# --- the whole check ------------------------------------------------------------------------

@dataclass
class CheckResult:
    records: list[QuestionRecord]
    problems: list[Problem]
    facts_checked: bool = True
    facts: Mapping[str, Fact] = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        """Approved questions: total, per pool, and those on a 2025–2026 text."""
        approved = [r for r in self.records if r.status == "approved"]
        recent, _ = recent_share(approved, self.facts)
        return {"approved": len(approved),
                "official": sum(r.pool == POOL_OFFICIAL for r in approved),
                "practice": sum(r.pool == POOL_PRACTICE for r in approved),
                "recent": recent}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_records(records: list[QuestionRecord], topics: Mapping[str, TopicDef],
                  facts_dir: str | Path | None = None,
                  parse_problems: list[Problem] | None = None) -> CheckResult:
    folder = resolve_facts_dir(facts_dir)
    facts, fact_problems = load_fact_rows(folder)
    problems = list(parse_problems or []) + validate(records, topics, facts,
                                                     facts_note=str(folder))
    return CheckResult(records, fact_problems + problems, facts is not None, facts or {})


def check_path(path: str | Path, topics: Mapping[str, TopicDef] | None = None,
               facts_dir: str | Path | None = None) -> CheckResult:
    """Parse and validate a bank folder or file (topics from topics.yaml unless given)."""
    path = Path(path)
    if topics is None:
        topics_path = topics_file_for(path)
        topics = load_topics(topics_path) if topics_path.exists() else {}
    records, problems = parse_path(path)
    return check_records(records, topics, facts_dir, problems)
