"""A small cluster on loopback, as production runs it: two gunicorn instances of the app on
two ports behind Debian's nginx, one PostgreSQL database, Redis, and two job workers.

Runs when DATABASE_URL points at PostgreSQL (the CI's second pass), nginx is installed and
Redis answers; otherwise the module is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "mat-khau-cum-123"


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _redis_ok() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 32m;
    upstream app {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=30s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {root}/static/; }}
        location /_uploads/ {{ internal; alias {tmp}/shared/uploads/; }}
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


@dataclass
class Cluster:
    database_url: str
    env: dict[str, str]
    a: str
    b: str
    nginx: str
    tmp: Path
    app: object  # a Flask app on the same database and queue, for setting up and checking
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def token(self, email: str, base: str | None = None, address: str | None = None) -> str:
        address = address or f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.1"
        response = requests.post(f"{base or self.nginx}/api/v1/tokens",
                                 json={"email": email, "password": PASSWORD},
                                 headers={"X-Forwarded-For": address}, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["token"]


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture(scope="session")
def cluster(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the cluster runs on PostgreSQL (set DATABASE_URL)")
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    if not _redis_ok():
        pytest.skip("Redis is not reachable")
    import sqlalchemy as sa

    name = f"cluster_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = database_url.rsplit("/", 1)[0] + "/" + name
    tmp = tmp_path_factory.mktemp("cluster")
    (tmp / "shared").mkdir()
    queue = f"cluster-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CONTEST_ENV": "development", "DATABASE_URL": url,
           "REDIS_URL": REDIS_URL, "JOBS_QUEUE": queue, "CACHE_KEY_PREFIX": f"{queue}:",
           "RATELIMIT_KEY_PREFIX": queue, "INSTANCE_PATH": str(tmp / "shared"),
           "SECRET_KEY": "cluster-secret-" + uuid.uuid4().hex,
           "DATA_KEY": "cluster-data-" + uuid.uuid4().hex, "TRUSTED_PROXIES": "1",
           "LOGIN_RATE_LIMIT": "5 per minute", "REGISTRATION_RATE_LIMIT": "1000 per minute",
           "UPLOADS_ACCEL_PREFIX": "/_uploads/", "PYTHONUNBUFFERED": "1"}
    env.pop("TEST_REDIS_URL", None)
    procs: dict[str, subprocess.Popen] = {}
    from contest_app import create_app
    from tests.conftest import make_test_config

    setup_app = create_app(make_test_config(url, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue,
                                            CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL,
                                            CACHE_KEY_PREFIX=f"{queue}:"))
    try:
        with setup_app.app_context():
            from flask_migrate import upgrade

            upgrade(revision="heads")
        ports = {"a": _free_port(), "b": _free_port()}
        gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "60"]
        for key, port in ports.items():
            procs[key] = _spawn([*gunicorn, "--bind", f"127.0.0.1:{port}",
                                 "contest_app:create_app()"], env, tmp / f"app-{key}.log")
        for i in (1, 2):
            procs[f"worker{i}"] = _spawn(
                [sys.executable, "-m", "flask", "--app", "contest_app", "jobs", "worker",
                 "--no-schedule"], env, tmp / f"worker{i}.log")
        port = _free_port()
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp / folder).mkdir()
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(
            tmp=tmp, a=ports["a"], b=ports["b"], port=port, root=ROOT))
        procs["nginx"] = _spawn([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
                                 "-g", "daemon off;"], env, tmp / "nginx.log")
        a, b = (f"http://127.0.0.1:{ports[k]}" for k in ("a", "b"))
        front = f"http://127.0.0.1:{port}"
        for base in (a, b, front):
            _wait_http(f"{base}/api/v1/contests")
        yield Cluster(url, env, a, b, front, tmp, setup_app, procs)
    finally:
        for proc in procs.values():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        with setup_app.app_context():
            from contest_app.extensions import db

            db.engine.dispose()
            from redis import Redis

            redis = Redis.from_url(REDIS_URL)
            for key in redis.scan_iter(f"*{queue}*"):
                redis.delete(key)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
