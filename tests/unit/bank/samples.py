"""Small banks and fact sheets for the bank tests (written to tmp dirs, never to question_bank/)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

FACTS_MD = """# Fact sheet (test)

## A. The plan (primary, `plan.txt`)
| # | fact (vi) | gloss (en) |
|---|---|---|
| A1 | Kế hoạch tuyên truyền năm 2021. | The 2021 plan. |

## B. Legal documents
| # | fact (vi) | gloss (en) | mark |
|---|---|---|---|
| **B2** | Nghị quyết 30c/NQ-CP. | Resolution 30c. | secondary |
| B7 | Mã số hồ sơ gồm mã cơ quan, ngày tiếp nhận, số thứ tự. | Dossier code. | secondary |
| B9 | Nghị định 63/2010/NĐ-CP. | Decree 63. | UNCONFIRMED |
"""

LEGAL_FACTS_MD = """# Legal facts (test)

## 1. Re-checked rows
| row | result | source(s) actually read | quote |
|---|---|---|---|
| **B2** (NQ 30c date) | CONFIRMED | somewhere | "…" |

## 2. New facts
| id | fact (vi) | gloss (en) | mark | source | quote |
|---|---|---|---|---|---|
| C43 | NĐ 118/2025. | Decree 118. | primary | Cổng TTĐT https://chinhphu.vn/nd-118 | … |
| C44 | Bộ phận Một cửa. | Desk. | secondary (2) | Báo Nhân Dân https://nhandan.vn/a | … |
| C111 | PAR INDEX từ 2012. | Since 2012. | secondary; AVOID (disagree) | VietnamPlus | … |
| D68 | Đề án Văn hóa công vụ. | Scheme. | secondary (date unconfirmed) | Vinanet http://x.vn | … |
"""


def write_facts(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "FACTS.md").write_text(FACTS_MD, encoding="utf-8")
    (folder / "LEGAL_FACTS.md").write_text(LEGAL_FACTS_MD, encoding="utf-8")
    return folder


BASE_QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "MOTCUA-001",
        "difficulty": "easy",
        "text": "Theo Nghị định 61/2018/NĐ-CP, mã số hồ sơ thủ tục hành chính được ghép từ "
                "những thành phần nào?",
        "options": [
            "Mã cơ quan giải quyết, ngày tiếp nhận và số thứ tự hồ sơ",
            "Mã số thuế của người nộp, ngày nộp và số căn cước",
            "Mã tỉnh, mã huyện và mã xã nơi người dân nộp",
            "Số điện thoại của người nộp và ngày hẹn trả",
        ],
        "answer": "A",
        "explanation": "Mỗi hồ sơ được cấp một mã số duy nhất ghép từ mã cơ quan, ngày tiếp "
                       "nhận và số thứ tự.",
        "legal_basis": "Nghị định 61/2018/NĐ-CP",
        "facts": ["B7"],
        "confidence": "secondary",
        "status": "approved",
    },
    {
        "id": "MOTCUA-002",
        "difficulty": "medium",
        "text": "Văn bản nào hiện quy định cơ chế một cửa, một cửa liên thông?",
        "options": [
            "Nghị định 118/2025/NĐ-CP",
            "Nghị định 43/2011/NĐ-CP",
            "Nghị định 63/2010/NĐ-CP",
            "Nghị định 42/2022/NĐ-CP",
        ],
        "answer": "A",
        "explanation": "Từ năm 2025, cơ chế một cửa do Nghị định 118/2025/NĐ-CP quy định.",
        "legal_basis": "Nghị định 118/2025/NĐ-CP",
        "facts": ["C43"],
        "confidence": "primary",
        "status": "approved",
    },
    {
        "id": "MOTCUA-003",
        "difficulty": "hard",
        "text": "Bộ phận nào tiếp nhận hồ sơ của tổ chức, cá nhân? (chọn tất cả đáp án đúng)",
        "options": [
            "Bộ phận Một cửa cấp tỉnh",
            "Bộ phận Một cửa cấp xã",
            "Phòng họp của Hội đồng nhân dân",
            "Nhà văn hóa thôn, buôn",
        ],
        "answer": ["A", "B"],
        "explanation": "Bộ phận Một cửa ở các cấp tiếp nhận hồ sơ.",
        "legal_basis": "Nghị định 118/2025/NĐ-CP",
        "facts": ["C44"],
        "confidence": "secondary",
        "status": "draft",
    },
]


def questions(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """A copy of the base questions; `changes` maps an id (with _ for -) to field overrides,
    a value of None for a field removes it."""
    result = copy.deepcopy(BASE_QUESTIONS)
    for key, fields in changes.items():
        qid = key.replace("_", "-")
        question = next(q for q in result if q["id"] == qid)
        for name, value in fields.items():
            if value is None:
                question.pop(name, None)
            else:
                question[name] = value
    return result


def dump(items: list[dict[str, Any]], topic: str = "one_stop") -> str:
    return yaml.safe_dump({"topic": topic, "questions": items}, allow_unicode=True,
                          sort_keys=False, width=1000)


def write_bank(folder: Path, items: list[dict[str, Any]] | None = None,
               topic: str = "one_stop", name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{topic}.yaml")
    path.write_text(dump(BASE_QUESTIONS if items is None else items, topic), encoding="utf-8")
    return folder
