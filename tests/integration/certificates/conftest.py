from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _empty_certificate_cache(app):
    """The instance folder lives for the whole session while ids restart with each clean
    database: start every test without cached PDFs."""
    shutil.rmtree(Path(app.instance_path) / "certificates", ignore_errors=True)
    yield
