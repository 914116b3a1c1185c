"""The bare reference for the load benchmark: a separate Flask 3 process with nothing but a
JSON hello and one INSERT + COMMIT through Flask-SQLAlchemy on the same database as the app
(DATABASE_URL). `benchmarks/load.py` runs it under the same gunicorn settings as the app and
reports every hot path as a ratio to it."""

from __future__ import annotations

import os

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


def create_bare_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    url = url or os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):  # the app's own SQLite settings (contest_app._configure)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 10}}
    db.init_app(app)

    @app.route("/hello")
    def hello():
        return jsonify(hello="world")

    @app.route("/insert", methods=["POST"])
    def insert():
        db.session.execute(text("INSERT INTO bench_write (v) VALUES (:v)"), {"v": 1})
        db.session.commit()
        return jsonify(ok=True)

    return app


app = create_bare_app() if os.environ.get("DATABASE_URL") else None
