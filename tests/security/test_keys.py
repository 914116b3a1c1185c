"""Hole 13: production refuses weak keys.

SECRET_KEY and DATA_KEY must each be at least 32 characters, not a repeated pattern, not a
run like "abcd…", not low in estimated entropy, and not equal to each other; the refusal says
what is wrong and how to get good keys (`flask --app contest_app keys generate`)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from contest_app import InsecureConfiguration, create_app
from contest_app.config import (
    MIN_KEY_BITS,
    estimated_key_bits,
    generate_keys,
    key_weakness,
    production_key_problems,
)

ROOT = Path(__file__).resolve().parents[2]
ENV_LINE = re.compile(r"^(SECRET_KEY|DATA_KEY)=([A-Za-z0-9_-]+)$")

WEAK = {
    "a" * 32: "repeats a pattern",
    "a" * 64: "repeats a pattern",
    "ab" * 20: "repeats a pattern",
    "abcdefgh" * 4: "repeats a pattern",
    "0123456789abcdef" * 2 + "0": "repeats a pattern",
    "abcdefghijklmnopqrstuvwxyz012345": "consecutive",
    "aaaaaaaabbbbbbbbccccccccdddddddd": "different characters",
    "q1q3q5q7q9qBqDqFqHqJq3q1q7q5qBq9": "estimated entropy",
    "short-but-random-Xq9": "at least 32",
    "": "not set",
    "testing-secret-key-not-for-production": "well-known",
}


@pytest.mark.parametrize(("key", "reason"), sorted(WEAK.items()))
def test_weak_keys_are_named_with_their_reason(key: str, reason: str) -> None:
    found = key_weakness(key)
    assert found is not None and reason in found, found


def test_random_keys_pass() -> None:
    for _ in range(300):
        for key in (*generate_keys().values(), secrets.token_hex(32), secrets.token_urlsafe(32),
                    secrets.token_urlsafe(24)):
            assert key_weakness(key) is None, key


def test_entropy_estimate() -> None:
    assert estimated_key_bits("a" * 40) == 0
    assert estimated_key_bits("ab" * 16) == pytest.approx(32)
    assert estimated_key_bits(secrets.token_urlsafe(48)) > 3 * MIN_KEY_BITS
    assert production_key_problems("k" * 48, "k" * 48)[-1].startswith(
        "SECRET_KEY and DATA_KEY are the same")
    good = generate_keys()
    assert production_key_problems(good["SECRET_KEY"], good["DATA_KEY"]) == []


def _production(tmp_path: Path, **keys: object):
    return create_app({"ENV_NAME": "production", **keys,
                       "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.db")})


@pytest.mark.parametrize("weak", ["a" * 32, "abcd" * 8, "k" * 48, "x" * 31,
                                  "abcdefghijklmnopqrstuvwxyz012345"])
@pytest.mark.parametrize("which", ["SECRET_KEY", "DATA_KEY"])
def test_production_refuses_a_weak_key(monkeypatch, tmp_path, weak: str, which: str) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    keys = {**generate_keys(), which: weak}
    with pytest.raises(InsecureConfiguration) as err:
        _production(tmp_path, **keys)
    message = str(err.value)
    assert f"{which} is too weak for production" in message
    assert "flask --app contest_app keys generate" in message
    assert weak not in message  # the refusal never prints the key


def test_production_refuses_equal_keys(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    key = generate_keys()["SECRET_KEY"]
    with pytest.raises(InsecureConfiguration) as err:
        _production(tmp_path, SECRET_KEY=key, DATA_KEY=key)
    assert "SECRET_KEY and DATA_KEY are the same" in str(err.value)
    assert "keys generate" in str(err.value)


def test_production_accepts_generated_keys(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    keys = generate_keys()
    app = _production(tmp_path, **keys)
    assert app.config["SECRET_KEY"] == keys["SECRET_KEY"]
    assert app.config["DATA_KEY"] == keys["DATA_KEY"]


def _parse(output: str) -> dict[str, str]:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 2, output
    pairs = dict(ENV_LINE.match(line).groups() for line in lines)
    assert set(pairs) == {"SECRET_KEY", "DATA_KEY"}
    return pairs


def test_keys_generate_prints_two_good_distinct_env_lines() -> None:
    from contest_app.cli import keys_cli

    runner = CliRunner()
    first = runner.invoke(keys_cli, ["generate"])
    second = runner.invoke(keys_cli, ["generate"])
    assert first.exit_code == 0 and second.exit_code == 0
    one, two = _parse(first.stdout), _parse(second.stdout)
    assert one["SECRET_KEY"] != one["DATA_KEY"]
    assert one != two
    assert production_key_problems(one["SECRET_KEY"], one["DATA_KEY"]) == []
    assert "DATA_KEY" in first.stderr  # the warning about changing DATA_KEY goes to stderr


def test_keys_generate_runs_where_production_keys_are_refused(tmp_path) -> None:
    """The command the refusal names must work in the very environment it refused."""
    env = {**os.environ, "CONTEST_ENV": "production", "SECRET_KEY": "a" * 32,
           "DATA_KEY": "a" * 32, "INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(ROOT),
           "DATABASE_URL": "sqlite:///" + str(tmp_path / "p.db")}
    flask = [sys.executable, "-m", "flask", "--app", "contest_app"]
    done = subprocess.run([*flask, "keys", "generate"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    keys = _parse(done.stdout)
    # With the printed keys, production starts (other commands answer).
    env.update(keys)
    ok = subprocess.run([*flask, "routes"], env=env, cwd=ROOT, capture_output=True, text=True,
                        timeout=60)
    assert ok.returncode == 0, ok.stderr
    # With the weak keys, any other command is refused with the reason.
    env.update({"SECRET_KEY": "a" * 32, "DATA_KEY": "a" * 32})
    refused = subprocess.run([*flask, "routes"], env=env, cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode != 0
    assert "too weak for production" in refused.stderr
