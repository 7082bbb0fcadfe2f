"""Issue 20, target 1: each main page rendered fresh (no kept copy) as a share of the bare route.

    python bench/fresh_pages.py [--seconds 10] [--runs 3] [--connections 20] [--pages meeting,home]
                                [--gunicorn "-w 2 -c deploy/gunicorn.conf.py"] [--database rakor_bench_fresh] [--reuse-database]
                                [--port 8100] [--redis-url redis://127.0.0.1:6379/9]

Sets up its own PostgreSQL database with the demo (bench/server.py), then serves, side by side
and with the same gunicorn options (default production's, deploy/gunicorn.conf.py, with `-w 2`):
  - the app in production mode with PAGE_CACHE=off (`bench.bench_wsgi:app`): every request
    renders its whole page, nothing is kept between requests;
  - the bare Flask app (bench/bare_flask.py, one route answering "ok").
Each page is fetched by Debian's `wrk` as its reader (bench/pages.py: the committee, a delegate,
the leadership), signed in with a cookie of its own. For every run and page, the bare route and
the page are loaded one right after the other (bare first, then the page, --seconds each after
an unmeasured --warmup): the machine's load (shared, busy) hits both sides of a pair alike. The
share of a page is the median over --runs of page req/s / bare req/s of the same pair; the load
average (1 min) is read after every wrk run and printed beside the figures.

Also prints the SQL query count of one render of each page (the app in this process, same
database, PAGE_CACHE=off, Flask's test client) and the page's size. Errors are non-2xx responses
(a redirect to the sign-in page is one) and socket errors: any error makes the exit status 1.
Target (issue 20): each share >= 8 %. With --reference, the committee's notices page (the layout
and the signed-in user, 3 queries) is measured too, as what any page's share starts from; it is
not one of the target's pages and does not count in the verdict.

--before DIR serves a tree of the code before a change (`git archive <commit> | tar -x -C DIR`,
with its own .venv when it has one) beside the current one, on the same database: each run
measures bare, the page, then the same page on the before tree, so both shares are of the same
bare figure and the same minute of the machine. The verdict is the current tree's.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import wrk  # noqa: E402
from pages import REFERENCE, page_paths  # noqa: E402
from server import PRODUCTION_GUNICORN, ROOT, Client, Deployment, Gunicorn, log  # noqa: E402

TARGET = 8.0
BASE = "https://127.0.0.1"  # the test client's; production cookies are Secure


def query_counts(deployment, pages):
    """{page name: (queries of one render, bytes)} by the app in this process (PAGE_CACHE=off)."""
    from sqlalchemy import event, select

    for key in ("RAKOR_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "UPLOAD_DIR", "BASE_URL", "PAGE_CACHE"):
        os.environ[key] = deployment.env[key]
    sys.path.insert(0, str(ROOT))
    from rakor import create_app
    from rakor.auth.models import User
    from rakor.extensions import db

    app = create_app()
    assert app.config["PAGE_CACHE"] == "off"
    statements = []
    out = {}
    listener = lambda *a, **k: statements.append(1)  # noqa: E731
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        users = {email: f"{u.id}:{u.session_token}" for email in {p.email for p in pages}
                 for u in [db.session.scalar(select(User).where(User.email == email))]}
        db.session.remove()
    # Each request in its own app context, as under gunicorn (a pushed one would share its `g`,
    # the signed-in user included, between requests).
    for page in pages:
        client = app.test_client()
        with client.session_transaction(base_url=BASE) as sess:
            sess["_user_id"] = users[page.email]
            sess["_fresh"] = True
        for _ in range(3):  # the first request of a client does one-off work (CSRF token)
            client.get(page.path, base_url=BASE)
        statements.clear()
        response = client.get(page.path, base_url=BASE)
        assert response.status_code == 200 and page.marker in response.get_data(as_text=True), page
        out[page.name] = (len(statements), len(response.data))
    with app.app_context():
        event.remove(db.engine, "before_cursor_execute", listener)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each run")
    parser.add_argument("--runs", type=int, default=3, help="paired runs per page (default 3; the median is reported)")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--gunicorn", default=PRODUCTION_GUNICORN,
                        help=f'gunicorn options (default "{PRODUCTION_GUNICORN}": issue 20\'s two workers)')
    parser.add_argument("--pages", default="", help="comma-separated page names of bench/pages.py (default: all)")
    parser.add_argument("--reference", action="store_true",
                        help="also the notices page (layout only), outside the verdict")
    parser.add_argument("--before", default=None, metavar="DIR",
                        help="a tree of the code before a change, measured beside the current one")
    parser.add_argument("--database", default="rakor_bench_fresh")
    parser.add_argument("--reuse-database", action="store_true", help="keep and reuse an existing database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="for rate limits (no page cache)")
    parser.add_argument("--port", type=int, default=0, help="the app's port (the bare app's is the next); default: free ones")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    deployment = Deployment(args.database, redis_url=args.redis_url, env={"PAGE_CACHE": "off"})
    servers = []
    pairs = {}  # page name -> [(bare rps, page rps, load after bare, load after page, errors)]
    before_pairs = {}  # page name -> [(bare rps, before tree's page rps, errors)] with --before
    try:
        log(f"database {args.database}: create, migrate, load the demo")
        meeting_id = deployment.create(reuse=args.reuse_database)
        pages = page_paths(deployment, meeting_id)
        if args.pages:
            wanted = set(args.pages.split(","))
            pages = [p for p in pages if p.name in wanted or p.name.split(" (")[0] in wanted]
        if args.reference:
            pages.append(REFERENCE)
        app_server = Gunicorn(deployment, "bench.bench_wsgi:app", args.gunicorn, port=args.port or None)
        bare_server = Gunicorn(deployment, "bench.bare_flask:app", args.gunicorn,
                               port=args.port + 1 if args.port else None, ready_path="/bench/bare")
        before_server = (Gunicorn(deployment, "bench.bench_wsgi:app", args.gunicorn,
                                  port=args.port + 2 if args.port else None, chdir=Path(args.before).resolve())
                         if args.before else None)
        for server in (app_server, bare_server, before_server):
            if server is not None:
                servers.append(server)
                server.start()
        log(f"gunicorn {args.gunicorn!r}: app (PAGE_CACHE=off) on {app_server.base}, bare Flask on {bare_server.base}")
        cookies = {}
        for page in pages:
            if page.email not in cookies:
                client = Client(app_server.base).login(page.email)
                client.get(page.path)  # consumes the welcome message, adds the CSRF token
                cookies[page.email] = client
            status, _h, content = cookies[page.email].get(page.path)
            if status != 200 or page.marker.encode() not in content:
                raise RuntimeError(f"{page.name}: HTTP {status} or no {page.marker!r} on {page.path}")
        bare_url = bare_server.base + "/bench/bare"
        for run in range(1, args.runs + 1):
            for page in pages:
                cookie = cookies[page.email].cookie_header()
                url = app_server.base + page.path
                if args.warmup:
                    wrk(bare_url, args.warmup, args.connections, args.threads)
                bare = wrk(bare_url, args.seconds, args.connections, args.threads)
                load_bare = os.getloadavg()[0]
                if args.warmup:
                    wrk(url, args.warmup, args.connections, args.threads, cookie)
                result = wrk(url, args.seconds, args.connections, args.threads, cookie)
                load_page = os.getloadavg()[0]
                pairs.setdefault(page.name, []).append(
                    (bare["rps"], result["rps"], load_bare, load_page, result["errors"] + bare["errors"],
                     result["p50_ms"], result["p99_ms"]))
                log(f"run {run} {page.name}: bare {bare['rps']:.0f} req/s (load {load_bare:.1f}), "
                    f"page {result['rps']:.1f} req/s (load {load_page:.1f}), "
                    f"share {100 * result['rps'] / bare['rps']:.2f} %, errors {result['errors'] + bare['errors']}")
                if before_server is not None:
                    # The same session cookie: both trees read the same database and secret key.
                    before_url = before_server.base + page.path
                    if args.warmup:
                        wrk(before_url, args.warmup, args.connections, args.threads, cookie)
                    old = wrk(before_url, args.seconds, args.connections, args.threads, cookie)
                    before_pairs.setdefault(page.name, []).append((bare["rps"], old["rps"], old["errors"]))
                    log(f"    before: page {old['rps']:.1f} req/s, share {100 * old['rps'] / bare['rps']:.2f} %, "
                        f"errors {old['errors']}")
    finally:
        for server in servers:
            server.stop()
    counts = query_counts(deployment, pages)
    if not args.reuse_database:
        deployment.drop()
    shutil.rmtree(deployment.upload_dir, ignore_errors=True)

    print(f"\nRakor pages rendered fresh (PAGE_CACHE=off), {time.strftime('%Y-%m-%d %H:%M')}: gunicorn "
          f"{args.gunicorn!r} (app and bare Flask alike), PostgreSQL, demo data, wrk -t{args.threads} "
          f"-c{args.connections}, {args.seconds} s per run, {args.runs} paired runs (bare, then page), "
          f"client on this machine (2 cores, shared with other work: see the load averages)")
    print(f"{'page':<22}{'queries':>8}{'KiB':>5}{'bare req/s':>11}{'page req/s':>11}{'share %':>9}"
          f"{'shares of the runs %':>26}{'load avg (bare/page)':>28}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}")
    summary, failed = {}, False
    for page in pages:
        runs = pairs[page.name]
        shares = [100 * p / b for b, p, *_ in runs]
        share = statistics.median(shares)
        errors = sum(r[4] for r in runs)
        queries, size = counts[page.name]
        loads = " ".join(f"{lb:.1f}/{lp:.1f}" for _b, _p, lb, lp, *_ in runs)
        print(f"{page.name:<22}{queries:>8}{size // 1024:>5}{statistics.median(r[0] for r in runs):>11.0f}"
              f"{statistics.median(r[1] for r in runs):>11.1f}{share:>9.2f}"
              f"  {' '.join(f'{s:.2f}' for s in shares):>24}  {loads:>26}"
              f"{statistics.median(r[5] for r in runs):>8.1f}{statistics.median(r[6] for r in runs):>8.1f}{errors:>7}")
        summary[page.name] = {"share_pct": round(share, 2), "shares": [round(s, 2) for s in shares],
                              "queries": queries, "bytes": size, "errors": errors,
                              "bare_rps": [round(r[0], 1) for r in runs], "page_rps": [round(r[1], 1) for r in runs],
                              "load": [[r[2], r[3]] for r in runs]}
        failed |= errors > 0 or (share < TARGET and page is not REFERENCE)
    if before_pairs:
        print(f"\nBefore ({args.before}) and now, same runs: median share of the bare route measured just before both")
        for name, runs in before_pairs.items():
            old = statistics.median(100 * p / b for b, p, _e in runs)
            summary[name]["before_share_pct"] = round(old, 2)
            summary[name]["before_errors"] = sum(e for _b, _p, e in runs)
            print(f"  {name:<22} before {old:6.2f} %   now {summary[name]['share_pct']:6.2f} %   "
                  f"ratio {summary[name]['share_pct'] / old:5.2f}x")
    print("JSON " + json.dumps({"gunicorn": args.gunicorn, "pages": summary}))
    print("VERDICT: " + ("FAIL" if failed else "PASS") + f" (every page >= {TARGET:.0f} % of the bare route, no errors)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
