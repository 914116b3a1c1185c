"""Migration i15c_bank_1: an approved question's current version that has no approval record
gets approved_at = created_at (approver unknown, legal check not recorded); drafts stay
unapproved."""

from __future__ import annotations

from sqlalchemy import text

from contest_app import create_app
from contest_app.extensions import db
from tests.conftest import make_test_config

STAMP = "2026-01-02 03:04:05.000000"


def test_existing_approved_versions_get_an_approval_time(tmp_path, app) -> None:
    """On its own SQLite file (the session's database stays at head); `app` sets up the
    instance folder."""
    from flask_migrate import downgrade, upgrade

    other = create_app(make_test_config("sqlite:///" + str(tmp_path / "m.sqlite3")))
    with other.app_context():
        upgrade(revision="i15c_bank_1")
        downgrade(revision="-1")  # just before this migration
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO topic (id, key, name, position) "
                              "VALUES (1, 't', 'T', 0)"))
            for qid, status in ((1, "approved"), (2, "draft")):
                conn.execute(text(
                    "INSERT INTO question (id, key, topic_id, difficulty, status, "
                    "current_version, pool, draw_group, search_text, created_at, updated_at) "
                    "VALUES (:id, :key, 1, 'easy', :status, 2, 'official', '', '', :at, :at)"),
                    {"id": qid, "key": f"Q-{qid}", "status": status, "at": STAMP})
                for number in (1, 2):
                    conn.execute(text(
                        "INSERT INTO question_version (question_id, number, text, options, "
                        "correct, multiple, weight, explanation, legal_basis, facts, "
                        "confidence, content_hash, created_at) VALUES (:q, :n, 'x', '[]', "
                        "'[]', 0, 1, '', '', '[]', 'primary', 'h', :at)"),
                        {"q": qid, "n": number, "at": STAMP})
        upgrade(revision="i15c_bank_1")
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT question_id, number, approved_at, approved_by_id, legal_checked "
                "FROM question_version ORDER BY question_id, number")).all()
        db.session.remove()
        db.engine.dispose()
    assert [(r[0], r[1], r[2] is not None, r[3], bool(r[4])) for r in rows] == [
        (1, 1, False, None, False), (1, 2, True, None, False),
        (2, 1, False, None, False), (2, 2, False, None, False)]
    assert str(rows[1][2]).startswith("2026-01-02 03:04:05")
