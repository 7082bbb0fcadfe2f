"""Work the document worker also does on a schedule: tasks features register (the reporting
reminders), each run every `interval` seconds in a thread of `flask documents worker`.

Why the worker and not rq's scheduler, rq-scheduler or cron: rq's own scheduler only runs jobs
enqueued for a given moment (no repetition), rq-scheduler is another package and another process
to run, and cron needs the host's crontab. The worker already runs beside gunicorn in production
with the app's configuration; a task here only has to be idempotent (the reminders are: unique per
recipient, period and kind), so any number of workers may run it. Without a worker (development,
or a host that prefers cron) the same task is a `flask` command.
"""
import logging
import threading

from rakor.core.registry import Registry
from rakor.extensions import db

log = logging.getLogger(__name__)
tasks = Registry("periodic tasks")  # loader: fn() run in an app context; extra: interval_key


def run_all(app):
    """Run every task once, each in its own app context; a failure is logged, never fatal."""
    for task in tasks:
        if not app.config.get(task.interval_key):
            continue
        with app.app_context():
            try:
                result = task.loader()
                log.info("periodic task %s: %s", task.key, result)
            except Exception:
                log.exception("periodic task %s failed", task.key)
                db.session.rollback()
            finally:
                db.session.remove()


def start(app, stop: threading.Event) -> threading.Thread:
    """Run the tasks now and then every smallest interval, until `stop` is set."""
    intervals = [app.config.get(t.interval_key) or 0 for t in tasks]
    period = min([i for i in intervals if i > 0], default=0)

    def loop():
        run_all(app)
        while period and not stop.wait(period):
            run_all(app)

    thread = threading.Thread(target=loop, name="rakor-periodic", daemon=True)
    thread.start()
    return thread
