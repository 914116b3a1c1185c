"""A short peak run (benchmarks/peak.py): 30 participants register, join, take the open round
through the JSON API (every answer, one reload, the submission) against a real gunicorn
server with 2 sync workers, while one request in ten reads the published ranking. Runs on
the database kind the suite runs on (a fresh PostgreSQL database next to DATABASE_URL, or a
temporary SQLite file); fails on any error or missing step, never on timings."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

PEAK = Path(__file__).resolve().parents[2] / "benchmarks" / "peak.py"
N = 30


def load_peak():
    spec = importlib.util.spec_from_file_location("peak_benchmark", PEAK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_short_peak_run_has_no_errors() -> None:
    peak = load_peak()
    result = peak.run(N, think=0.02, ramp=1.0, database=os.environ.get("DATABASE_URL"))
    steps = result["steps"]
    assert steps["overall"]["errors"] == 0, result["error_samples"]
    for step in ("register", "token", "join", "start", "reload", "submit"):
        assert steps[step]["count"] == N, step
    assert steps["answer"]["count"] == 10 * N
    assert steps["ranking"]["count"] > 0
    assert result["database"] == ("postgresql" if os.environ.get("DATABASE_URL", "").startswith(
        "postgresql") else "sqlite")
