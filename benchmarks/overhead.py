"""The fixed cost of one request, measured in one process and so repeatable on a busy machine:
N requests straight through `app.wsgi_app` to the app's own JSON hello (the route
benchmarks/wsgi.py adds) and to the bare Flask app's hello (benchmarks/bare.py), CPU time per
request by time.process_time, best of several blocks.

    .venv/bin/python benchmarks/overhead.py [-n 5000] [--profile]

`--profile` prints where the app's per-request time goes (cProfile, top functions)."""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environ(path: str, headers: dict[str, str] | None = None) -> dict:
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME":
           "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
           "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
           "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
           "wsgi.run_once": False, "wsgi.version": (1, 0), "HTTP_HOST": "127.0.0.1:8000"}
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(app, path: str) -> bytes:
    status = []
    body = b"".join(app(environ(path), lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (path, status)
    return body


def per_request_us(app, path: str, n: int, blocks: int = 5) -> float:
    for _ in range(200):
        call(app, path)
    best = float("inf")
    for _ in range(blocks):
        start = time.process_time()
        for _ in range(n):
            call(app, path)
        best = min(best, (time.process_time() - start) / n * 1e6)
    return best


def build(url: str):
    os.environ.setdefault("CONTEST_ENV", "development")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("RATELIMIT_ENABLED", "false")
    from benchmarks.bare import create_bare_app
    from benchmarks.wsgi import build_app

    return build_app(), create_bare_app(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    instance = tempfile.mkdtemp()
    os.environ["INSTANCE_PATH"] = instance
    app, bare = build(f"sqlite:///{instance}/overhead.sqlite3")
    if args.profile:
        import cProfile
        import pstats

        for _ in range(200):
            call(app.wsgi_app, "/bench/hello")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.n):
            call(app.wsgi_app, "/bench/hello")
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        return
    a = per_request_us(app.wsgi_app, "/bench/hello", args.n)
    b = per_request_us(bare.wsgi_app, "/hello", args.n)
    print(f"app hello {a:.1f} µs/request, bare hello {b:.1f} µs/request (CPU, in process); "
          f"ratio {b / a:.2f}")


if __name__ == "__main__":
    main()
