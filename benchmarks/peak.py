"""Peak benchmark: N simulated participants take a round through the real JSON API against a
gunicorn server (2 sync workers) that this script starts itself, while 10 % of the requests
read a published ranking. Each participant registers, gets a token, joins the contest, starts
an attempt, answers every question with a think time in between, reloads the attempt once
(the resume a page reload makes), and submits.

    .venv/bin/python benchmarks/peak.py --participants 300 --think 2.0 --ramp 60
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python \
        benchmarks/peak.py --participants 300

Prints the latency distribution per step (count, errors, p50/p90/p99/max in ms) and overall,
and writes it to benchmarks/results/peak-<db>.json. The server's database is prepared in a
temporary folder with the app's own services: the question bank imported and approved, a
unit, a contest with an open round (10 questions) and a closed round with a published ranking.
DATABASE_URL (default: a temporary SQLite file) only names where a fresh PostgreSQL database
`<name>_peak_<pid>` is created (and dropped afterwards). The per-address registration and
login limits are raised for the run (every participant comes from 127.0.0.1).

Traffic goes only to 127.0.0.1; every participant makes a bounded number of requests and
the run stops by itself (each request times out after 60 s)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = ("register", "token", "join", "start", "answer", "reload", "submit", "ranking")
EXPECTED = {"register": 201, "token": 201, "join": 201, "start": 201, "answer": 200,
            "reload": 200, "submit": 200, "ranking": 200}
RANKING_SHARE = 0.10
PASSWORD = "mat-khau-do-tai-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def fresh_database(base: str | None) -> tuple[str, callable]:
    """A temporary SQLite file, or a new PostgreSQL database next to the one in `base`."""
    if not base or base.startswith("sqlite"):
        path = Path(tempfile.mkdtemp()) / "peak.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    import sqlalchemy as sa

    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base[len("postgresql://"):]
    prefix, current = base.rsplit("/", 1)
    name = f"{current.split('?')[0]}_peak_{os.getpid()}"[:63]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{prefix}/{name}", drop


def prepare(url: str, instance: str, published_entries: int = 200) -> dict:
    """Schema, approved bank, a unit, a contest with an open round and a closed round whose
    ranking is published, all through the app's own services (INSTANCE_PATH is restored
    afterwards, so a test process is left as it was)."""
    previous = os.environ.get("INSTANCE_PATH")
    os.environ["INSTANCE_PATH"] = instance
    try:
        return _prepare(url, published_entries)
    finally:
        if previous is None:
            os.environ.pop("INSTANCE_PATH", None)
        else:
            os.environ["INSTANCE_PATH"] = previous


def _prepare(url: str, published_entries: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from contest_app import clock, create_app
    from contest_app.accounts.models import Unit, User
    from contest_app.bank import services as bank
    from contest_app.extensions import db
    from contest_app.quiz.models import Attempt, Contest, Round
    from contest_app.rankings import services as rankings

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "testing"})
    with app.app_context():
        upgrade(revision="heads")
        bank.import_path(db.session, ROOT / "question_bank", approve=True)
        now = clock.now()
        unit = Unit(name="Sở đo tải cao điểm", headcount=5000)
        contest = Contest(title="Cuộc thi giờ cao điểm", published=True)
        db.session.add_all([unit, contest])
        db.session.flush()
        live = Round(contest_id=contest.id, title="Vòng đang mở", opens_at=now - timedelta(
            hours=1), closes_at=now + timedelta(days=1), question_count=10,
            time_limit_s=3600, max_attempts=1, counting="best", reveal="after_submit")
        done = Round(contest_id=contest.id, title="Vòng đã đóng", opens_at=now - timedelta(
            days=8), closes_at=now - timedelta(hours=1), question_count=10, time_limit_s=900,
            max_attempts=1, counting="best", reveal="after_submit")
        db.session.add_all([live, done])
        db.session.flush()
        db.session.execute(insert(User), [
            {"id": 100_000 + i, "email": f"da-thi{i}@peak.vn", "full_name": f"Người Đã Thi {i}",
             "search_name": f"nguoi da thi {i}", "search_given": str(i),
             "phone": f"07{i:08d}", "unit_id": unit.id, "password_hash": "x",
             "is_staff": False, "active": True, "created_at": now}
            for i in range(published_entries)])
        db.session.execute(insert(Attempt), [
            {"round_id": done.id, "user_id": 100_000 + i, "number": 1, "seed": 1,
             "status": "submitted", "started_at": done.opens_at, "deadline": done.closes_at,
             "submitted_at": done.opens_at + timedelta(seconds=i), "score": i % 11,
             "max_score": 10, "duration_ms": 60_000 + i} for i in range(published_entries)])
        db.session.commit()
        rankings.publish_round(db.session, None, done, now)
        db.session.commit()
        ids = {"contest": contest.id, "live": live.id, "done": done.id, "unit": unit.id}
        db.session.remove()
        db.engine.dispose()
    return ids


def start_server(url: str, instance: str, port: int, workers: int = 2,
                 keys: dict[str, str] | None = None) -> subprocess.Popen:
    from contest_app.config import generate_keys

    env = {**os.environ, **(keys or generate_keys()), "CONTEST_ENV": "production",
           "DATABASE_URL": url, "INSTANCE_PATH": instance, "MAIL_BACKEND": "console",
           "RATELIMIT_STORAGE_URI": "memory://",
           "REGISTRATION_RATE_LIMIT": "100000 per minute",
           "LOGIN_RATE_LIMIT": "100000 per minute"}
    log = open(Path(instance) / f"gunicorn-{port}.log", "w")  # noqa: SIM115  (closed with it)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
         "-b", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning",
         "contest_app:create_app()"],
        cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream app {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def start_nginx(ports: list[int], instance: str) -> tuple[subprocess.Popen, int]:
    """Debian's nginx in front of the instances (round robin), as deploy/nginx does."""
    import shutil

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = Path(instance) / "nginx"
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / folder).mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, servers=servers, port=port))
    log = open(tmp / "nginx.log", "w")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g",
                             "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return proc, port


def wait_ready(base_url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited before it was ready")
        try:
            if httpx.get(base_url + "/api/v1/contests", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class Recorder:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STEPS})
    samples: list[str] = field(default_factory=list)  # the first few errors, for the report

    def add(self, step: str, ms: float, ok: bool, detail: str = "") -> None:
        self.latencies[step].append(ms)
        if not ok:
            self.errors[step] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{step}: {detail}"[:300])


async def participant(client, i: int, ids: dict, think: float, rng: random.Random,
                      rec: Recorder) -> None:
    import httpx

    async def call(step: str, method: str, path: str, **kw):
        # A participant's own traffic is 90 %: after each of their requests, one in nine
        # readers opens the published ranking.
        if rng.random() < RANKING_SHARE / (1 - RANKING_SHARE):
            await timed("ranking", "GET", f"/api/v1/rounds/{ids['done']}/ranking",
                        params={"page": rng.randint(1, 4)})
        return await timed(step, method, path, **kw)

    async def timed(step: str, method: str, path: str, **kw):
        t0 = time.perf_counter()
        try:
            r = await client.request(method, path, **kw)
        except httpx.HTTPError as err:
            rec.add(step, (time.perf_counter() - t0) * 1000, False, repr(err))
            return None
        ms = (time.perf_counter() - t0) * 1000
        ok = r.status_code == EXPECTED[step]
        rec.add(step, ms, ok, f"{r.status_code} {r.text[:200]}")
        return r if ok else None

    email = f"thisinh{i}@peak.vn"
    r = await call("register", "POST", "/api/v1/users", json={
        "email": email, "password": PASSWORD, "full_name": f"Thí Sinh Cao Điểm {i}",
        "phone": f"09{i:08d}", "unit_id": ids["unit"]})
    if r is None:
        return
    r = await call("token", "POST", "/api/v1/tokens",
                   json={"email": email, "password": PASSWORD})
    if r is None:
        return
    auth = {"Authorization": "Bearer " + r.json()["token"]}
    if await call("join", "POST", f"/api/v1/contests/{ids['contest']}/participation",
                  json={}, headers=auth) is None:
        return
    r = await call("start", "POST", f"/api/v1/rounds/{ids['live']}/attempts", headers=auth)
    if r is None:
        return
    attempt = r.json()
    questions = attempt["questions"]
    reload_at = rng.randrange(len(questions)) if questions else 0
    for n, question in enumerate(questions):
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        choice = rng.choice(question["options"])["id"]
        await call("answer", "PUT", f"/api/v1/attempts/{attempt['id']}/answers/"
                   f"{question['id']}", json={"option_ids": [choice]}, headers=auth)
        if n == reload_at:
            await call("reload", "POST", f"/api/v1/rounds/{ids['live']}/attempts",
                       headers=auth)
    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
    await call("submit", "POST", f"/api/v1/attempts/{attempt['id']}/submission",
               headers=auth)


async def drive(base_url: str, ids: dict, n: int, think: float, ramp: float,
                seed: int) -> tuple[Recorder, float]:
    import httpx

    rec = Recorder()
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        async def one(i: int) -> None:
            await asyncio.sleep(ramp * i / max(1, n))
            await participant(client, i, ids, think, random.Random(seed * 100_003 + i), rec)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return rec, time.perf_counter() - t0


def summarise(rec: Recorder) -> dict:
    def figures(values: list[float], errors: int) -> dict:
        if not values:
            return {"count": 0, "errors": errors}
        return {"count": len(values), "errors": errors,
                "p50_ms": round(percentile(values, .50), 1),
                "p90_ms": round(percentile(values, .90), 1),
                "p99_ms": round(percentile(values, .99), 1),
                "max_ms": round(max(values), 1)}

    steps = {s: figures(rec.latencies[s], rec.errors[s]) for s in STEPS}
    everything = [v for s in STEPS for v in rec.latencies[s]]
    steps["overall"] = figures(everything, sum(rec.errors.values()))
    return steps


def run_async(function, *args):  # noqa: ANN001, ANN201
    """asyncio.run, also from a thread that already has a running event loop (the test
    suite, after Playwright's sync API has run in the same process): then in a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(function(*args))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(function(*args))).result()


def run(n: int, think: float, ramp: float, database: str | None = None, seed: int = 1,
        workers: int = 2, instances: int = 1) -> dict:
    """One gunicorn, or (instances > 1) that many behind nginx with one set of keys, the
    layout of deploy/ and tests/cluster."""
    from contest_app.config import generate_keys

    url, drop = fresh_database(database)
    instance = tempfile.mkdtemp(prefix="peak-")
    procs: list[subprocess.Popen] = []
    try:
        t0 = time.perf_counter()
        ids = prepare(url, instance)
        prepare_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        keys = generate_keys()
        ports = [free_port() for _ in range(instances)]
        for port in ports:
            procs.append(start_server(url, instance, port, workers, keys))
        for port, proc in zip(ports, procs, strict=True):
            wait_ready(f"http://127.0.0.1:{port}", proc)
        base_url = f"http://127.0.0.1:{ports[0]}"
        if instances > 1:
            front, front_port = start_nginx(ports, instance)
            procs.append(front)
            base_url = f"http://127.0.0.1:{front_port}"
            wait_ready(base_url, front)
        server_s = time.perf_counter() - t0
        load_before = [round(x, 2) for x in os.getloadavg()]
        rec, elapsed = run_async(drive, base_url, ids, n, think, ramp, seed)
        steps = summarise(rec)
        total = steps["overall"]["count"]
        return {
            "database": "postgresql" if url.startswith("postgresql") else "sqlite",
            "participants": n, "think_s": think, "ramp_s": ramp, "workers": workers,
            "instances": instances, "through_nginx": instances > 1,
            "prepare_s": round(prepare_s, 1), "server_start_s": round(server_s, 1),
            "elapsed_s": round(elapsed, 1),
            "requests_per_s": round(total / elapsed, 1) if elapsed else None,
            "ranking_share": round(steps["ranking"]["count"] / total, 3) if total else 0,
            "steps": steps, "error_samples": rec.samples,
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    finally:
        for proc in reversed(procs):
            stop_server(proc)
        drop()


def table(result: dict) -> str:
    lines = [f"{'step':<10}{'count':>7}{'errors':>8}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}"
             "  (ms)"]
    for step, f in result["steps"].items():
        if not f["count"]:
            lines.append(f"{step:<10}{0:>7}{f['errors']:>8}")
            continue
        lines.append(f"{step:<10}{f['count']:>7}{f['errors']:>8}{f['p50_ms']:>9.1f}"
                     f"{f['p90_ms']:>9.1f}{f['p99_ms']:>9.1f}{f['max_ms']:>9.1f}")
    where = (f"{result['instances']} instances behind nginx"
             if result.get("through_nginx") else "one instance")
    lines.append(f"{result['database']} ({where}): {result['participants']} participants, "
                 f"{result['elapsed_s']} s (prepare {result['prepare_s']} s, server start "
                 f"{result['server_start_s']} s), {result['requests_per_s']} requests/s, "
                 f"ranking share {result['ranking_share']:.0%}, load average "
                 f"{result['load_average_before']} -> {result['load_average_after']} "
                 f"on {result['cpus']} cores")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds between two answers (uniform 0.5x to 1.5x)")
    parser.add_argument("--ramp", type=float, default=60.0,
                        help="seconds over which the participants arrive")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--instances", type=int, default=1,
                        help="app instances; more than one runs them behind Debian's nginx")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    result = run(args.participants, args.think, args.ramp, os.environ.get("DATABASE_URL"),
                 args.seed, args.workers, args.instances)
    print(table(result))
    for sample in result["error_samples"]:
        print("error:", sample)
    if not args.no_write:
        suffix = f"-{args.instances}x-nginx" if args.instances > 1 else ""
        out = ROOT / "benchmarks" / "results" / f"peak-{result['database']}{suffix}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
