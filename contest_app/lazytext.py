"""Translatable messages for the modules that must not import Flask (the rules): a lazy
string that Flask-Babel translates only when it is shown, in the request's language. The
`_l` name is the one the message extraction already looks for."""

from __future__ import annotations

from babel.support import LazyProxy


def _translate(text: str) -> str:
    try:
        from flask_babel import gettext

        return gettext(text)
    except (ImportError, RuntimeError, KeyError):  # no app or request: the Vietnamese text
        return text


def _l(text: str) -> LazyProxy:
    return LazyProxy(_translate, text, enable_cache=False)
