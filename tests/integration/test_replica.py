"""With DATABASE_REPLICA_URL the public pages read through the replica's engine; the
pages that write (login, answers) never do."""

from __future__ import annotations

from sqlalchemy import event

from contest_app import create_app
from contest_app.extensions import db
from tests import factories
from tests.conftest import make_test_config


def test_public_pages_read_from_the_replica(app, database_url, clock) -> None:
    with app.app_context():
        factories.contest(db.session, title="Cuộc thi đọc từ bản sao")
        db.session.commit()
    replicated = create_app(make_test_config(database_url, DATABASE_REPLICA_URL=database_url))
    statements: list[str] = []
    with replicated.app_context():
        engine = db.engines["replica"]
        assert engine is not db.engine
        event.listen(engine, "before_cursor_execute",
                     lambda conn, cursor, sql, *a: statements.append(sql))
    client = replicated.test_client()
    home = client.get("/")
    assert home.status_code == 200 and "Cuộc thi đọc từ bản sao" in home.get_data(as_text=True)
    assert any("contest" in s for s in statements)
    statements.clear()
    assert client.get("/tai-khoan/dang-nhap").status_code == 200
    assert statements == []


def test_without_replica_public_pages_use_the_primary(app) -> None:
    with app.app_context():
        from contest_app.replica import reader

        with app.test_request_context("/"):
            assert reader() is db.session
