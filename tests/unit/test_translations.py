"""Every user-facing string in the code and templates has an English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
METHODS = [("contest_app/**.py", "python"), ("templates/**.html", "jinja2")]


def test_english_catalogue_covers_every_message() -> None:
    with (ROOT / "contest_app/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and m.string and "fuzzy" not in m.flags}
    missing, seen = set(), 0
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        seen += 1
        if msgid and msgid not in translated:
            missing.add(msgid)
    assert seen > 500  # the extraction really read the code
    assert not missing, "untranslated (run pybabel extract/update and translate): " + "; ".join(
        sorted(missing)[:20])


def test_no_message_is_translated_twice() -> None:
    """Appending to the catalogue from several branches can repeat a msgid; Babel keeps one of
    them silently and `msgfmt --check` fails."""
    import collections
    import re
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "contest_app/translations/en/LC_MESSAGES/messages.po"
    ids = re.findall(r'^msgid "(.+)"$', po.read_text(encoding="utf-8"), re.M)
    assert [m for m, n in collections.Counter(ids).items() if n > 1] == []
