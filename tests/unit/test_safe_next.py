"""The one rule for `next` redirect targets: a local path or the default."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest_app.security import safe_next

DEFAULT = "/mac-dinh"

HOSTILE = [
    "//evil.example",
    "/\t/evil.example",
    "/%09/evil.example".replace("%09", "\t"),
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example/",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/x\\..\\..\\evil",
    "https://evil.example",
    "http://evil.example/a",
    "HTTPS://evil.example",
    "//evil.example@good.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "evil.example/path",
    "../evil",
    "?next=//evil",
    "#frag",
    "/\u200b/evil.example",       # zero-width space (format character)
    "/\u2028/evil.example",       # line separator
    "/\u3000/evil.example",       # ideographic space
    "/\uff0fevil.example",        # fullwidth solidus
    "/ /evil.example",
    "/a b",
    "",
    "   ",
    "\t",
    None,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_give_the_default(value) -> None:
    assert safe_next(value, DEFAULT) == DEFAULT


@pytest.mark.parametrize("value", [
    "/", "/cuoc-thi/3", "/cuoc-thi/3/tham-gia?x=1&y=2", "/bang-xep-hang#top",
    "/tai-khoan/doi-mat-khau", "/a/b/c?next=%2F%2Fevil", "/path:with:colons",
    "/search?q=http://x",
])
def test_local_paths_are_kept(value: str) -> None:
    assert safe_next(value, DEFAULT) == value


def test_surrounding_whitespace_is_stripped() -> None:
    assert safe_next("  /cuoc-thi/3 \n", DEFAULT) == "/cuoc-thi/3"


def test_control_characters_inside_a_local_path_are_removed() -> None:
    assert safe_next("/cuoc\t-thi/3", DEFAULT) == "/cuoc-thi/3"


@given(st.text())
def test_any_text_gives_a_local_path(value: str) -> None:
    result = safe_next(value, "/")
    assert result.startswith("/")
    assert not result.startswith("//")
    assert "\\" not in result
    parts = urlsplit(result)
    assert not parts.scheme and not parts.netloc
    assert all("!" <= c <= "~" for c in result)


@given(st.text(alphabet=st.sampled_from(list("/\\\t\n\r \x00:.@?#%evil")), max_size=12))
def test_slash_heavy_text_gives_a_local_path(value: str) -> None:
    result = safe_next(value, "/")
    assert result.startswith("/") and not result.startswith("//")
    assert not urlsplit(result).netloc and "\\" not in result
