"""Where the meeting page's time goes, per request: SQL vs template rendering vs the rest.

    python bench/profile_meeting_page.py [--requests 300] [--cprofile 25] [--page-cache off]

Creates its own PostgreSQL database (--database, default rakor_bench_profile) with the demo,
builds the app in production mode in this process, signs the demo committee user in and fetches
the seed meeting's page --requests times (after 20 unmeasured ones) through Flask's test client.
Per request it measures:
  - total: the whole WSGI request;
  - SQL: time inside the database driver's execute (SQLAlchemy cursor events), and the count;
  - templates: time inside Jinja rendering (Flask's render signals, outermost render only),
    minus SQL run from inside a template (lazy loads);
  - rest: total - SQL - templates (view code, ORM row loading, Flask-Login, session, hooks);
  - CPU: this process's CPU time for the request, the figure least disturbed by a busy machine
    (the wall times include waiting for a core and for PostgreSQL).
--cprofile N also prints the N functions with most cumulative CPU time over all requests (--sort
tottime: most time in the function itself).
"""
import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, Deployment, log  # noqa: E402


class Timers:
    def __init__(self):
        self.sql = self.sql_in_render = self.render = self.render_cpu = 0.0
        self.queries = 0
        self._query_start = []
        self._render_start = []

    def reset(self):
        self.__init__()

    def before_execute(self, *a, **k):
        self._query_start.append(time.perf_counter())

    def after_execute(self, *a, **k):
        elapsed = time.perf_counter() - self._query_start.pop()
        self.sql += elapsed
        self.queries += 1
        if self._render_start:
            self.sql_in_render += elapsed

    def before_render(self, *a, **k):
        self._render_start.append((time.perf_counter(), time.thread_time()))

    def after_render(self, *a, **k):
        start, cpu_start = self._render_start.pop()
        if not self._render_start:  # outermost render only
            self.render += time.perf_counter() - start
            self.render_cpu += time.thread_time() - cpu_start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database", default="rakor_bench_profile")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--reuse-database", action="store_true", help="keep and reuse an existing one")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    parser.add_argument("--dump", metavar="FILE", help="also write the cProfile stats to FILE (pstats)")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative (default), tottime, ncalls")
    parser.add_argument("--page-cache", choices=("redis", "off"), default="redis",
                        help="redis (production's default): requests after the first are served from the "
                             "kept fragment; off: every request renders the whole page")
    args = parser.parse_args()
    os.environ["PAGE_CACHE"] = args.page_cache  # read by config.py when the app is created

    deployment = Deployment(args.database)
    log(f"database {args.database}: create, migrate, load the demo")
    meeting_id = deployment.create(reuse=args.reuse_database)
    try:
        os.environ.update({k: v for k, v in deployment.env.items() if k not in os.environ or k in (
            "RAKOR_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "UPLOAD_DIR")})
        sys.path.insert(0, str(ROOT))
        report(args, meeting_id)
    finally:
        if not (args.keep_database or args.reuse_database):
            deployment.drop()


def report(args, meeting_id):
    from flask import before_render_template, template_rendered
    from sqlalchemy import event, select

    from rakor import create_app
    from rakor.auth.models import User
    from rakor.extensions import db

    app = create_app()
    timers = Timers()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", timers.before_execute)
        event.listen(db.engine, "after_cursor_execute", timers.after_execute)
        user = db.session.scalar(select(User).where(User.email == "panitia@demo.rakor.id"))
        user_key = f"{user.id}:{user.session_token}"
    before_render_template.connect(timers.before_render, app)
    template_rendered.connect(timers.after_render, app)

    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user_key
        sess["_fresh"] = True
    path = f"/meetings/{meeting_id}"
    for _ in range(20):
        assert client.get(path).status_code == 200
    rows = []
    # Timed by this thread's CPU clock: waiting for PostgreSQL or for a core on a busy machine
    # does not count, so the order is the order of work done in Python.
    profiler = cProfile.Profile(time.thread_time) if args.cprofile else None
    for _ in range(args.requests):
        timers.reset()
        if profiler:
            profiler.enable()
        start, cpu_start = time.perf_counter(), time.thread_time()
        response = client.get(path)
        total, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
        if profiler:
            profiler.disable()
        assert response.status_code == 200, response.status_code
        render = timers.render - timers.sql_in_render
        rows.append({"total": total, "cpu": cpu, "sql": timers.sql, "templates": render,
                     "rest": total - timers.sql - render, "render_cpu": timers.render_cpu, "queries": timers.queries,
                     "sql_in_templates": timers.sql_in_render})

    print(f"\nmeeting page /meetings/{meeting_id}, {args.requests} requests in process "
          f"(production config, PostgreSQL, signed in as the committee), {len(response.data) // 1024} KiB")
    print(f"{'':<24}{'median ms':>10}{'mean ms':>10}{'share':>8}")
    mean_total = statistics.mean(r["total"] for r in rows)
    for key, label in (("total", "whole request"), ("cpu", "  of it: this process's CPU"), ("sql", "SQL (driver execute)"),
                       ("templates", "template rendering"), ("render_cpu", "  of it: CPU"), ("rest", "rest (view, ORM, hooks)"),
                       ("sql_in_templates", "  of SQL: from templates")):
        values = [r[key] for r in rows]
        print(f"{label:<24}{1000 * statistics.median(values):>10.2f}{1000 * statistics.mean(values):>10.2f}"
              f"{100 * statistics.mean(values) / mean_total:>7.0f}%")
    print(f"queries per request: {statistics.median(r['queries'] for r in rows):.0f}")
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.cprofile)
        if args.dump:
            profiler.dump_stats(args.dump)


if __name__ == "__main__":
    main()
