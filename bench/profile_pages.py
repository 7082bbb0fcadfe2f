"""Where each main page's render time goes, in this process, with the kept copy off (or on:
--page-cache redis, every measured request then a hit).

    python bench/profile_pages.py [--requests 100] [--pages meeting,commitments] [--top 25]
                                  [--pyinstrument] [--database rakor_bench_pages] [--reuse-database]

Creates its own PostgreSQL database with the demo (or reuses one), builds the app in production
mode with PAGE_CACHE=off, signs in the reader each page is for and fetches the page --requests
times through Flask's test client (after 10 unmeasured ones). Per page it prints the query count
of one render (fixed: the same on every request), the median CPU time of a request, the time in
the database driver, and, with --pyinstrument, the top frames by time of one profiled batch (or
cProfile's top functions by own CPU time, --top N). The same pages and readers as
bench/fresh_pages.py (bench/pages.py).
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
from pages import REFERENCE, page_paths  # noqa: E402
from server import ROOT, Deployment, log  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database", default="rakor_bench_pages")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--reuse-database", action="store_true", help="keep and reuse an existing one")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--top", type=int, default=0, metavar="N", help="cProfile: N functions by own CPU time")
    parser.add_argument("--sort", default="tottime", help="cProfile order: tottime (default), ncalls, cumulative")
    parser.add_argument("--callers", default="", help="with --top: print the callers of functions matching this")
    parser.add_argument("--buckets", action="store_true",
                        help="cProfile's own CPU time per library (SQL building, ORM, driver, templates...)")
    parser.add_argument("--sql", action="store_true", help="print the statements of one render")
    parser.add_argument("--pyinstrument", action="store_true", help="pyinstrument tree of each page")
    parser.add_argument("--reference", action="store_true",
                        help="also the committee's notices page (the layout with a short list; not a target)")
    parser.add_argument("--page-cache", choices=("off", "redis"), default="off",
                        help="redis: kept copies on (--redis-url), so every measured request is a hit: "
                             "the cost of a page whose content is kept (default off: the whole render)")
    args = parser.parse_args()
    os.environ["PAGE_CACHE"] = args.page_cache

    deployment = Deployment(args.database, redis_url=args.redis_url)
    log(f"database {args.database}: create, migrate, load the demo")
    meeting_id = deployment.create(reuse=args.reuse_database)
    try:
        os.environ.update({k: v for k, v in deployment.env.items() if k not in os.environ or k in (
            "RAKOR_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "UPLOAD_DIR")})
        os.environ["PAGE_CACHE"] = args.page_cache
        sys.path.insert(0, str(ROOT))
        report(args, meeting_id, deployment)
    finally:
        if not args.reuse_database:
            deployment.drop()


BASE = "https://127.0.0.1"


def report(args, meeting_id, deployment):
    from sqlalchemy import event, select

    from rakor import create_app
    from rakor.auth.models import User
    from rakor.core.gc_tuning import freeze_startup_objects
    from rakor.extensions import db

    app = create_app()
    freeze_startup_objects()  # as wsgi.py does in production
    assert app.config["PAGE_CACHE"] == args.page_cache
    sql = {"n": 0, "t": 0.0, "start": 0.0}

    statements, durations = [], []

    def before(_conn, _cursor, statement, *_a, **_k):
        sql["start"] = time.perf_counter()
        statements.append(statement)

    def after(*_a, **_k):
        sql["n"] += 1
        took = time.perf_counter() - sql["start"]
        sql["t"] += took
        durations.append(took)

    wanted = [p for p in args.pages.split(",") if p]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        pages = page_paths(deployment, meeting_id) + ([REFERENCE] if args.reference else [])
        keys = {email: f"{u.id}:{u.session_token}" for email in {p.email for p in pages}
                for u in [db.session.scalar(select(User).where(User.email == email))]}
    print(f"\nPAGE_CACHE={args.page_cache}, PostgreSQL, production config, in process; load average {os.getloadavg()[0]:.2f}")
    print(f"{'page':<24}{'path':<34}{'KiB':>5}{'queries':>8}{'CPU ms':>8}{'min CPU':>8}{'wall ms':>8}{'SQL ms':>8}{'calls':>8}")
    for page in pages:
        if wanted and page.name not in wanted:
            continue
        client = app.test_client()
        with client.session_transaction(base_url=BASE) as sess:
            sess["_user_id"] = keys[page.email]
            sess["_fresh"] = True
        for _ in range(10):
            response = client.get(page.path, base_url=BASE)
            assert response.status_code == 200, (page.path, response.status_code)
            assert page.marker in response.get_data(as_text=True), (page.name, page.marker)
        if args.sql:
            statements.clear()
            durations.clear()
            client.get(page.path, base_url=BASE)
            for i, (statement, took) in enumerate(zip(statements, durations, strict=True), 1):
                text = " ".join(statement.split())
                print(f"  {i:>2}. ({1000 * took:.2f} ms) "
                      + (text if len(text) < 400 else text[:200] + " ... " + text[-200:]))
        counts, cpus, walls, sqls = [], [], [], []
        profiler = cProfile.Profile(time.thread_time) if (args.top or args.buckets) else None
        for _ in range(args.requests):
            sql.update(n=0, t=0.0)
            if profiler:
                profiler.enable()
            start, cpu = time.perf_counter(), time.thread_time()
            response = client.get(page.path, base_url=BASE)
            walls.append(time.perf_counter() - start)
            cpus.append(time.thread_time() - cpu)
            if profiler:
                profiler.disable()
            counts.append(sql["n"])
            sqls.append(sql["t"])
        fixed = counts[0] if len(set(counts)) == 1 else f"{min(counts)}-{max(counts)}"
        # Python function calls per request (cProfile's count): the same on a busy machine as on
        # a quiet one, so a change's effect shows even when the CPU times are noise.
        counter = cProfile.Profile()
        counter.enable()
        for _ in range(5):
            client.get(page.path, base_url=BASE)
        counter.disable()
        calls = pstats.Stats(counter).total_calls // 5
        print(f"{page.name:<24}{page.path:<34}{len(response.data) // 1024:>5}{fixed!s:>8}"
              f"{1000 * statistics.median(cpus):>8.2f}{1000 * min(cpus):>8.2f}{1000 * statistics.median(walls):>8.2f}"
              f"{1000 * statistics.median(sqls):>8.2f}{calls:>8}", flush=True)
        if args.buckets:
            print_buckets(pstats.Stats(profiler), args.requests)
        if args.top:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            if args.callers:
                pstats.Stats(profiler).sort_stats("ncalls").print_callers(args.callers)
        if args.pyinstrument:
            from pyinstrument import Profiler
            prof = Profiler(interval=0.0002)
            prof.start()
            for _ in range(min(args.requests, 30)):
                client.get(page.path, base_url=BASE)
            prof.stop()
            print(prof.output_text(unicode=False, color=False, show_all=False, short_mode=False))


# Where a file's own time goes, first match wins (paths as cProfile prints them).
BUCKETS = (
    ("SQL expressions built", ("sqlalchemy/sql/coercions", "sqlalchemy/sql/elements", "sqlalchemy/sql/selectable",
                               "sqlalchemy/sql/operators", "sqlalchemy/sql/default_comparator",
                               "sqlalchemy/sql/annotation", "sqlalchemy/sql/base", "sqlalchemy/sql/functions",
                               "sqlalchemy/sql/traversals", "sqlalchemy/sql/cache_key", "sqlalchemy/sql/visitors",
                               "sqlalchemy/sql/type_api", "sqlalchemy/sql/schema", "sqlalchemy/orm/attributes")),
    ("SQL compiled/executed", ("sqlalchemy/sql/compiler", "sqlalchemy/engine", "sqlalchemy/pool",
                               "sqlalchemy/dialects", "sqlalchemy/orm/session", "sqlalchemy/orm/context",
                               "sqlalchemy/orm/query")),
    ("ORM loading", ("sqlalchemy/orm",)),
    ("SQLAlchemy, other", ("sqlalchemy/",)),
    ("psycopg", ("psycopg",)),
    ("templates (Jinja)", ("jinja2/", "templates/", "markupsafe")),
    ("Flask, Werkzeug, extensions", ("flask", "werkzeug", "itsdangerous", "blinker")),
    ("Babel", ("babel/",)),
    ("rakor", ("rakor/",)),
)


def print_buckets(stats, requests):
    """Own CPU ms per request by library, with the share of the whole."""
    totals = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        bucket = next((name for name, parts in BUCKETS if any(p in filename for p in parts)), "other")
        totals[bucket] = totals.get(bucket, 0.0) + tottime
    whole = sum(totals.values())
    for name, took in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<30}{1000 * took / requests:>7.2f} ms {100 * took / whole:>5.1f} %")


if __name__ == "__main__":
    main()
