"""Rankings at scale: fill a database with N finished entries (realistic ties), then print the
time to compute and publish the ranking, and the median and 95th-percentile time to serve a
published ranking page and a name search (through the Flask app, rendering included).

    .venv/bin/python benchmarks/rankings.py --sizes 10000 100000 1000000 \
        --db sqlite --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Each run uses a fresh database: a temporary SQLite file, or a new PostgreSQL database created
next to the one named in the URL (and dropped afterwards)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "H'", "Y", "Ksor", "Niê"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thu", "Ngọc", "Hữu", "Đức", "Thanh", "Xuân", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang",
         "Trung", "Tuấn", "Vy", "Yến", "Blứ", "Êban"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def fresh_database(kind: str, n: int) -> tuple[str, callable]:
    if kind == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    import sqlalchemy as sa

    name = f"bench_rank_{n}_{os.getpid()}"
    admin = sa.create_engine(kind, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = kind.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url, drop


def fill(db, n: int, rng: random.Random):
    """Units, users and one finished attempt each, inserted in bulk."""
    from sqlalchemy import insert

    from contest_app.accounts.models import Block, Unit, User
    from contest_app.accounts.rules import unaccent
    from contest_app.quiz.models import Attempt, Contest, Round

    now = datetime.now(UTC)
    contest = Contest(title="Cuộc thi đo tải", published=True)
    db.session.add(contest)
    db.session.flush()
    rnd = Round(contest_id=contest.id, kind="official", title="Tuần 1",
                opens_at=now - timedelta(days=8), closes_at=now - timedelta(hours=1),
                question_count=20, time_limit_s=900, max_attempts=1, counting="best",
                reveal="after_submit", prediction_kind="full_marks")
    db.session.add(rnd)
    block = Block(name="Khối đo tải")
    db.session.add(block)
    db.session.flush()
    units = [{"name": f"Đơn vị {i}", "block_id": block.id, "headcount": rng.randint(20, 2000),
              "active": True} for i in range(300)]
    db.session.execute(insert(Unit), units)
    unit_ids = [u.id for u in db.session.query(Unit.id)]
    db.session.commit()
    chunk = 20_000
    for start in range(0, n, chunk):
        users, count = [], min(chunk, n - start)
        for i in range(start, start + count):
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            search = unaccent(name)
            users.append({"id": i + 1, "email": f"u{i}@bench.vn", "full_name": name,
                          "search_name": search, "search_given": search.rsplit(" ", 1)[-1],
                          "phone": f"09{i:08d}", "unit_id": rng.choice(unit_ids),
                          "password_hash": "x", "is_staff": False, "active": True,
                          "created_at": now})
        db.session.execute(insert(User), users)
        attempts = []
        for u in users:
            score = 20 if rng.random() < 0.4 else rng.randint(8, 19)
            duration = rng.randint(40, 900) * 1000
            submitted = rnd.opens_at + timedelta(seconds=rng.randint(0, 7 * 86400))
            attempts.append({
                "round_id": rnd.id, "user_id": u["id"], "number": 1, "seed": 1,
                "status": "submitted", "started_at": submitted - timedelta(
                    milliseconds=duration), "deadline": submitted, "submitted_at": submitted,
                "score": score, "max_score": 20, "duration_ms": duration,
                "prediction": rng.choice([None, rng.randint(0, n)])})
        db.session.execute(insert(Attempt), attempts)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    return rnd.id


def run(kind: str, n: int, samples: int) -> dict[str, float]:
    url, drop = fresh_database(kind, n)
    instance = tempfile.mkdtemp()
    os.environ["INSTANCE_PATH"] = instance
    from flask_migrate import upgrade

    from contest_app import clock, create_app
    from contest_app.extensions import db
    from contest_app.quiz.models import Round
    from contest_app.rankings import services

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(n)
    try:
        with app.app_context():
            upgrade(revision="heads")
            t0 = time.perf_counter()
            round_id = fill(db, n, rng)
            fill_s = time.perf_counter() - t0
            rnd = db.session.get(Round, round_id)
            services.set_tiers(db.session, None, rnd.contest, rnd.id, None, "individual",
                               {1: 1, 2: 2, 3: 3, 4: 10})
            t0 = time.perf_counter()
            services.publish_round(db.session, None, rnd, clock.now())
            db.session.commit()
            publish_s = time.perf_counter() - t0
        client = app.test_client()
        pages = max(1, n // 50)
        page_ms, search_ms = [], []
        queries = [rng.choice(["nguyen", "tran van", "le thi h", "pham minh", "an", "hung",
                               "ksor", "nie"]) for _ in range(samples)]
        for i in range(samples):
            t0 = time.perf_counter()
            r = client.get(f"/bang-xep-hang/vong-thi/{round_id}?trang={rng.randint(1, pages)}")
            page_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
            t0 = time.perf_counter()
            r = client.get(f"/bang-xep-hang/vong-thi/{round_id}?q={queries[i]}")
            search_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
        return {"fill_s": fill_s, "publish_s": publish_s,
                "page_p50": statistics.median(page_ms), "page_p95": percentile(page_ms, .95),
                "search_p50": statistics.median(search_ms),
                "search_p95": percentile(search_ms, .95)}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", action="append", default=None,
                        help="sqlite, or a PostgreSQL URL (repeatable)")
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    kinds = args.db or ["sqlite"]
    print(f"{'database':<11}{'entries':>10}{'fill s':>9}{'publish s':>11}"
          f"{'page p50':>10}{'page p95':>10}{'search p50':>12}{'search p95':>12}  (ms)")
    for kind in kinds:
        label = "sqlite" if kind == "sqlite" else "postgresql"
        for n in args.sizes:
            r = run(kind, n, args.samples)
            print(f"{label:<11}{n:>10}{r['fill_s']:>9.1f}{r['publish_s']:>11.2f}"
                  f"{r['page_p50']:>10.1f}{r['page_p95']:>10.1f}{r['search_p50']:>12.1f}"
                  f"{r['search_p95']:>12.1f}", flush=True)


if __name__ == "__main__":
    main()
