"""Load benchmark of the hot paths under gunicorn (2 sync workers) with wrk (32 connections),
each reported as a ratio to a separate bare Flask process (benchmarks/bare.py: a JSON hello
and one INSERT + COMMIT through Flask-SQLAlchemy on the same database) run beside the app under
identical gunicorn settings. The two are measured in alternating blocks (bare, app, bare, app,
...) and each ratio is the median over the blocks, so a busy machine slows both alike:

- contest list (home page and GET /api/v1/contests), a published ranking page and the app's
  own JSON hello vs the bare hello
- start an attempt, save one answer, submit vs the bare INSERT + COMMIT

    .venv/bin/python benchmarks/load.py [--db sqlite|postgresql+psycopg://...] [--seconds 4]
        [--blocks 3]

Prints a table and writes benchmarks/results/load-<sqlite|postgresql>.json. Needs Debian's
`wrk`. Targets: hello >= 0.7, save >= 1.0, start >= 0.4, submit >= 0.6, pages >= 0.6,
<= 100 MB per worker."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"hello": 0.7, "home": 0.6, "contests_api": 0.6, "ranking": 0.6, "start": 0.4,
           "save": 1.0, "submit": 0.6}
REFERENCE = {"hello": "hello", "home": "hello", "contests_api": "hello", "ranking": "hello",
             "start": "insert", "save": "insert", "submit": "insert"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, instance: str, users: int, presubmit: int) -> dict:
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
        from contest_app.quiz import services as quiz

        # Attempts of their own for the submit blocks (users 0 .. presubmit-1), started here
        # so a block has enough of them whatever the start blocks managed.
        for i in range(presubmit):
            quiz.start_attempt(db.session, 1000 + i, live.id, now, 60)
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



def wrk(port: int, path: str, seconds: int, script: str | None = None) -> dict:
    """One wrk run: requests per second, requests made and non-2xx/3xx responses."""
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s"]
    if script:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        cmd += ["-s", handle.name]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
                         text=True, timeout=seconds + 60).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    done = re.search(r"(\d+) requests in", out)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(done.group(1)) if done else 0,
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-A"], capture_output=True,
                         text=True).stdout
    return [int(rss) / 1024 for pid, ppid, rss in (line.split() for line in out.splitlines())
            if int(ppid) == master_pid]


def serve(module: str, env: dict, probe: str) -> tuple[subprocess.Popen, int]:
    """`module` under gunicorn, 2 sync workers on a free loopback port, once `probe` answers
    200."""
    from urllib.request import urlopen

    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-k", "sync",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", module], cwd=ROOT, env=env)
    for _ in range(150):
        try:
            with urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        sys.exit(f"{module} did not start")
    return server, port


def slices(items: list, parts: int) -> list[list]:
    size = max(1, len(items) // parts)
    return [items[i * size:(i + 1) * size] for i in range(parts)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--seconds", type=int, default=4, help="length of one block")
    parser.add_argument("--blocks", type=int, default=3, help="bare/app pairs per endpoint")
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--presubmit", type=int, default=3000,
                        help="attempts started before the run for the submit blocks")
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

    db_name = "sqlite" if args.db == "sqlite" else "postgresql"
    data = prepare(url, instance, args.users, args.presubmit)
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": instance,
           "CONTEST_ENV": "development", "PYTHONPATH": str(ROOT)}
    app_server, app_port = serve("benchmarks.wsgi:app", env, "/bench/hello")
    bare_server, bare_port = serve("benchmarks.bare:app", env, "/hello")
    s, blocks = args.seconds, args.blocks
    runs: dict[str, list[dict]] = {}
    warnings: list[str] = []

    def measure(name: str, app_path: str, scripts: list[str | None]) -> None:
        """`blocks` pairs: the bare reference, then the app (its own script per block)."""
        ref = REFERENCE[name]
        bare_path, bare_script = (("/hello", None) if ref == "hello" else
                                  ("/insert", lua([{"m": "POST", "p": "/insert", "h": {},
                                                    "b": ""}])))
        pairs = []
        for block in range(blocks):
            bare = wrk(bare_port, bare_path, s, bare_script)
            app = wrk(app_port, app_path, s, scripts[block])
            if app["non2xx"]:
                warnings.append(f"{name}: {app['non2xx']} non-2xx responses in block {block}")
            pairs.append({"bare": bare["rate"], "app": app["rate"],
                          "ratio": app["rate"] / bare["rate"], "requests": app["requests"]})
        runs[name] = pairs
        print(f"  {name}: " + ", ".join(f"{p['app']:.0f}/{p['bare']:.0f}" for p in pairs),
              flush=True)

    try:
        measure("hello", "/bench/hello", [None] * blocks)
        measure("home", "/", [None] * blocks)
        measure("contests_api", "/api/v1/contests", [None] * blocks)
        measure("ranking", f"/bang-xep-hang/vong-thi/{data['done']}", [None] * blocks)

        def headers(i: int) -> dict:
            cookie, token = data["sessions"][i]
            return {"Cookie": f"{data['cookie_name']}={cookie}", "X-CSRFToken": token,
                    "Content-Type": "application/json"}

        # Every block starts (and later submits) attempts of users of its own, so no block
        # merely resumes or repeats what an earlier one did.
        users = slices(list(range(args.presubmit, len(data["sessions"]))), blocks)
        measure("start", "/", [lua([{"m": "POST", "p": f"/api/v1/rounds/{data['live']}/attempts",
                                      "h": headers(i), "b": ""} for i in part])
                               for part in users])
        attempts = attempts_of(url, instance, data["live"])
        saves = [{"m": "PUT", "p": f"/api/v1/attempts/{aid}/answers/{qid}", "h": headers(u),
                  "b": json.dumps({"option_ids": [1 + (k % 4)]})}
                 for aid, u, qids in attempts for k, qid in enumerate(qids[:3])]
        measure("save", "/", [lua(saves)] * blocks)
        parts = slices([a for a in attempts if a[1] < args.presubmit], blocks)
        measure("submit", "/", [lua([{"m": "POST", "p": f"/api/v1/attempts/{aid}/submission",
                                       "h": headers(u), "b": ""} for aid, u, _ in part])
                                for part in parts])
        for pair, part in zip(runs["submit"], parts, strict=True):
            if pair["requests"] > len(part):
                warnings.append(f"submit: {pair['requests']} requests for {len(part)} attempts:"
                                " some were repeats (idempotent, cheaper)")
        for pair, part in zip(runs["start"], users, strict=True):
            if pair["requests"] > len(part):
                warnings.append(f"start: {pair['requests']} requests for {len(part)} users:"
                                " some resumed an attempt")
        rss = worker_rss_mb(app_server.pid)
        bare_rss = worker_rss_mb(bare_server.pid)
    finally:
        for server in (app_server, bare_server):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if drop is not None:
            drop()
    ratios = {name: statistics.median(p["ratio"] for p in pairs) for name, pairs in runs.items()}
    result = {
        "database": db_name, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds_per_block": s, "blocks": blocks, "attempts_started": len(attempts),
        "bare_hello_rps": statistics.median(p["bare"] for p in runs["hello"]),
        "bare_insert_rps": statistics.median(p["bare"] for p in runs["save"]),
        "ratios": ratios, "targets": TARGETS, "runs": runs,
        "worker_rss_mb": rss, "bare_worker_rss_mb": bare_rss, "warnings": warnings,
    }
    out = ROOT / "benchmarks" / "results" / f"load-{db_name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"database: {db_name}; bare JSON hello {result['bare_hello_rps']:.0f} req/s; "
          f"bare INSERT+COMMIT {result['bare_insert_rps']:.0f} req/s; "
          f"attempts started: {len(attempts)}")
    print(f"{'endpoint':<14}{'ratio':>8}{'target':>8}   (median of {blocks} alternating blocks)")
    for name, ratio in ratios.items():
        flag = "ok" if ratio >= TARGETS[name] else "BELOW"
        print(f"{name:<14}{ratio:>8.2f}{TARGETS[name]:>8.2f}  {flag}")
    print("worker RSS (MB): " + ", ".join(f"{m:.0f}" for m in rss) + "  (target ≤ 100)")
    for warning in warnings:
        print("note: " + warning)
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
