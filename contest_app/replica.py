"""An optional read replica for the public pages (published rankings, contest lists, the
portal widget): set DATABASE_REPLICA_URL and those pages read from a second engine, so the
primary keeps its capacity for answers. Without it `reader()` is the ordinary session.

A replica lags the primary by its replication delay: a ranking published a moment ago may
appear there a moment later. Nothing that writes, or that a participant's own work depends
on, reads through it."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from .extensions import db

BIND = "replica"


def configure(app: Flask) -> None:
    url = app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
    binds[BIND] = url
    app.config["SQLALCHEMY_BINDS"] = binds

    @app.teardown_appcontext
    def _close_reader(_exc: BaseException | None) -> None:
        session = g.pop("_replica_session", None)
        if session is not None:
            session.close()


def reader() -> Session:
    """The session public read-only pages use: the replica's when configured."""
    if BIND not in (current_app.config.get("SQLALCHEMY_BINDS") or {}):
        return db.session
    session = g.get("_replica_session")
    if session is None:
        session = g._replica_session = Session(bind=db.engines[BIND], autoflush=False)
    return session
