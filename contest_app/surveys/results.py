"""Survey results: per-question counts and percentages, the satisfaction index per aspect and
overall with breakdowns (unit, procedure, channel...), free-text answers, and the XLSX export.
Reads only; the arithmetic lives in rules.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exports import Book, Sheet
from . import rules
from .models import (
    CHOICE_KINDS,
    NUMBER,
    PROFILE_KEYS,
    SCALE,
    SOURCES,
    TEXT_KINDS,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
)
from .services import questions_of


def source_label(source: str) -> str:
    return {"web": _("Trực tuyến (trang web)"), "api": _("Ứng dụng khác (API)"),
            "paper": _("Phiếu giấy"), "phone": _("Điện thoại")}.get(source, source)


def dimension_label(key: str) -> str:
    return {"procedure": _("Theo thủ tục"), "unit": _("Theo đơn vị giải quyết"),
            "channel": _("Theo hình thức nộp hồ sơ"), "age_group": _("Theo nhóm tuổi"),
            "gender": _("Theo giới tính"), "source": _("Theo hình thức trả lời khảo sát")}[key]


@dataclass
class OptionRow:
    id: int
    text: str
    count: int
    percent: float | None
    retired: bool = False


@dataclass
class QuestionResult:
    question: SurveyQuestion
    base: int = 0  # responses that answered
    rows: list[OptionRow] = field(default_factory=list)
    numbers: rules.NumberSummary | None = None
    index: rules.Index | None = None  # scale questions


@dataclass
class SectionResult:
    section: SurveySection
    index: rules.Index | None  # None when the section has no scale question
    questions: list[QuestionResult]


@dataclass
class BreakdownRow:
    label: str
    responses: int
    by_section: list[rules.Index]
    overall: rules.Index


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]


@dataclass
class Results:
    survey: Survey
    total: int
    by_source: dict[str, int]
    sections: list[SectionResult]
    aspects: list[SurveySection]
    overall: rules.Index
    breakdowns: list[Breakdown]
    sample: rules.SampleProgress | None


@dataclass
class Data:
    """Every response and answer of a survey, loaded once."""

    responses: list[tuple[int, str, datetime]]
    choices: dict[int, dict[int, list[int]]]  # question -> response -> option ids
    numbers: dict[int, dict[int, float]]
    texts: dict[int, dict[int, str]]


def load(session: Session, survey: Survey) -> Data:
    responses = [tuple(r) for r in session.execute(
        select(SurveyResponse.id, SurveyResponse.source, SurveyResponse.submitted_at)
        .where(SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.id))]
    data = Data(responses, defaultdict(lambda: defaultdict(list)), defaultdict(dict),
                defaultdict(dict))
    rows = session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.option_id,
               SurveyAnswer.number, SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id))
    for rid, qid, oid, number, text in rows:
        if oid is not None:
            data.choices[qid][rid].append(oid)
        elif number is not None:
            data.numbers[qid][rid] = number
        elif text is not None:
            data.texts[qid][rid] = text
    return data


def scale_answers(survey: Survey, data: Data) -> list[rules.ScaleAnswer]:
    answers = []
    for q in questions_of(survey):
        if q.kind != SCALE:
            continue
        values = {o.id: o.value for o in q.options}
        for rid, oids in data.choices[q.id].items():
            answers.extend(rules.ScaleAnswer(rid, q.section_id, values[o]) for o in oids)
    return answers


def compute(session: Session, survey: Survey, population: int | None = None) -> Results:
    data = load(session, survey)
    scale = scale_answers(survey, data)
    table = rules.index_table(scale)
    by_source = dict.fromkeys(SOURCES, 0)
    for _rid, source, _at in data.responses:
        by_source[source] += 1
    sections = []
    aspects = []
    for section in survey.sections:
        results = [question_result(q, data) for q in section.questions]
        has_scale = any(q.kind == SCALE for q in section.questions)
        if has_scale:
            aspects.append(section)
        sections.append(SectionResult(
            section, table.by_section.get(section.id, rules.Index()) if has_scale else None,
            results))
    sample = None
    if population:
        sample = rules.sample_progress(population, len(data.responses))
    return Results(survey, len(data.responses), by_source, sections, aspects, table.overall,
                   breakdowns(survey, data, scale, aspects), sample)


def question_result(q: SurveyQuestion, data: Data) -> QuestionResult:
    result = QuestionResult(q)
    if q.kind in CHOICE_KINDS:
        dist = rules.distribution([o.id for o in q.options], data.choices[q.id].values())
        result.base = dist.base
        result.rows = [OptionRow(o.id, o.text, dist.counts.get(o.id, 0), dist.percent(o.id),
                                 o.retired) for o in q.options]
        if q.kind == SCALE:
            values = {o.id: o.value for o in q.options}
            result.index = rules.satisfaction_index(
                values[oid] for oids in data.choices[q.id].values() for oid in oids)
    elif q.kind == NUMBER:
        result.numbers = rules.number_summary(data.numbers[q.id].values())
        result.base = result.numbers.count
    elif q.kind in TEXT_KINDS:
        result.base = len(data.texts[q.id])
    return result


def breakdowns(survey: Survey, data: Data, scale: list[rules.ScaleAnswer],
               aspects: list[SurveySection]) -> list[Breakdown]:
    response_ids = [rid for rid, _s, _a in data.responses]
    dims: list[tuple[str, dict[int, Hashable], list[tuple[Hashable, str]]]] = []
    profile = {q.profile_key: q for q in questions_of(survey) if q.profile_key}
    for key in PROFILE_KEYS:
        q = profile.get(key)
        if q is None:
            continue
        group_of = {rid: oids[0] for rid, oids in data.choices[q.id].items() if oids}
        dims.append((key, group_of, [(o.id, o.text) for o in q.options]))
    dims.append(("source", {rid: source for rid, source, _a in data.responses},
                 [(s, source_label(s)) for s in SOURCES]))
    out = []
    for key, group_of, labels in dims:
        tables = rules.breakdown(scale, group_of, response_ids)
        rows = []
        for group, label in [*labels, (None, _("Không trả lời"))]:
            table = tables.get(group)
            if table is None or not table.responses:
                continue
            rows.append(BreakdownRow(
                label, table.responses,
                [table.by_section.get(s.id, rules.Index()) for s in aspects], table.overall))
        out.append(Breakdown(key, dimension_label(key), rows))
    return out


@dataclass
class TextAnswer:
    response_id: int
    question: SurveyQuestion
    text: str
    submitted_at: datetime


def free_text(session: Session, survey: Survey, query: str = "",
              question_id: int | None = None) -> list[TextAnswer]:
    """Free-text answers, newest first, filtered without regard to diacritics or case."""
    questions = {q.id: q for q in questions_of(survey) if q.kind in TEXT_KINDS}
    if question_id is not None:
        questions = {k: v for k, v in questions.items() if k == question_id}
    if not questions:
        return []
    rows = session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.text,
               SurveyResponse.submitted_at)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyAnswer.question_id.in_(questions), SurveyAnswer.text.is_not(None))
        .order_by(SurveyResponse.id.desc(), SurveyAnswer.question_id))
    return [TextAnswer(rid, questions[qid], text, at) for rid, qid, text, at in rows
            if rules.text_matches(query, text)]


# --- XLSX -----------------------------------------------------------------------------------


def _percent(value: float | None) -> Any:
    return None if value is None else round(value, 1)


def export_xlsx(session: Session, survey: Survey, out: IO[bytes], tz: Any) -> None:
    """Two sheets: every response as a row (raw), and the summaries."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    data = load(session, survey)
    questions = questions_of(survey)
    book = Book()
    raw = book.sheet(_("Phiếu trả lời"))
    header = [_("Mã phiếu"), _("Thời điểm gửi"), _("Hình thức")]
    for n, q in enumerate(questions, start=1):
        suffix = " (1–5)" if q.kind == SCALE else ""
        retired = " " + _("(ngừng sử dụng)") if q.retired else ""
        header.append(f"{n}. {q.text}{suffix}{retired}")
    raw.append(header)
    for cell in raw.layout[1]:
        cell.font = bold
    options = {o.id: o for q in questions for o in q.options}
    for rid, source, at in data.responses:
        row: list[Any] = [rid, at.astimezone(tz).replace(tzinfo=None), source_label(source)]
        for q in questions:
            if q.kind == SCALE:
                oids = data.choices[q.id].get(rid) or []
                row.append(options[oids[0]].value if oids else None)
            elif q.kind in CHOICE_KINDS:
                oids = data.choices[q.id].get(rid) or []
                row.append("; ".join(options[o].text for o in oids) or None)
            elif q.kind == NUMBER:
                row.append(data.numbers[q.id].get(rid))
            else:
                row.append(data.texts[q.id].get(rid))
        raw.append(row)
        raw.layout.cell(row=raw.max_row, column=2).number_format = "dd/mm/yyyy hh:mm"
    _summary_sheet(book.sheet(_("Tổng hợp")), compute(session, survey, survey.population),
                   bold)
    book.save(out)


def _summary_sheet(ws: Sheet, res: Results, bold: Any) -> None:
    from openpyxl.styles import Font

    def heading(text: str) -> None:
        ws.append([])
        ws.append([text])
        ws.layout.cell(row=ws.max_row, column=1).font = bold

    ws.append([res.survey.title])
    ws.layout.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append([_("Tổng số phiếu"), res.total])
    for source, count in res.by_source.items():
        ws.append([source_label(source), count])
    if res.sample:
        ws.append([_("Cỡ mẫu cần (N = %(n)s, sai số 5%%)", n=res.sample.population),
                   res.sample.needed])
    heading(_("Chỉ số hài lòng (tỷ lệ Hài lòng và Rất hài lòng)"))
    ws.append([_("Khía cạnh"), _("Số câu trả lời"), _("Số câu hài lòng"), _("Tỷ lệ (%)")])
    for s in res.sections:
        if s.index is not None:
            ws.append([s.section.title, s.index.total, s.index.satisfied,
                       _percent(s.index.percent)])
    ws.append([_("Chung"), res.overall.total, res.overall.satisfied,
               _percent(res.overall.percent)])
    for b in res.breakdowns:
        heading(_("Chỉ số hài lòng (%%) %(dim)s", dim=b.title.lower()))
        ws.append([b.title, _("Số phiếu"), *[s.title for s in res.aspects], _("Chung")])
        for r in b.rows:
            ws.append([r.label, r.responses, *[_percent(i.percent) for i in r.by_section],
                       _percent(r.overall.percent)])
    heading(_("Kết quả từng câu hỏi"))
    for s in res.sections:
        for qr in s.questions:
            ws.append([qr.question.text, _("Số người trả lời"), qr.base])
            ws.layout.cell(row=ws.max_row, column=1).font = bold
            for row in qr.rows:
                ws.append([row.text, row.count, _percent(row.percent)])
            if qr.numbers and qr.numbers.count:
                n = qr.numbers
                ws.append([_("Trung bình"), n.mean])
                ws.append([_("Trung vị"), n.median])
                ws.append([_("Nhỏ nhất"), n.minimum])
                ws.append([_("Lớn nhất"), n.maximum])
    ws.layout.column_dimensions["A"].width = 60
