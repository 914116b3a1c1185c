"""Publishing a round's ranking at scale: build N finished entries with set-based SQL (no
Python loop over rows), publish the round through the app's own service, then time published
ranking pages and diacritics-insensitive name searches through the Flask app (rendering
included). Prints the figures and writes them to benchmarks/results/publish-<db>.json.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/publish.py --entries 1000000

The database named by DATABASE_URL (default: a temporary SQLite file) is only used to create a
fresh one next to it (PostgreSQL: `bench_publish_<pid>`, dropped afterwards). Names have
realistic repetition (20 surnames, 11 middle names, 28 given names), 40 % of entries have full
marks, times are whole seconds, half the entries have a prediction: many ties."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "H'", "Y", "Ksor", "Niê"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thu", "Ngọc", "Hữu", "Đức", "Thanh", "Xuân", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang",
         "Trung", "Tuấn", "Vy", "Yến", "Blứ", "Êban"]
# Common prefixes (thousands of matches), rarer runs, and names nobody has (a full scan
# without an index): the searches a public ranking page gets.
SEARCHES = ["nguyen", "tran van", "le thi h", "pham minh", "an", "hung", "ksor", "nie",
            "Hồ Xuân Hương", "vu kim bl", "ngo duc eban", "y thu vy", "nguyen van zz",
            "xyz", "thanh tam"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def fresh_database(base: str) -> tuple[str, callable]:
    if base.startswith("sqlite"):
        path = Path(tempfile.mkdtemp()) / "publish.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    import sqlalchemy as sa

    name = f"bench_publish_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.rsplit("/", 1)[0] + "/" + name, drop


def fill(db, n: int) -> int:
    """A contest, a closed round, 300 units, N users and one finished attempt each: three
    INSERT … SELECT statements over a generated sequence."""
    from sqlalchemy import insert, text

    from contest_app.accounts.models import Block, Unit
    from contest_app.accounts.rules import unaccent
    from contest_app.quiz.models import Contest, Round

    now = datetime.now(UTC).replace(microsecond=0)
    contest = Contest(title="Cuộc thi đo tải", published=True)
    db.session.add(contest)
    db.session.flush()
    rnd = Round(contest_id=contest.id, kind="official", title="Tuần 1",
                opens_at=now - timedelta(days=8), closes_at=now - timedelta(hours=1),
                question_count=20, time_limit_s=900, max_attempts=1, counting="best",
                reveal="after_submit", prediction_kind="full_marks")
    block = Block(name="Khối đo tải")
    db.session.add_all([rnd, block])
    db.session.flush()
    rng = random.Random(n)
    db.session.execute(insert(Unit), [
        {"name": f"Đơn vị {i}", "block_id": block.id, "headcount": rng.randint(20, 2000),
         "active": True} for i in range(300)])
    first_unit = db.session.scalar(text("SELECT min(id) FROM unit"))
    db.session.execute(text("CREATE TABLE bench_name (part INTEGER, i INTEGER, "
                            "name VARCHAR(40), folded VARCHAR(40))"))
    db.session.execute(text("INSERT INTO bench_name VALUES (:p, :i, :n, :f)"), [
        {"p": p, "i": i, "n": name, "f": unaccent(name)}
        for p, names in enumerate((SURNAMES, MIDDLE, GIVEN)) for i, name in enumerate(names)])
    db.session.commit()

    pg = db.engine.dialect.name == "postgresql"
    # Multiplicative hashes (64-bit arithmetic, a prime modulus) spread names, scores, times
    # and predictions independently of each other and of the user id.
    hashed = "SELECT g, (g * 2654435761) % 4294967291 AS h FROM"
    if pg:
        head = ""
        source = f"({hashed} generate_series(1::bigint, :n) AS t(g)) s"
        phone = "'09' || lpad(s.g::text, 8, '0')"
        created = "CAST(:now AS timestamptz)"
    else:
        head = "WITH RECURSIVE t(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM t WHERE g < :n) "
        source = f"({hashed} t) s"
        phone = "'09' || printf('%08d', s.g)"
        created = ":now"
    surname = f"(s.h % {len(SURNAMES)})"
    middle = f"((s.h / {len(SURNAMES)}) % {len(MIDDLE)})"
    given = f"((s.h / {len(SURNAMES) * len(MIDDLE)}) % {len(GIVEN)})"
    stamp = now.replace(tzinfo=None).isoformat(" ")
    db.session.execute(text(
        f"{head}INSERT INTO user_account (id, email, full_name, search_name, search_given, "
        "phone, unit_id, kind, password_hash, is_staff, active, session_generation, "
        f"created_at) SELECT s.g, 'u' || s.g || '@bench.vn', "
        "a.name || ' ' || b.name || ' ' || c.name, a.folded || ' ' || b.folded || ' ' || "
        f"c.folded, c.folded, {phone}, :unit + (s.g * 37) % 300, 'official', 'x', false, "
        f"true, 1, {created} FROM {source} "
        f"JOIN bench_name a ON a.part = 0 AND a.i = {surname} "
        f"JOIN bench_name b ON b.part = 1 AND b.i = {middle} "
        f"JOIN bench_name c ON c.part = 2 AND c.i = {given}"),
        {"n": n, "unit": first_unit, "now": stamp})
    offset = "(u.k2 % 604800)"
    duration = "(40 + (u.k / 1200) % 861)"
    if pg:
        submitted = f"CAST(:opens AS timestamptz) + make_interval(secs => {offset})"
        started = f"{submitted} - make_interval(secs => {duration})"
    else:
        submitted = f"datetime(:opens, ({offset}) || ' seconds')"
        started = f"datetime(:opens, ({offset} - {duration}) || ' seconds')"
    db.session.execute(text(
        "INSERT INTO attempt (round_id, user_id, number, seed, status, started_at, deadline, "
        "submitted_at, score, max_score, duration_ms, prediction, extra_s) "
        f"SELECT :round, u.id, 1, 1, 'submitted', {started}, {submitted}, {submitted}, "
        "CASE WHEN u.k % 100 < 40 THEN 20 ELSE 8 + (u.k / 100) % 12 END, 20, "
        f"{duration} * 1000, CASE WHEN (u.k2 / 604800) % 2 = 0 THEN NULL "
        "ELSE (u.k2 / 1209600) % :n END, 0 "
        "FROM (SELECT id, (CAST(id AS BIGINT) * 1103515245 + 12345) % 2147483647 AS k, "
        "(CAST(id AS BIGINT) * 48271) % 2147483647 AS k2 FROM user_account) u"),
        {"round": rnd.id, "n": n, "opens": rnd.opens_at.replace(tzinfo=None).isoformat(" ")})
    db.session.execute(text("DROP TABLE bench_name"))
    db.session.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return rnd.id


def server_load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(base: str, n: int, samples: int) -> dict:
    url, drop = fresh_database(base)
    os.environ["INSTANCE_PATH"] = tempfile.mkdtemp()
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
            round_id = fill(db, n)
            fill_s = time.perf_counter() - t0
            rnd = db.session.get(Round, round_id)
            services.set_tiers(db.session, None, rnd.contest, rnd.id, None, "individual",
                               {1: 1, 2: 2, 3: 3, 4: 10})
            db.session.commit()
            load_before = server_load()
            t0 = time.perf_counter()
            services.publish_round(db.session, None, rnd, clock.now())
            db.session.commit()
            publish_s = time.perf_counter() - t0
        client = app.test_client()
        base_path = f"/bang-xep-hang/vong-thi/{round_id}"
        assert client.get(base_path).status_code == 200  # warm-up: templates, caches
        pages = max(1, n // 50)
        page_ms, search_ms = [], []
        for i in range(samples):
            t0 = time.perf_counter()
            r = client.get(f"{base_path}?trang={rng.randint(1, pages)}")
            page_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
            t0 = time.perf_counter()
            r = client.get(base_path, query_string={"q": SEARCHES[i % len(SEARCHES)]})
            search_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
        return {"database": "postgresql" if url.startswith("postgresql") else "sqlite",
                "entries": n, "fill_s": round(fill_s, 2), "publish_s": round(publish_s, 2),
                "page_p50_ms": round(statistics.median(page_ms), 1),
                "page_p95_ms": round(percentile(page_ms, .95), 1),
                "search_p50_ms": round(statistics.median(search_ms), 1),
                "search_p95_ms": round(percentile(search_ms, .95), 1),
                "samples": samples, "searches": SEARCHES,
                "load_average_at_publish": load_before, "load_average_after": server_load(),
                "cpus": os.cpu_count(), "measured_at": datetime.now(UTC).isoformat(
                    timespec="seconds")}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=150)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or "sqlite"
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base[len("postgresql://"):]
    result = run(base, args.entries, args.samples)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.no_write:
        out = ROOT / "benchmarks" / "results" / f"publish-{result['database']}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
