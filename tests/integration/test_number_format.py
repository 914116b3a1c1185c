"""The `num` filter follows the page's language: Vietnamese separators, English in English."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def test_the_num_filter_uses_the_page_locale(app) -> None:
    template = "{{ 1234567|num }} · {{ 8.5|num(1) }}"
    with app.test_request_context("/"):
        assert render_template_string(template) == "1.234.567 · 8,5"
        with force_locale("en"):
            assert render_template_string(template) == "1,234,567 · 8.5"

