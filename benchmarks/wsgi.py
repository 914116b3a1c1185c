"""The application under gunicorn for the load benchmark, with its own JSON hello (the fixed
cost every request of the app pays). The reference it is compared with is a separate process
(benchmarks/bare.py)."""

from __future__ import annotations

from flask import Flask, jsonify

from contest_app import create_app


def build_app() -> Flask:
    app = create_app()

    @app.route("/bench/hello")
    def bench_hello():
        return jsonify(hello="world")

    return app


app = build_app()
