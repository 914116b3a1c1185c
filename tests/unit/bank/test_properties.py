"""Property tests: random valid question records pass the validator; each kind of breakage is
caught with its own error; the parser never crashes on arbitrary text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from contest_app.bank import rules

from .samples import FACTS_MD, LEGAL_FACTS_MD

TOPICS = rules.load_topics(rules.DEFAULT_BANK_DIR / rules.TOPICS_FILE)
FACTS = {**rules.parse_fact_sheet(FACTS_MD, "FACTS.md"),
         **rules.parse_fact_sheet(LEGAL_FACTS_MD, "LEGAL_FACTS.md")}
USABLE_FACTS = sorted(f for f, fact in FACTS.items() if not fact.unusable
                      and not fact.partly_unconfirmed)

# Words chosen so that random stems never form a negative, an "all of the above" phrase or a
# word without diacritics.
WORDS = ["cơ quan", "hồ sơ", "thủ tục", "cải cách", "hành chính", "chính phủ", "điện tử",
         "công chức", "viên chức", "ngân sách", "tỉnh", "xã", "dịch vụ", "trực tuyến", "một cửa",
         "liên thông", "kế hoạch", "năm", "quy định", "nghị định", "luật", "tiếp nhận",
         "giải quyết", "công khai", "minh bạch", "đánh giá", "chỉ số", "hài lòng", "tổ chức",
         "người dân", "doanh nghiệp", "bộ máy", "tinh gọn", "biên chế", "số hóa", "dữ liệu"]
phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(" ".join)


@st.composite
def valid_question(draw: st.DrawFn) -> dict[str, Any]:
    topic = draw(st.sampled_from(sorted(TOPICS)))
    multiple = draw(st.booleans())
    count = draw(st.integers(3, 5)) if multiple else 4
    stems = draw(st.lists(phrase, min_size=count, max_size=count,
                          unique_by=lambda s: " ".join(s.casefold().split())))
    options = [f"{s} ({i + 1})" for i, s in enumerate(stems)]
    if multiple:
        letters = draw(st.lists(st.sampled_from(rules.LETTERS[:count]), min_size=2,
                                max_size=count, unique=True))
        answer: Any = sorted(letters)
    else:
        answer = draw(st.sampled_from(rules.LETTERS[:count]))
    text = draw(phrase).capitalize() + "?"
    if multiple:
        text += " (chọn tất cả đáp án đúng)"
    return {
        "id": f"{TOPICS[topic].prefix}-{draw(st.integers(1, 999)):03d}",
        "difficulty": draw(st.sampled_from(rules.DIFFICULTIES)),
        "text": text,
        "options": options,
        "answer": answer,
        "explanation": draw(phrase) + ".",
        "legal_basis": draw(st.sampled_from(["Nghị định 61/2018/NĐ-CP",
                                              "Điều 26 Nghị định 61/2018/NĐ-CP",
                                              "Luật 80/2025/QH15"])),
        "facts": draw(st.lists(st.sampled_from(USABLE_FACTS), min_size=1, max_size=3,
                               unique=True)),
        "confidence": draw(st.sampled_from(rules.CONFIDENCES)),
        "status": draw(st.sampled_from(rules.STATUSES)),
        "_topic": topic,
    }


def run(question: dict[str, Any]) -> rules.CheckResult:
    item = {k: v for k, v in question.items() if not k.startswith("_")}
    text = yaml.safe_dump({"topic": question["_topic"], "questions": [item]},
                          allow_unicode=True, sort_keys=False)
    records, problems = rules.parse_text(text, "bank.yaml")
    return rules.CheckResult(records, problems + rules.validate(records, TOPICS, FACTS))


@settings(max_examples=150, deadline=None)
@given(valid_question())
def test_random_valid_questions_pass(question: dict[str, Any]) -> None:
    result = run(question)
    assert result.ok, [p.format() for p in result.errors]
    (record,) = result.records
    assert record.multiple == isinstance(question["answer"], list)
    assert [rules.LETTERS[i] for i in record.correct] == rules.parse_letters(question["answer"])


Mutation = Callable[[dict[str, Any], st.DrawFn], str]


def _set(field: str, value: Any, code: str) -> Mutation:
    def mutate(q: dict[str, Any], draw: st.DrawFn) -> str:
        if value is None:
            q.pop(field, None)
        else:
            q[field] = value
        return code
    return mutate


def _too_few(q: dict[str, Any], draw: st.DrawFn) -> str:
    q["options"] = q["options"][:1]
    q["answer"] = "A"
    return "option_count"


def _too_many(q: dict[str, Any], draw: st.DrawFn) -> str:
    q["options"] = [f"Phương án thứ {i}" for i in range(draw(st.integers(7, 9)))]
    return "option_count"


def _duplicate_option(q: dict[str, Any], draw: st.DrawFn) -> str:
    i = draw(st.integers(1, len(q["options"]) - 1))
    q["options"][i] = q["options"][0].upper()
    return "duplicate_option"


def _out_of_range(q: dict[str, Any], draw: st.DrawFn) -> str:
    q["answer"] = rules.LETTERS[len(q["options"])]
    return "answer_out_of_range"


def _several_letters_single(q: dict[str, Any], draw: st.DrawFn) -> str:
    q["text"] = q["text"].replace(" (chọn tất cả đáp án đúng)", "")
    q["answer"] = ["A", "B"]
    return "several_answers_single"


def _all_of_the_above(q: dict[str, Any], draw: st.DrawFn) -> str:
    q["options"][-1] = draw(st.sampled_from(["Tất cả các đáp án trên", "Cả A và B đều đúng",
                                             "Cả ba ý trên", "Tất cả đều đúng"]))
    return "all_of_the_above"


def _unusable(fact: str) -> Mutation:
    def mutate(q: dict[str, Any], draw: st.DrawFn) -> str:
        q["facts"], q["status"] = [fact], "approved"  # an unconfirmed fact may back a draft
        return "unusable_fact"
    return mutate


def _negative(q: dict[str, Any], draw: st.DrawFn) -> str:
    q["text"] = "Nội dung nào sau đây không thuộc " + q["text"]
    return "negative_lowercase"


MUTATIONS: list[Mutation] = [
    _too_few, _too_many, _duplicate_option, _out_of_range, _several_letters_single,
    _all_of_the_above, _negative,
    _set("answer", None, "no_answer"),
    _set("answer", "Z", "answer_format"),
    _set("text", "", "empty_text"),
    _set("difficulty", "trung bình", "unknown_difficulty"),
    _set("confidence", "tertiary", "unknown_confidence"),
    _set("confidence", None, "unknown_confidence"),
    _set("status", "published", "unknown_status"),
    _set("_topic", "astrology", "unknown_topic"),
    _set("legal_basis", "", "missing_legal_basis"),
    _set("explanation", None, "missing_explanation"),
    _set("facts", ["C999"], "unknown_fact"),
    _unusable("C111"),
    _unusable("B9"),
    _set("options", "không phải danh sách", "structure"),
    _set("anwser", "A", "unknown_field"),
]


@st.composite
def broken_question(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    question = draw(valid_question())
    mutate = draw(st.sampled_from(MUTATIONS))
    return question, mutate(question, draw)


@settings(max_examples=300, deadline=None)
@given(broken_question())
def test_random_broken_questions_are_caught(case: tuple[dict[str, Any], str]) -> None:
    question, code = case
    result = run(question)
    assert code in {p.code for p in result.errors}, (code, [p.format() for p in result.problems])


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parser_never_crashes(text: str) -> None:
    records, problems = rules.parse_text(text, "x.yaml")
    assert isinstance(records, list) and isinstance(problems, list)
    rules.validate(records, TOPICS, FACTS)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join))
def test_stem_overlap_is_symmetric_and_bounded(text: str) -> None:
    other = "Theo nghị định, " + text
    a, b = rules.stem_words(text), rules.stem_words(other)
    assert rules.overlap(a, b) == rules.overlap(b, a)
    assert 0.0 <= rules.overlap(a, b) <= 1.0
    assert rules.overlap(a, a) == 1.0
