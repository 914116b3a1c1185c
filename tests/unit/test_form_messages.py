"""WTForms' built-in messages reach the Vietnamese interface in Vietnamese (WTForms ships no
Vietnamese catalogue), and stay English in the English locale."""

from __future__ import annotations

import re
from pathlib import Path

import wtforms

from contest_app.forms_i18n import VI

SOURCES = Path(wtforms.__file__).parent


def test_every_wtforms_message_has_a_vietnamese_text() -> None:
    found = set()
    for path in [*SOURCES.glob("validators.py"), *SOURCES.glob("fields/*.py"),
                 *SOURCES.glob("csrf/*.py")]:
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'gettext\(\s*"([^"]+)"', text))
        found.update(m for pair in re.findall(
            r'ngettext\(\s*"([^"]+)",\s*"([^"]+)"', text) for m in pair)
    assert found, "no message found in WTForms' sources"
    assert sorted(found - set(VI)) == []
    assert all(v and v != k for k, v in VI.items())


def test_a_form_speaks_vietnamese_then_english(app) -> None:
    from wtforms import IntegerField
    from wtforms.validators import NumberRange

    from contest_app.forms_i18n import FlaskForm

    class Form(FlaskForm):
        class Meta:
            csrf = False

        n = IntegerField(validators=[NumberRange(min=1, max=200)])

    with app.test_request_context("/", method="POST", data={"n": "abc"}):
        form = Form()
        assert not form.validate()
        assert form.n.errors == ["Vui lòng nhập một số nguyên.", "Số phải trong khoảng 1 đến 200."]
    with app.test_request_context("/", method="POST", data={"n": "500"},
                                  headers={"Cookie": "lang=en"}):
        form = Form()
        assert not form.validate()
        assert form.n.errors == ["Number must be between 1 and 200."]
