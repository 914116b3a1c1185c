"""Load benchmark of the hot paths under gunicorn (2 sync workers) with wrk (32 connections),
each reported as a ratio to a bare Flask route measured in the same run:

- contest list (home page and GET /api/v1/contests) and a published ranking page vs JSON hello
- start an attempt, save one answer, submit vs one INSERT + COMMIT

    .venv/bin/python benchmarks/load.py [--db sqlite|postgresql+psycopg://...] [--seconds 10]

Needs Debian's `wrk`. Targets: save ≥ 0.8, start ≥ 0.4, submit ≥ 0.5, pages ≥ 0.5,
≤ 100 MB per worker."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"home": 0.5, "contests_api": 0.5, "ranking": 0.5, "start": 0.4, "save": 0.8,
           "submit": 0.5}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, instance: str, users: int) -> dict:
    """Schema, bank, an open round, a closed published round, users and session cookies."""
    os.environ["INSTANCE_PATH"] = instance
    from flask_migrate import upgrade
    from itsdangerous import URLSafeTimedSerializer
    from sqlalchemy import insert, text

    from contest_app import clock, create_app
    from contest_app.accounts.models import Unit, User
    from contest_app.bank import services as bank
    from contest_app.extensions import db
    from contest_app.quiz.models import Attempt, Contest, Round
    from contest_app.rankings import services as rankings

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        db.session.execute(text("CREATE TABLE IF NOT EXISTS bench_write ("
                                "id INTEGER PRIMARY KEY, v INTEGER)" if url.startswith("sqlite")
                                else "CREATE TABLE IF NOT EXISTS bench_write ("
                                "id SERIAL PRIMARY KEY, v INTEGER)"))
        bank.import_path(db.session, ROOT / "question_bank", approve=True)
        now = clock.now()
        unit = Unit(name="Đơn vị đo tải", headcount=1000)
        contest = Contest(title="Cuộc thi đo tải")
        db.session.add_all([unit, contest])
        db.session.flush()
        live = Round(contest_id=contest.id, title="Vòng đang mở", opens_at=now - timedelta(
            hours=1), closes_at=now + timedelta(days=1), question_count=10, time_limit_s=3600,
            max_attempts=1, counting="best", reveal="after_submit")
        done = Round(contest_id=contest.id, title="Vòng đã đóng", opens_at=now - timedelta(
            days=8), closes_at=now - timedelta(hours=1), question_count=10, time_limit_s=900,
            max_attempts=1, counting="best", reveal="after_submit")
        db.session.add_all([live, done])
        db.session.flush()
        db.session.execute(insert(User), [
            {"id": 1000 + i, "email": f"load{i}@bench.vn", "full_name": f"Thí Sinh {i}",
             "search_name": f"thi sinh {i}", "search_given": str(i), "phone": f"08{i:08d}",
             "unit_id": unit.id, "password_hash": "x", "is_staff": False, "active": True,
             "created_at": now} for i in range(users)])
        db.session.execute(insert(Attempt), [
            {"round_id": done.id, "user_id": 1000 + i, "number": 1, "seed": 1,
             "status": "submitted", "started_at": done.opens_at, "deadline": done.closes_at,
             "submitted_at": done.opens_at + timedelta(seconds=i), "score": i % 11,
             "max_score": 10, "duration_ms": 60_000 + i} for i in range(min(users, 5000))])
        db.session.commit()
        rankings.publish_round(db.session, None, done, now)
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        csrf_serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
        sessions = []
        for i in range(users):
            raw = f"{i:040x}"
            cookie = serializer.dumps({"_user_id": f"{1000 + i}:1", "_fresh": True,
                                       "csrf_token": raw})
            sessions.append((cookie, csrf_serializer.dumps(raw)))
        return {"live": live.id, "done": done.id, "sessions": sessions,
                "cookie_name": app.config["SESSION_COOKIE_NAME"]}


def attempts_of(url: str, instance: str, round_id: int) -> list[tuple[int, int, list[int]]]:
    os.environ["INSTANCE_PATH"] = instance
    from sqlalchemy import select

    from contest_app import create_app
    from contest_app.extensions import db
    from contest_app.quiz.models import Attempt, AttemptItem

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        items: dict[int, list[int]] = {}
        for attempt_id, qid in db.session.execute(
                select(AttemptItem.attempt_id, AttemptItem.question_id)
                .join(Attempt, Attempt.id == AttemptItem.attempt_id)
                .where(Attempt.round_id == round_id)):
            items.setdefault(attempt_id, []).append(qid)
        owners = dict(db.session.execute(select(Attempt.id, Attempt.user_id).where(
            Attempt.round_id == round_id)).all())
        return [(aid, owners[aid] - 1000, qids) for aid, qids in items.items()]


def to_lua(value) -> str:
    """A Python value as a Lua literal (strings, numbers, lists and string-keyed dicts)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{to_lua(k)}] = {to_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(to_lua(v) for v in value) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def lua(requests: list[dict]) -> str:
    """A wrk script cycling through prepared requests (method, path, headers, body)."""
    return "requests = " + to_lua(requests) + """
counter = 0
request = function()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  return wrk.format(r["m"], r["p"], r["h"], r["b"])
end
"""


def wrk(port: int, path: str, seconds: int, script: str | None = None) -> float:
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    if script:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        cmd += ["-s", handle.name]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
                         text=True, timeout=seconds + 60).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if non2xx:
        print(f"    ({non2xx.group(1)} non-2xx responses on {path})")
    return rate


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-A"], capture_output=True,
                         text=True).stdout
    return [int(rss) / 1024 for pid, ppid, rss in (line.split() for line in out.splitlines())
            if int(ppid) == master_pid]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=20000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    instance = tempfile.mkdtemp()
    drop = None
    if args.db == "sqlite":
        url = f"sqlite:///{instance}/load.sqlite3"
    else:
        import sqlalchemy as sa

        name = f"bench_load_{os.getpid()}"
        admin = sa.create_engine(args.db, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = args.db.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    data = prepare(url, instance, args.users)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": instance,
           "CONTEST_ENV": "development", "RATELIMIT_ENABLED": "false"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "benchmarks.wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        s = args.seconds
        results = {}
        hello = wrk(port, "/bench/hello", s)
        insert = wrk(port, "/bench/insert", s, lua([{"m": "POST", "p": "/bench/insert",
                                                      "h": {}, "b": ""}]))
        results["home"] = wrk(port, "/", s) / hello
        results["contests_api"] = wrk(port, "/api/v1/contests", s) / hello
        results["ranking"] = wrk(port, f"/bang-xep-hang/vong-thi/{data['done']}", s) / hello

        def headers(i: int) -> dict:
            cookie, token = data["sessions"][i]
            return {"Cookie": f"{data['cookie_name']}={cookie}", "X-CSRFToken": token,
                    "Content-Type": "application/json"}

        starts = [{"m": "POST", "p": f"/api/v1/rounds/{data['live']}/attempts",
                   "h": headers(i), "b": ""} for i in range(len(data["sessions"]))]
        results["start"] = wrk(port, "/", s, lua(starts)) / insert
        attempts = attempts_of(url, instance, data["live"])
        saves = [{"m": "PUT", "p": f"/api/v1/attempts/{aid}/answers/{qid}", "h": headers(u),
                  "b": json.dumps({"option_ids": [1 + (k % 4)]})}
                 for aid, u, qids in attempts for k, qid in enumerate(qids[:3])]
        results["save"] = wrk(port, "/", s, lua(saves)) / insert
        submits = [{"m": "POST", "p": f"/api/v1/attempts/{aid}/submission", "h": headers(u),
                    "b": ""} for aid, u, _ in attempts]
        results["submit"] = wrk(port, "/", s, lua(submits)) / insert
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if drop is not None:
            drop()
    print(f"database: {'sqlite' if args.db == 'sqlite' else 'postgresql'}; "
          f"bare JSON hello {hello:.0f} req/s; bare INSERT+COMMIT {insert:.0f} req/s; "
          f"attempts started: {len(attempts)}")
    print(f"{'endpoint':<14}{'ratio':>8}{'target':>8}")
    for name, ratio in results.items():
        flag = "ok" if ratio >= TARGETS[name] else "BELOW"
        print(f"{name:<14}{ratio:>8.2f}{TARGETS[name]:>8.2f}  {flag}")
    print("worker RSS (MB): " + ", ".join(f"{m:.0f}" for m in rss) + "  (target ≤ 100)")


if __name__ == "__main__":
    main()
