"""`flask jobs ...`: the worker (RQ on Redis) and its once-a-minute schedule."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .. import clock
from ..extensions import db

jobs_cli = AppGroup("jobs", help="Background jobs (RQ workers).")

# Work done on a schedule by whichever worker wins the minute (no cron needed).
SCHEDULE = {"close_overdue": 60, "notify_due": 60}
STALE_AFTER = timedelta(minutes=30)


def schedule_tick(app: Flask, epoch: float | None = None) -> list[str]:
    """Submit the scheduled jobs due in this minute. With Redis, `SET NX` on a key per job
    and period makes exactly one worker of the cluster submit it; without Redis the job runs
    here. Returns the kinds submitted."""
    from . import queue_enabled, redis_connection, requeue_stale, submit

    epoch = time.time() if epoch is None else epoch
    submitted = []
    with app.app_context():
        for kind, period in SCHEDULE.items():
            slot = int(epoch // period)
            if queue_enabled():
                prefix = current_app.config.get("JOBS_QUEUE", "cchc")
                if not redis_connection().set(f"{prefix}:tick:{kind}:{slot}", "1", nx=True,
                                              ex=period * 5):
                    continue
            submit(kind, {}, dedupe_key=kind)
            submitted.append(kind)
        requeue_stale(db.session, clock.now(), STALE_AFTER)
        db.session.remove()
    return submitted


def _scheduler_loop(app: Flask, stop: threading.Event) -> None:
    last = None
    while not stop.is_set():
        minute = int(time.time() // 60)
        if minute != last:
            last = minute
            try:
                schedule_tick(app)
            except Exception:  # noqa: BLE001 - the schedule must outlive one bad tick
                app.logger.exception("scheduled jobs failed this minute")
        stop.wait(5)


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Chạy hết việc đang chờ rồi dừng.")
@click.option("--no-schedule", is_flag=True, help="Không chạy lịch mỗi phút (đóng bài quá hạn).")
def worker(burst: bool, no_schedule: bool) -> None:
    """Run a worker: take jobs from Redis and run them here (several workers may run on
    several machines). Without REDIS_URL it runs only the once-a-minute schedule in-process."""
    from . import queue_enabled, redis_connection, rq_queue

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()
    if not no_schedule and not burst:
        threading.Thread(target=_scheduler_loop, args=(app, stop), daemon=True).start()
    if not queue_enabled():
        if burst:
            click.echo("Chưa cấu hình REDIS_URL: không có hàng đợi; công việc chạy ngay "
                       "trong tiến trình gửi.")
            return
        click.echo("Chưa cấu hình REDIS_URL: chỉ chạy lịch mỗi phút trong tiến trình này.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            stop.set()
            return
    from rq import SimpleWorker

    # SimpleWorker runs each job in this process (no fork), inside the app context the CLI
    # pushed, with this process's database pool.
    w = SimpleWorker([rq_queue()], connection=redis_connection())
    try:
        w.work(burst=burst, with_scheduler=False, logging_level="WARNING")
    finally:
        stop.set()


@jobs_cli.command("tick")
def tick() -> None:
    """Submit the scheduled jobs of this minute once (for tests and manual runs)."""
    kinds = schedule_tick(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(", ".join(kinds) or "-")
