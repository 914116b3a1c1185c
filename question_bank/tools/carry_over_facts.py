"""One-off converter: the shared markdown fact sheets -> `question_bank/facts/*.yaml` (issue 16).

Reads FACTS.md (rows A1.., B1..) and LEGAL_FACTS.md (rows C1–C143, D1–D93) from a folder (default
../shared/facts beside the repository, or the first argument), and writes one YAML file per group
in the agreed format (FACTS_FORMAT.md): plan_2021.yaml (A), legal_documents.yaml (B),
legal_c.yaml (C), legal_d.yaml (D). Every row keeps its id.

What it fills, per row:
- statement: the sheet's Vietnamese fact (the sheets already word it in their own words);
- document / issued: parsed from the statement (and quote) — "Nghị định 118/2025/NĐ-CP ngày
  09/6/2025", "ND 61/2018", "Luật ... số 80/2025/QH15" — then `OVERRIDES` for rows the parser gets
  wrong; the year of the number when no date is given;
- provision: "khoản 1 Điều 11", "Điều 21", "Mẫu số 01" when the statement names one;
- quote / source / confirmed: the sheet's quote and source cells (for B rows: the re-check in
  LEGAL_FACTS.md §1, or the corroborating C row the sheets name); for A rows the quote is the
  sentence of the 2021 plan's text (shipped beside the facts) that matches the row best;
- confidence: primary / secondary from the mark; `unconfirmed` for UNCONFIRMED / AVOID rows;
- replaced_by / replaced_on: from the sheets' "Read this first" and "Currency warnings" sections.

It is kept in the repository as the record of how the rows were carried over; re-running it
overwrites the four files (hand edits made afterwards would be lost)."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "question_bank" / "facts"
PLAN_TEXT = "ke-hoach-tuyen-truyen-cchc-2021.txt"
READ_ON = "2026-12-03"
URL = re.compile(r"https?://\S+")
FACT_ID = re.compile(r"^\*{0,2}([A-Z]\d+)\*{0,2}(?:\s|$)")

PLAN_DOCUMENT = "Kế hoạch tuyên truyền cải cách hành chính năm 2021 của Sở Nội vụ tỉnh Đắk Lắk"

# Document types: the sheets' abbreviations and the suffix a bare "61/2018" takes.
TYPES = [
    (r"Nghị định|NĐ|ND", "Nghị định", "NĐ-CP"),
    (r"Nghị quyết|NQ", "Nghị quyết", None),
    (r"Quyết định|QĐ", "Quyết định", None),
    (r"Thông tư liên tịch|TTLT", "Thông tư liên tịch", None),
    (r"Thông tư|TT", "Thông tư", None),
    (r"Chỉ thị|CT", "Chỉ thị", None),
    (r"Kế hoạch|KH", "Kế hoạch", None),
    (r"Công văn|CV", "Công văn", None),
    (r"Thông báo|TB", "Thông báo", None),
    (r"Kết luận|KL", "Kết luận", None),
]
TYPE_WORDS = "|".join(t[0] for t in TYPES)
NUMBER = r"\d+[a-z]?(?:/\d{4})?(?:/|-)[A-ZĐ][A-ZĐa-z0-9\-]*(?:/[A-ZĐ\-]+)?|\d+/\d{4}|\d+(?=[\s,.)])"
DOC = re.compile(rf"(?<!\w)({TYPE_WORDS})(?: số)? ({NUMBER})")
LAW = re.compile(r"(?<!\w)(Luật(?: [^;:()\d]*?)?)(?: năm \d{4})?,?(?: \(sửa đổi\))?(?: số)? "
                 r"(\d+/\d{4}/QH\d+)")
LAW_NAMED = re.compile(r"(?<!\w)(Luật [^,;:()\d]*?(?:, [a-zà-ỹ ]+?)?)(?: năm)? (\d{4})(?!/)"
                       r"(?:[^;]*?số (\d+/\d{4}/QH\d+))?")
DATE_NUM = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_WORDS = re.compile(r"(\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
PROVISION = re.compile(r"((?:điểm [a-zđ] )?(?:khoản \d+ )?Điều \d+(?: khoản \d+)?|Mẫu số \d+|"
                       r"Mục \d+ Chương [IVX]+|Chương [IVX]+)")

# Laws the sheets name by title and year only ("Luật CBCC 2008"): folded pattern -> document.
NAMED = [
    (r"luat (can bo, cong chuc|cbcc) (nam )?2008", "Luật Cán bộ, công chức 22/2008/QH12"),
    (r"luat (can bo, cong chuc|cbcc) (nam )?2025", "Luật Cán bộ, công chức 80/2025/QH15"),
    (r"luat (vien chuc|vc) (nam )?2010", "Luật Viên chức 58/2010/QH12"),
    (r"luat (sua doi|2019)|sua doi 2019", "Luật 52/2019/QH14"),
    (r"luat ban hanh (vbqppl|van ban quy pham phap luat) (nam )?2025|luat 2025",
     "Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15"),
    (r"luat nsnn 2015|luat ngan sach nha nuoc (nam )?2015", "Luật Ngân sách nhà nước 83/2015/QH13"),
    (r"luat to chuc chinh phu", "Luật Tổ chức Chính phủ 63/2025/QH15"),
    (r"luat quan ly, su dung tai san cong", "Luật Quản lý, sử dụng tài sản công 15/2017/QH14"),
    (r"hien phap", "Hiến pháp 2013 (sửa đổi, bổ sung năm 2025)"),
    (r"\bqd 749\b", "Quyết định 749/QĐ-TTg"),
    (r"\bqd 876", "Quyết định 876/QĐ-BNV"),
    (r"de an 06", "Quyết định 06/QĐ-TTg"),
]

# Dates of issue the sheets give in one row and other rows of the same document rely on.
KNOWN_DATES = {
    "Nghị quyết 76/NQ-CP": "2021-07-15", "Quyết định 136/2001/QĐ-TTg": "2001-09-17",
    "Nghị quyết 30c/NQ-CP": "2011-11-08",
    "Quyết định 2193/QĐ-TTg": "2021", "Thông tư 02/2017/TT-VPCP": "2017-10-31",
    "Nghị định 42/2022/NĐ-CP": "2022-06-24", "Nghị định 43/2011/NĐ-CP": "2011-06-13",
    "Nghị định 45/2020/NĐ-CP": "2020-04-08", "Luật Cán bộ, công chức 22/2008/QH12": "2008-11-13",
    "Luật Viên chức 58/2010/QH12": "2010-11-15", "Luật 52/2019/QH14": "2019-11-25",
    "Luật Cán bộ, công chức 80/2025/QH15": "2025-06-24",
    "Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15": "2025-02-19",
    "Luật Tổ chức Chính phủ 63/2025/QH15": "2025-02-18",
    "Luật Ngân sách nhà nước 83/2015/QH13": "2015-06-25",
    "Luật Quản lý, sử dụng tài sản công 15/2017/QH14": "2017-06-21",
    "Quyết định 749/QĐ-TTg": "2020-06-03", "Quyết định 876/QĐ-BNV": "2022-11-10",
    "Quyết định 06/QĐ-TTg": "2022-01-06", "Nghị quyết 18-NQ/TW": "2017-10-25",
    "Nghị quyết 66-NQ/TW": "2025-04-30", "Nghị quyết 27-NQ/TW": "2022-11-09",
    "Luật Tổ chức chính quyền địa phương 72/2025/QH15": "2025-06-16",
    "Nghị quyết 202/2025/QH15": "2025-06-12", "Nghị định 61/2018/NĐ-CP": "2018-04-23",
    "Nghị định 63/2010/NĐ-CP": "2010-06-08", "Nghị định 20/2008/NĐ-CP": "2008-02-14",
    "Nghị định 118/2025/NĐ-CP": "2025-06-09", "Nghị định 138/2020/NĐ-CP": "2020-11-27",
    "Nghị định 60/2021/NĐ-CP": "2021-06-21", "Nghị định 30/2020/NĐ-CP": "2020-03-05",
    "Nghị định 79/2025/NĐ-CP": "2025-04-01", "Nghị định 335/2025/NĐ-CP": "2025-12-21",
    "Nghị định 90/2020/NĐ-CP": "2020-08-13", "Nghị định 130/2005/NĐ-CP": "2005-10-17",
    "Quyết định 129/2007/QĐ-TTg": "2007-08-02", "Thông tư 01/2018/TT-VPCP": "2018-11-23",
    "Hiến pháp 2013 (sửa đổi, bổ sung năm 2025)": "2025",
}

# Rows whose document/date the parser cannot get from the statement (or gets wrong),
# checked by hand against each row: id -> document | issued | provision (empty = keep what
# was parsed, "-" = unknown; a year-only or missing date is then taken from KNOWN_DATES or from
# the document's name).
HAND = """
C3|Nghị quyết 76/NQ-CP||
C4|Nghị quyết 76/NQ-CP||
C5|Nghị quyết 76/NQ-CP||
C6|Nghị quyết 76/NQ-CP||
C7|Nghị quyết 76/NQ-CP||
C9|Nghị quyết 76/NQ-CP||
C10|Nghị quyết 76/NQ-CP||
C13|Quyết định 136/2001/QĐ-TTg|2001-09-17|
C15|Chỉ thị số 23 của Thủ tướng Chính phủ (2021)|2021|
C16|Nghị quyết 76/NQ-CP||
C18|Quyết định 2193/QĐ-TTg||
C20|Thông báo 304/TB-VPCP|2023|
C31|Thông tư 02/2017/TT-VPCP||
C32|Thông tư 02/2017/TT-VPCP||
C37|Nghị định 43/2011/NĐ-CP||khoản 2 Điều 3
C47|Nghị định 61/2018/NĐ-CP||
C51|Phiếu đánh giá việc giải quyết TTHC (Mẫu số 01, Cổng Dịch vụ công tỉnh Tuyên Quang)||Mẫu số 01
C52|Phiếu đánh giá việc giải quyết TTHC (Mẫu số 01, Cổng Dịch vụ công tỉnh Tuyên Quang)||Mẫu số 01
C53|Quyết định 09/2015/QĐ-TTg|2015-03-25|
C60|Công văn 7216/VPCP-KSTT|2025-08-04|
C61|Nghị định 45/2020/NĐ-CP||
C69|Nghị định 42/2022/NĐ-CP||điểm a khoản 1 Điều 11
C70|Nghị định 42/2022/NĐ-CP||điểm b khoản 1 Điều 11
C71|Nghị định 43/2011/NĐ-CP||
C72|Nghị định 43/2011/NĐ-CP||
C73|Nghị định 43/2011/NĐ-CP||
C74|Cổng Dịch vụ công quốc gia (khai trương 09/12/2019)|2019-12-09|
C75|Cổng Dịch vụ công quốc gia (khai trương 09/12/2019)|2019-12-09|
C76|Cổng Dịch vụ công quốc gia (khai trương 09/12/2019)|2019-12-09|
C78|Quyết định 1565/QĐ-TTg|2025|
C80|Luật Cán bộ, công chức 22/2008/QH12||Điều 1
C81|Luật Viên chức 58/2010/QH12||
C83|Luật 52/2019/QH14||
C85|Luật Cán bộ, công chức 22/2008/QH12||Điều 34
C86|Luật 52/2019/QH14||
C87|Luật 52/2019/QH14||
C88|Luật 52/2019/QH14||
C93|Luật 52/2019/QH14||
C98|Luật Cán bộ, công chức 80/2025/QH15||Chương VII (điều về hiệu lực thi hành), khoản 1
C100|Luật Viên chức (sửa đổi) 2025|2025-12-10|
C102|Nghị quyết 18-NQ/TW||
C104|Nghị quyết 18-NQ/TW||
C111|Chỉ số cải cách hành chính (PAR INDEX)|2012|
C112|Chỉ số cải cách hành chính (PAR INDEX)||
C113|Chỉ số cải cách hành chính (PAR INDEX)||
C116|Quyết định 876/QĐ-BNV||
C118|Quyết định 1001/QĐ-BNV|2023|
C119|Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)||
C121|Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)||
C122|Quyết định 1001/QĐ-BNV|2023|
C123|Kết quả SIPAS 2023 (Bộ Nội vụ công bố 17/4/2024)|2024-04-17|
C124|Kết quả PAR INDEX 2023 (Bộ Nội vụ công bố 17/4/2024)|2024-04-17|
C125|Kết quả PAR INDEX và SIPAS 2023 (Bộ Nội vụ công bố 17/4/2024)|2024-04-17|
C126|Chỉ số PAPI||
C131|Quyết định 749/QĐ-TTg||
C132|Quyết định 749/QĐ-TTg||
C135|Quyết định 06/QĐ-TTg||
C136|Cơ sở dữ liệu quốc gia về dân cư (vận hành từ 01/7/2021)|2021-07-01|
C141|Quyết định 942/QĐ-TTg|2021|
C142|Khảo sát Chính phủ điện tử của Liên Hợp Quốc (EGDI) 2020|2020|
C143|Ủy ban Quốc gia về chuyển đổi số||
D1|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D2|Luật Ban hành văn bản quy phạm pháp luật 80/2015/QH13|2015-06-22|
D3|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||Điều 2
D4|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||khoản 1 Điều 3
D5|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D6|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D7|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D8|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D9|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D10|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||Điều 4
D11|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||
D13|Nghị định 79/2025/NĐ-CP||Điều 1
D14|Nghị định 34/2016/NĐ-CP|2016-05-14|
D16|Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15||Điều 23–26
D19|Phát biểu của Tổng Bí thư Tô Lâm khai mạc Kỳ họp thứ 8, Quốc hội khóa XV|2024-10-21|
D20|Nghị quyết 66-NQ/TW||
D21|Nghị quyết 66-NQ/TW||
D22|Hiến pháp 2013|2013|khoản 1 Điều 2
D23|Nghị quyết 202/2025/QH15|2025-06-12|
D24|Nghị quyết 202/2025/QH15|2025-06-12|
D25|Nghị quyết 202/2025/QH15|2025-06-12|
D26|Nghị quyết 202/2025/QH15|2025-06-12|
D27|Nghị quyết 202/2025/QH15|2025-06-12|
D28|Nghị quyết 125/NQ-CP, 126/NQ-CP (sắp xếp đơn vị hành chính cấp xã năm 2025)|2025-05-09|
D29|Luật Tổ chức chính quyền địa phương 72/2025/QH15||
D30|Nghị quyết 125/NQ-CP, 126/NQ-CP (sắp xếp đơn vị hành chính cấp xã năm 2025)|2025-05-09|
D31|Báo cáo sơ bộ Tổng điều tra nông thôn, nông nghiệp năm 2025|2025|
D32|Luật Tổ chức Chính phủ 63/2025/QH15|2025-02-18|
D33|Luật Tổ chức Chính phủ 63/2025/QH15||Điều 1
D34|Luật Tổ chức Chính phủ 63/2025/QH15||Điều 2
D35|Luật Tổ chức Chính phủ 63/2025/QH15||Điều 4
D36|Luật Tổ chức Chính phủ 63/2025/QH15||
D37|Luật Tổ chức Chính phủ 63/2025/QH15||
D38|Nghị quyết 176/2025/QH15|2025-02-18|
D39|Nghị quyết 08/2021/QH15|2021-07-23|
D40|Nghị quyết 177/2025/QH15|2025|
D41|Nghị quyết 176/2025/QH15|2025-02-18|
D42|Nghị quyết sửa đổi, bổ sung một số điều của Hiến pháp năm 2013 (Quốc hội, 6/2025)|2025|
D43|Hiến pháp 2013 (sửa đổi, bổ sung năm 2025)|2025|Điều 110
D44|Hiến pháp 2013 (sửa đổi, bổ sung năm 2025)|2025|Điều 111
D45|Nghị quyết sửa đổi, bổ sung một số điều của Hiến pháp năm 2013 (Quốc hội, 6/2025)|2025|
D46|Nghị quyết 125/NQ-CP, 126/NQ-CP (sắp xếp đơn vị hành chính cấp xã năm 2025)|2025-05-09|
D47|Dự thảo Luật Tổ chức chính quyền địa phương (sửa đổi) (3/2025)|2025|
D48|Luật Tổ chức chính quyền địa phương 72/2025/QH15|2025-06-16|khoản 3 Điều 51
D49|Luật 87/2025/QH15|2025-06-25|
D50|Luật 87/2025/QH15|2025-06-25|khoản 2 Điều 1
D51|Luật Tổ chức chính quyền địa phương 72/2025/QH15|2025-06-16|
D53|Luật Quản lý, sử dụng tài sản công 15/2017/QH14||Điều 133
D54|Luật Quản lý, sử dụng tài sản công 15/2017/QH14||Điều 2
D55|Luật Quản lý, sử dụng tài sản công 15/2017/QH14||
D60|Luật Ngân sách nhà nước 83/2015/QH13|2015-06-25|
D61|Luật Ngân sách nhà nước 83/2015/QH13||Điều 7
D62|Luật Ngân sách nhà nước 83/2015/QH13||Điều 15
D63|Luật Ngân sách nhà nước 83/2015/QH13||khoản 1 Điều 11
D64|Nghị quyết của Quốc hội về dự toán ngân sách nhà nước năm 2026|2025|
D65|Luật Ngân sách nhà nước 89/2025/QH15|2025|
D67|Quyết định 129/2007/QĐ-TTg||
D68|Đề án Văn hóa công vụ (Thủ tướng Chính phủ phê duyệt)|-|
D69|Đề án Văn hóa công vụ (Thủ tướng Chính phủ phê duyệt)|-|
D70|Đề án Văn hóa công vụ (Thủ tướng Chính phủ phê duyệt)|-|
D76|Nghị định 56/2015/NĐ-CP|2015|
D79|Kết quả SIPAS 2020|-|
D80|Kết quả PAR INDEX 2023 của tỉnh Đắk Lắk|2024-04-17|
D81|Kết quả PAR INDEX 2023 của tỉnh Đắk Lắk|2024-04-17|
D82|Kết quả PAR INDEX 2017 của tỉnh Đắk Lắk|-|
D83|Kết quả PAR INDEX và SIPAS 2023 (Bộ Nội vụ công bố 17/4/2024)|2024-04-17|
D84|Kết quả PAR INDEX và SIPAS 2023 (Bộ Nội vụ công bố 17/4/2024)|2024-04-17|
D85|Kết quả PAR INDEX và SIPAS 2022 (công bố 19/4/2023)|2023-04-19|
D87|Kế hoạch 0156/KH-UBND|2025-12-26|
D90|Kết quả Chỉ số CCHC năm 2024 của UBND cấp huyện tỉnh Đắk Lắk|2025|
D92|Văn kiện của Đảng về Nhà nước pháp quyền xã hội chủ nghĩa (khóa VII)|1994|
D93|Kết luận 127 của Bộ Chính trị|-|
B4|Nghị quyết 76/NQ-CP||
B14|Quyết định 1001/QĐ-BNV|2023|
B16|Nghị quyết 76/NQ-CP||
"""
# C37: the definition of an online public service is not among the rows the currency warnings
# date (only the four levels of ND 43/2011 are).
NOT_REPLACED = {"C37"}
OVERRIDES: dict[str, dict[str, str]] = {}
for _line in HAND.strip().splitlines():
    _id, _doc, _issued, _provision = _line.split("|")
    OVERRIDES[_id] = {k: "" if v == "-" else v
                      for k, v in (("document", _doc), ("issued", _issued),
                                   ("provision", _provision)) if v}

# The replaced texts named in FACTS.md "Read this first" and LEGAL_FACTS.md "Currency warnings".
REPLACED: list[tuple[str, str, str]] = [
    # (pattern on document, replaced_by, replaced_on)
    (r"61/2018/NĐ-CP", "Nghị định 118/2025/NĐ-CP", "2025-07-01"),
    (r"107/2021/NĐ-CP", "Nghị định 118/2025/NĐ-CP", "2025-07-01"),
    (r"22/2008/QH12", "Luật Cán bộ, công chức 80/2025/QH15", "2025-07-01"),
    (r"52/2019/QH14", "Luật Cán bộ, công chức 80/2025/QH15; Luật Viên chức (sửa đổi) 2025",
     "2025-07-01"),
    (r"58/2010/QH12", "Luật Viên chức (sửa đổi) 2025", "2026-07-01"),
    (r"80/2015/QH13", "Luật Ban hành văn bản quy phạm pháp luật 64/2025/QH15", "2025-04-01"),
    (r"34/2016/NĐ-CP", "Nghị định 79/2025/NĐ-CP", "2025-04-01"),
    (r"76/2015/QH13", "Luật Tổ chức Chính phủ 63/2025/QH15", "2025-03-01"),
    (r"77/2015/QH13", "Luật Tổ chức chính quyền địa phương 72/2025/QH15", "2025-07-01"),
    (r"43/2011/NĐ-CP", "Nghị định 42/2022/NĐ-CP", "2022"),
    (r"83/2015/QH13", "Luật Ngân sách nhà nước 89/2025/QH15", "2026-01-01"),
    (r"90/2020/NĐ-CP", "Nghị định 335/2025/NĐ-CP", "2026-01-01"),
    (r"56/2015/NĐ-CP", "Nghị định 90/2020/NĐ-CP", "2020"),
]

# B rows: where the sheets say the row was confirmed (LEGAL_FACTS.md §1 or a C row).
B_CORROBORATION = {"B1": "C1", "B3": "C12", "B4": "C3", "B5": "C38", "B6": "C49", "B9": "C23",
                   "B13": "C54", "B14": "C118", "B15": "C71"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def fold(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFC", text):
        out.append("d" if char in "đĐ" else unicodedata.normalize("NFD", char)[0].lower())
    return "".join(out)


def strip_md(text: str) -> str:
    return nfc(re.sub(r"\*\*|`", "", text))


def rows(path: Path) -> list[dict[str, str]]:
    """Table rows whose first cell is a fact id, as {column-name: cell} plus section/line."""
    header: list[str] = []
    section = ""
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
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
        row = {"id": match.group(1), "section": section, "line": str(number),
               "file": path.name}
        for name, cell in zip(header[1:], cells[1:], strict=False):
            key = name.split(" ")[0]
            row[key] = cell
        found.append(row)
    return found


def iso(day: str, month: str, year: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def first_date(text: str) -> str:
    """The first date written after "ngày" (or in brackets) in `text`, ISO formatted."""
    for pattern in (DATE_NUM, DATE_WORDS):
        match = pattern.search(text)
        if match:
            return iso(*match.groups())
    return ""


def normalise_document(kind: str, number: str) -> str:
    for pattern, name, suffix in TYPES:
        if re.fullmatch(pattern, kind):
            if re.fullmatch(r"\d+/\d{4}", number) and suffix:
                number = f"{number}/{suffix}"
            if name == "Nghị quyết" and re.fullmatch(r"\d+", number):
                number = f"{number}/NQ-CP"
            return f"{name} {number}"
    return f"{kind} {number}"


def find_document(text: str) -> tuple[str, str, int]:
    """(document, date, position) of the first document named in `text`."""
    candidates = []
    for match in DOC.finditer(text):
        candidates.append((match.start(), normalise_document(match.group(1), match.group(2)),
                           match.end()))
    for match in LAW.finditer(text):
        title = re.sub(r"\s+", " ", match.group(1)).strip(" ,")
        candidates.append((match.start(), f"{title} {match.group(2)}", match.end()))
    if not candidates:
        return "", "", -1
    start, document, end = min(candidates)
    tail = text[end:end + 40]
    date = ""
    date_match = re.match(r"\s*(?:ngày|\(|,)?\s*(?:ban hành ngày|được ban hành ngày)?\s*"
                          r"(\d{1,2}/\d{1,2}/\d{4}|\d{1,2} tháng \d{1,2} năm \d{4})", tail)
    if date_match:
        date = first_date(date_match.group(1))
    return document, date, start


def year_of(document: str) -> str:
    match = re.search(r"/(\d{4})(?:/|$)", document)
    if match:
        return match.group(1)
    match = re.search(r"\b(19|20)\d{2}\b", document)
    return match.group(0) if match else ""


KNOWN_URLS: dict[str, str] = {}


def _title_key(title: str) -> str:
    title = re.sub(r"\((url|urls)[^)]*\)|\([A-D]\d+\)|url above|\(same\)", "", fold(title))
    return re.sub(r"[^a-z0-9]+", " ", title).strip()


def remember_urls(cell: str) -> None:
    for title, url in split_sources(cell, resolve=False):
        if url:
            KNOWN_URLS.setdefault(_title_key(title), url)


REFERENCE = re.compile(r"\s*\((?:URLs? [^)]*|URL|[A-D]\d+(?:[–-][A-D]?\d+)?|same)\)|\s*URL above",
                       re.IGNORECASE)


def _pieces(segment: str) -> list[str]:
    """Titles in a stretch of a source cell without address: "A; B (2) C" -> [A, B, C]."""
    parts = re.split(r";\s*|\s*\(\d\)\s+", segment)
    return [p for p in (re.sub(r"\s+", " ", x).strip(" ;:,—-") for x in parts) if p]


def split_sources(cell: str, resolve: bool = True) -> list[tuple[str, str]]:
    """[(title, url)] from a source cell "Title https://… ; Title2 https://… ; Title3": the
    text before each address is its title; titles without an address are kept (and, with
    `resolve`, given the address the sheet gave that title in another row)."""
    text = strip_md(cell)
    out: list[tuple[str, str]] = []
    pos = 0
    for match in URL.finditer(text):
        pieces = _pieces(text[pos:match.start()])
        pos = match.end()
        url = match.group(0).rstrip(").,;")
        for piece in pieces[:-1]:
            out.append((piece, ""))
        title = pieces[-1] if pieces else re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
        out.append((title, url))
    for piece in _pieces(text[pos:]):
        if piece.startswith("(") and out:  # "(spam domain …, weak)": a note on the last one
            out[-1] = (f"{out[-1][0]} {piece}", out[-1][1])
        else:
            out.append((piece, ""))
    if resolve:
        out = [(title, url or _known_url(title)) for title, url in out]
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text))) - {"url", "above", "in", "same", "see"}


def _referenced_url(title: str, extra: dict[str, dict[str, str]], fid: str) -> str:
    """"Tiền Giang portal (B12)": the address of the source with that title in row B12."""
    ref = re.search(r"\b([A-D]\d+)\b", title)
    if not ref or ref.group(1) not in extra or ref.group(1) == fid:
        return ""
    row = extra[ref.group(1)]
    other = [o for o in split_sources(row.get("source", "") or row.get("source(s)", ""))
             if o[1]]
    wanted = _words(REFERENCE.sub("", title))
    for other_title, url in other:
        host = re.sub(r"^https?://", "", url).split("/")[0]
        if wanted and wanted <= _words(other_title) | _words(host.replace(".", " ")):
            return url
    return other[0][1] if len(other) == 1 else ""


def _known_url(title: str) -> str:
    """The address the sheets give, in some row, to a source with this title."""
    key = _title_key(title)
    if not key:
        return ""
    if re.fullmatch(r"[\w-]+(\.[\w-]+)+", title.strip()):  # a bare host: "tcvn.gov.vn"
        for url in KNOWN_URLS.values():
            if re.sub(r"^https?://(www\.)?", "", url).startswith(title.strip() + "/"):
                return url
    for known, url in KNOWN_URLS.items():
        if known.startswith(key) or key.startswith(known):
            return url
    return ""


def clean_quote(text: str) -> str:
    quote = strip_md(text)
    if quote.lower().startswith(("see ", "xem ")):
        return ""
    if re.fullmatch(r'"[^"]*"', quote):
        quote = quote[1:-1]
    return quote


def confidence_of(mark: str) -> str:
    if re.search(r"UNCONFIRMED|AVOID|CAUTION", mark):
        return "unconfirmed"
    low = mark.lower()
    if low.startswith("primary") or (low.startswith("**confirmed") is False
                                     and "primary" in low.split(";")[0]
                                     and "secondary" not in low.split(";")[0].split("+")[0]):
        return "primary"
    return "secondary"


def replaced(document: str) -> tuple[str, str]:
    for pattern, by, on in REPLACED:
        if re.search(pattern, document):
            return by, on
    return "", ""


def plan_sentences(text: str) -> list[tuple[str, str]]:
    """(heading path, paragraph) pairs of the 2021 plan's text (a paragraph is one bullet or
    numbered item, quoted whole)."""
    heading: list[str] = []
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("Nơi nhận", "**")):
            continue
        if re.match(r"^[IVX]+\. ", line):
            heading = [line.split(":")[0]]
            continue
        numbered = re.match(r"^(\d+)\. (.*)$", line)
        if numbered and len(line) < 60:
            heading = heading[:1] + [line]
            continue
        body = line.lstrip("- ").strip()
        if numbered:
            lead = numbered.group(2).split(":")[0]
            label = f"{numbered.group(1)}. {lead}" if len(lead) < 40 else \
                f"mục {numbered.group(1)}"
            heading = heading[:1] + [label]
            body = numbered.group(2)
        out.append((" / ".join(heading) or "Tên văn bản", body))
    return out


def best_plan_quote(statement: str, sentences: list[tuple[str, str]]) -> tuple[str, str]:
    words = set(re.findall(r"\w+", fold(statement)))
    best, best_score = ("", ""), 0.0
    for heading, sentence in sentences:
        found = set(re.findall(r"\w+", fold(sentence)))
        if not found:
            continue
        score = len(words & found) / (len(words) ** 0.5 * len(found) ** 0.5)
        if score > best_score:
            best, best_score = (heading, sentence), score
    return best


def fact_from_row(row: dict[str, str], extra: dict[str, dict[str, str]],
                  sentences: list[tuple[str, str]]) -> dict:
    fid = row["id"]
    statement = strip_md(row.get("fact", ""))
    mark = strip_md(row.get("mark", ""))
    quote = clean_quote(row.get("quote", ""))
    source_cell = row.get("source", "")
    sheet = row["file"]
    notes = ""
    if fid.startswith("A"):
        heading, quote = best_plan_quote(statement, sentences)
        mark = "primary (official text shipped in the repository)"
        sources = [(f"{PLAN_DOCUMENT} (văn bản gốc: question_bank/facts/{PLAN_TEXT})", "")]
        confirmed = f"đọc trong văn bản gốc (FACTS.md {fid})"
        provision = heading
    else:
        provision = ""
        recheck = extra.get(fid)
        if fid.startswith("B"):
            if recheck:  # LEGAL_FACTS.md §1 re-checked this row
                quote = clean_quote(recheck.get("quote", ""))
                source_cell = recheck.get("source(s)", "")
                notes = strip_md(recheck.get("result", ""))
            elif fid in B_CORROBORATION:
                other = extra[B_CORROBORATION[fid]]
                quote = clean_quote(other.get("quote", ""))
                source_cell = other.get("source", "")
                notes = f"Trích dẫn và nguồn lấy từ dòng xác nhận {B_CORROBORATION[fid]}."
        sources = split_sources(source_cell)
        confirmed = f"{mark} ({sheet} {fid})" if mark else f"({sheet} {fid})"
    # Sources written as "see B11" / "Tiền Giang portal (B12)": the address from the row named
    # (its source with the same title, or all of its sources for a bare "see B11").
    ref = re.search(r"\b([A-D]\d+)\b", source_cell)
    if strip_md(source_cell).lower().startswith("see ") and ref and ref.group(1) in extra:
        other = split_sources(extra[ref.group(1)].get("source", "")
                              or extra[ref.group(1)].get("source(s)", ""))
        sources = [o for o in other if o[1]] or sources
    sources = [(title, url or _referenced_url(title, extra, fid)) for title, url in sources]
    sources = [(REFERENCE.sub("", t).strip() or t, u) if u else (t, u) for t, u in sources]
    if not quote:  # "see B11": the quote of the row named
        ref = re.search(r"\b([A-D]\d+)\b", strip_md(row.get("quote", "")))
        if ref and ref.group(1) in extra:
            quote = clean_quote(extra[ref.group(1)].get("quote", ""))
    document, issued, _ = find_document(statement)
    if not document:
        document, issued, _ = find_document(quote)
    if not document:
        folded = fold(statement)
        for pattern, named in NAMED:
            if re.search(pattern, folded):
                document = named
                break
    if fid.startswith("A"):
        document, issued = PLAN_DOCUMENT, "2021"
    if not provision:
        match = PROVISION.search(statement)
        provision = match.group(1) if match else ""
        if provision and not re.search(r"Điều|Mẫu|Mục|Chương", provision):
            provision = ""
    override = OVERRIDES.get(fid, {})
    if "document" in override and override["document"] != document:
        document, issued = override["document"], ""
    issued = override.get("issued", issued)
    if len(issued) != 10:
        issued = KNOWN_DATES.get(document, "") or issued or year_of(document)
    provision = override.get("provision", provision)
    replaced_by, replaced_on = replaced(document) if fid not in NOT_REPLACED else ("", "")
    title, url = sources[0] if sources else ("", "")
    others = [f"{t} {u}".strip() for t, u in sources[1:]]
    if others:
        notes = (notes + " " if notes else "") + "Nguồn khác: " + " ; ".join(others)
    fact = {
        "id": fid,
        "statement": statement,
        "document": document,
        "issued": issued,
        "provision": provision,
        "quote": quote,
        "source": {"title": title, "url": url},
        "confidence": confidence_of(mark) if not fid.startswith("A") else "primary",
        "confirmed": confirmed,
        "read_on": READ_ON,
    }
    if replaced_by:
        fact["replaced_by"] = replaced_by
        fact["replaced_on"] = replaced_on
    gloss = strip_md(row.get("gloss", ""))
    if gloss:
        fact["gloss"] = gloss
    if notes:
        fact["notes"] = notes
    return fact


def _scalar(value: str) -> str:
    """A YAML double-quoted scalar on one line (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def dump(facts: list[dict]) -> str:
    lines = ["facts:"]
    for fact in facts:
        first = True
        for key, value in fact.items():
            lead = "  - " if first else "    "
            first = False
            if isinstance(value, dict):
                lines.append(f"{lead}{key}:")
                lines.extend(f"      {k}: {_scalar(v)}" for k, v in value.items())
            elif key in ("id", "confidence") and value \
                    and re.fullmatch(r"[A-Za-z0-9-]+", value):
                lines.append(f"{lead}{key}: {value}")
            else:
                lines.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def write(name: str, title: str, facts: list[dict]) -> None:
    body = dump(facts)
    assert yaml.safe_load(body)["facts"] == facts
    (OUT / name).write_text(f"# {title}\n# Carried over from the shared fact sheets by "
                            f"question_bank/tools/carry_over_facts.py on {READ_ON}.\n" + body,
                            encoding="utf-8")


def main(folder: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    plan = (folder / PLAN_TEXT).read_text(encoding="utf-8")
    (OUT / PLAN_TEXT).write_text(plan, encoding="utf-8")
    sentences = plan_sentences(plan)
    sheet_rows = rows(folder / "FACTS.md")
    legal_rows = rows(folder / "LEGAL_FACTS.md")
    extra: dict[str, dict[str, str]] = {}
    for row in legal_rows:
        extra.setdefault(row["id"], row)  # §1 B re-checks come first, then C and D rows
    for row in legal_rows:
        remember_urls(row.get("source", "") or row.get("source(s)", ""))
    groups: dict[str, list[dict]] = {"A": [], "B": [], "C": [], "D": []}
    for row in sheet_rows:
        groups[row["id"][0]].append(fact_from_row(row, extra, sentences))
    seen = set()
    for row in legal_rows:
        if row["id"][0] in "CD" and row["id"] not in seen:
            seen.add(row["id"])
            groups[row["id"][0]].append(fact_from_row(row, extra, sentences))
    write("plan_2021.yaml", "A: the Đắk Lắk Department of Home Affairs' 2021 CCHC "
          "communication plan (primary; text beside this file)", groups["A"])
    write("legal_documents.yaml", "B: legal documents (FACTS.md §B, re-checked in "
          "LEGAL_FACTS.md §1)", groups["B"])
    write("legal_c.yaml", "C1–C143: LEGAL_FACTS.md §2", groups["C"])
    write("legal_d.yaml", "D1–D93: LEGAL_FACTS.md §6", groups["D"])
    for key, facts in groups.items():
        print(key, len(facts))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "facts")
