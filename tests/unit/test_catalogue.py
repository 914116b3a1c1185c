"""No English in the Vietnamese interface, no Vietnamese in the English one.

Three checks over the code and templates Babel reads (babel.cfg):
- every msgid has an English translation, and a Vietnamese msgid is not "translated" by copying
  it unchanged (the English interface would show Vietnamese);
- no text a person sees in a template (text between tags, and the placeholder, title, alt and
  aria-label attributes) is English left outside `_()`: a heuristic that strips Jinja and flags
  text made only of ASCII words, with an allowlist for brand names, formats and codes;
- in the Python code, no message reaches a person without `_()`: string literals given to
  `flash()`, `ValidationError()`, domain error registrations or ValidationFailed's field
  messages.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "contest_app/translations/en/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
# Letters only Vietnamese uses (beside a, e, i, o, u, y and d without marks).
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữự"
                        r"ỳýỷỹỵ]", re.I)


def _catalogue() -> dict[str, str]:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    return {(m.id if isinstance(m.id, str) else m.id[0]):
            (m.string if isinstance(m.string, str) else m.string[0])
            for m in catalogue if m.id and m.string and "fuzzy" not in m.flags}


def _messages() -> list[tuple[str, int, str]]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = []
    for filename, lineno, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.append((filename, lineno, msgid))
    return found


def test_every_message_has_an_english_translation_that_is_not_a_copy() -> None:
    english = _catalogue()
    messages = _messages()
    assert len(messages) > 500  # the extraction really read the code and templates
    missing = sorted({f"{f}:{n}: {m}" for f, n, m in messages if m not in english})
    copied = sorted({f"{f}:{n}: {m}" for f, n, m in messages
                     if m in english and english[m] == m and VIETNAMESE.search(m)})
    assert not missing, "no English translation:\n" + "\n".join(missing[:40])
    assert not copied, "English translation copies the Vietnamese:\n" + "\n".join(copied[:40])


# --- English text outside _() in templates ----------------------------------------------------

# Words that are the same in both languages: brands, file formats, codes and abbreviations.
ALLOWED_WORDS = {
    "cchc", "cccd", "xlsx", "csv", "docx", "pdf", "yaml", "yml", "json", "api", "qr", "png",
    "svg", "url", "id", "ok", "zalo", "facebook", "email", "e-mail", "bootstrap", "openapi",
    "v1", "hh", "mm", "dd", "yyyy", "utc", "gmt", "ip", "vnd", "vnđ", "html", "http", "https",
    "www", "cms", "sms", "otp", "bearer", "token", "hội", "thi", "ubnd", "x", "p", "a", "b",
    "c", "d", "i", "ii", "iii", "iv", "v", "vi", "en", "kb", "mb", "gb",
    "english",  # the language switch names each language in itself
}
# Code shown to be copied, not read as text.
CODE_TAGS = {"script", "style", "pre", "code", "kbd", "samp", "textarea"}
VISIBLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.U)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_TAGS:
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.texts.append((self.getpos()[0], value))
        # A button's label, and what a shared link shows in Zalo or Facebook.
        if tag == "input" and values.get("type") in ("submit", "button", "reset") \
                and values.get("value"):
            self.texts.append((self.getpos()[0], values["value"]))
        if tag == "meta" and (values.get("name") == "description" or values.get("property") in (
                "og:title", "og:description", "og:site_name")) and values.get("content"):
            self.texts.append((self.getpos()[0], values["content"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append((self.getpos()[0], data))


def english_words(text: str) -> list[str]:
    """The words of `text` that read as English: text with any Vietnamese letter is Vietnamese;
    otherwise every ASCII word not on the allowlist counts."""
    if VIETNAMESE.search(text):
        return []
    return [w for w in _WORD.findall(text)
            if w.isascii() and len(w) > 1 and w.lower().strip("'’-") not in ALLOWED_WORDS]


def visible_english(source: str) -> list[tuple[int, str]]:
    """(line, text) of the visible English in a Jinja template's source."""
    # Keep line numbers: every Jinja block becomes blanks and its own newlines.
    stripped = _JINJA.sub(lambda m: " " + "\n" * m.group(0).count("\n") + " ", source)
    parser = _VisibleText()
    parser.feed(stripped)
    parser.close()
    return [(line, " ".join(text.split())) for line, text in parser.texts
            if english_words(text)]


@pytest.mark.parametrize("text", ["Submit", "Delete", "Not a valid integer value.",
                                  "Next page", "<button>Save</button>",
                                  '<input placeholder="Search">', "<p>Loading…</p>",
                                  '<input type="submit" value="Send">',
                                  '<meta property="og:title" content="Online contest">'])
def test_the_heuristic_catches_english(text: str) -> None:
    assert visible_english(text)


@pytest.mark.parametrize("text", ["{{ _('Nộp bài') }}", "Nộp bài", "<b>CCCD</b> · XLSX",
                                  "<script>const Submit = 1;</script>", "{# Submit #}",
                                  "18/20 – 12:05", '<a title="{{ _(\'Xóa\') }}">×</a>',
                                  "{% if x %}Hội thi{% endif %}", "dd/mm/yyyy HH:MM",
                                  '<input type="hidden" name="next" value="/home page">',
                                  '<meta property="og:type" content="website">'])
def test_the_heuristic_lets_vietnamese_codes_and_jinja_through(text: str) -> None:
    assert visible_english(text) == []


def test_no_english_text_outside_gettext_in_templates() -> None:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for line, text in visible_english(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text[:80]}")
    assert not found, "English outside _() in templates:\n" + "\n".join(found)


# --- messages in the Python code that skip _() -----------------------------------------------

def _is_literal_text(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and bool(node.value.strip())) or isinstance(node, ast.JoinedStr)


def untranslated_messages(source: str) -> list[tuple[int, str]]:
    """(line, what) for `flash("…")`, `ValidationError("…")`, `ValidationFailed(field="…")`
    and `register_domain_error(code, status, "…")` with a bare string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else (
            node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if name in ("flash", "ValidationError", "StopValidation") and node.args \
                and _is_literal_text(node.args[0]):
            found.append((node.lineno, name))
        if name == "register_domain_error" and len(node.args) > 2 \
                and _is_literal_text(node.args[2]):
            found.append((node.lineno, name))
        if name == "ValidationFailed":
            found.extend((node.lineno, f"ValidationFailed({kw.arg}=…)") for kw in node.keywords
                         if kw.arg and _is_literal_text(kw.value))
    return found


def test_the_python_check_catches_bare_strings() -> None:
    assert untranslated_messages('flash("Saved")') == [(1, "flash")]
    assert untranslated_messages('raise ValidationFailed(day="Ngày sai")') == [
        (1, "ValidationFailed(day=…)")]
    assert untranslated_messages('raise ValidationError(f"{n} is wrong")') == [
        (1, "ValidationError")]
    assert untranslated_messages('register_domain_error("x", 409, "Đã đóng")') == [
        (1, "register_domain_error")]
    assert untranslated_messages('flash(_("Đã lưu."))\nValidationFailed(day=_l("Sai"))') == []


def test_no_bare_string_reaches_a_person_from_the_python_code() -> None:
    found = []
    for path in sorted((ROOT / "contest_app").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, what in untranslated_messages(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "messages without _():\n" + "\n".join(found)
