"""The application under gunicorn for the load benchmark, with two bare reference routes that
share the same process, settings and database: a JSON hello and one INSERT + COMMIT."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import text

from contest_app import create_app
from contest_app.extensions import csrf, db

app = create_app()


@app.route("/bench/hello")
def bench_hello():
    return jsonify(hello="world")


@app.route("/bench/insert", methods=["POST"])
@csrf.exempt
def bench_insert():
    db.session.execute(text("INSERT INTO bench_write (v) VALUES (:v)"), {"v": 1})
    db.session.commit()
    return jsonify(ok=True)
