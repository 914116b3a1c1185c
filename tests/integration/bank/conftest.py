"""Bank fixtures: a small YAML bank and fact sheets in tmp dirs, FACTS_PATH pointed at them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from contest_app.bank import services
from contest_app.extensions import db
from tests.unit.bank.samples import write_bank, write_facts


@pytest.fixture
def facts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_facts(tmp_path / "facts")
    monkeypatch.setenv("FACTS_PATH", str(folder))
    return folder


@pytest.fixture
def bank_dir(tmp_path: Path, facts_dir: Path) -> Path:
    return write_bank(tmp_path / "bank")


@pytest.fixture
def import_bank(app: Flask, facts_dir: Path) -> Callable[..., services.ImportSummary]:
    """Write `items` as the bank (the base bank by default), import it and commit; by default
    in merge mode with the legal check ticked (the file's "approved" questions approved)."""

    def do(items: list[dict[str, Any]] | None = None, folder: Path | None = None, *,
           approve: bool = True, mode: str = services.MODE_MERGE) -> services.ImportSummary:
        path = write_bank(folder or facts_dir.parent / "bank", items)
        with app.app_context():
            summary, _ = services.import_path(db.session, path, approve=approve, mode=mode)
            db.session.commit()
            db.session.remove()
        return summary

    return do
