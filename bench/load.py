"""Load figure: the signed-in meeting page of the seed meeting under N connections, against a
bare route served by the same gunicorn settings in the same run.

    python bench/load.py [--duration 600] [--connections 50] [--gunicorn "-w 2"]

Sets up its own PostgreSQL database (dropped and re-created: --database, default
rakor_bench_load), migrates it, loads the demo (52 participants on the seed meeting), starts
gunicorn in production mode (RAKOR_ENV=production, a random SECRET_KEY, Redis for rate limits)
and signs in as the demo committee user. Then, one after the other with Debian's `wrk`
(latencies measured by wrk, client on this machine):

  1. the meeting page, --duration seconds (`bench.bench_wsgi:app`: the production app plus a
     benchmark-only `/bench/bare` route);
  2. `/bench/bare` of that same app and gunicorn, --bare-duration seconds;
  3. `/bench/bare` of a bare Flask app (bench/bare_flask.py) under the same gunicorn options.

Errors are non-2xx responses (a redirect to the sign-in page is an error) and socket errors.
Prints a table and one JSON line; exit status 1 when there was any error or p99 > --p99-limit.
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import Client, Deployment, Gunicorn, log  # noqa: E402

LUA = Path(__file__).resolve().parent / "wrk_report.lua"


def wrk(url, seconds, connections, threads, cookie=None, timeout=10, headers=(), lua_extra=None):
    """wrk's RESULT (bench/wrk_report.lua) for `url`. `headers`: ("Name: value", ...) sent with
    every request; `lua_extra`: Lua appended to the report script (e.g. a request() function
    that builds each request, bench/bench_api.py's progress push)."""
    script = LUA
    if lua_extra:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="rakor-wrk-", delete=False) as f:
            f.write(LUA.read_text() + "\n" + lua_extra)
        script = Path(f.name)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
           f"--timeout={timeout}s", "-s", str(script)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for header in headers:
        cmd += ["-H", header]
    cmd.append(url)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        if script != LUA:
            script.unlink(missing_ok=True)
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise RuntimeError("wrk printed no RESULT line:\n" + out)
    result = json.loads(match.group(1))
    result["errors"] = result["non_2xx"] + result["socket_errors"]
    return result


def check_meeting_page(client, path):
    status, _h, content = client.get(path)
    text = content.decode("utf-8", "replace")
    if status != 200 or 'id="agenda"' not in text:
        raise RuntimeError(f"the meeting page does not answer as the signed-in committee (HTTP {status})")
    return len(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600, help="seconds on the meeting page (default 600)")
    parser.add_argument("--bare-duration", type=int, default=60, help="seconds on each bare route (default 60)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load before each phase")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--gunicorn", default="-w 2",
                        help='gunicorn options: "-w 2" (default: issue 20\'s target and the probe\'s) or "-c bench/gunicorn_conf.py"')
    parser.add_argument("--database", default="rakor_bench_load")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--skip-bare", action="store_true", help="only the meeting page")
    parser.add_argument("--p99-limit", type=float, default=500.0, help="ms; exit 1 above it")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    deployment = Deployment(args.database)
    results, servers = {}, []
    try:
        log(f"database {args.database}: create, migrate, load the demo")
        meeting_id = deployment.create()
        path = f"/meetings/{meeting_id}"
        participants = deployment.sql(f"SELECT count(*) FROM participant WHERE meeting_id = {meeting_id}")
        app_server = Gunicorn(deployment, "bench.bench_wsgi:app", args.gunicorn)
        servers.append(app_server)
        app_server.start()
        log(f"gunicorn {args.gunicorn!r} on {app_server.base} (log {app_server.log_path})")
        client = Client(app_server.base).login()
        page_bytes = check_meeting_page(client, path)
        # Twice: the first view consumes the welcome message and adds the CSRF token, so that
        # the cookie wrk sends no longer changes the session on every request.
        check_meeting_page(client, path)
        cookie = client.cookie_header()

        phases = [("meeting page", app_server.base + path, args.duration, cookie)]
        if not args.skip_bare:
            phases.append(("bare route, same app", app_server.base + "/bench/bare", args.bare_duration, None))
        for name, url, seconds, cookie_value in phases:
            if args.warmup:
                wrk(url, args.warmup, args.connections, args.threads, cookie_value)
            log(f"{name}: {seconds} s at {args.connections} connections")
            results[name] = wrk(url, seconds, args.connections, args.threads, cookie_value)
        app_server.stop()
        if not args.skip_bare:
            flask_server = Gunicorn(deployment, "bench.bare_flask:app", args.gunicorn, ready_path="/bench/bare")
            servers.append(flask_server)
            flask_server.start()
            url = flask_server.base + "/bench/bare"
            if args.warmup:
                wrk(url, args.warmup, args.connections, args.threads)
            log(f"bare Flask app: {args.bare_duration} s at {args.connections} connections")
            results["bare Flask app"] = wrk(url, args.bare_duration, args.connections, args.threads)
            flask_server.stop()
    finally:
        for server in servers:
            server.stop()
        if not args.keep_database:
            deployment.drop()
        shutil.rmtree(deployment.upload_dir, ignore_errors=True)

    page = results["meeting page"]
    print(f"\nRakor load, {time.strftime('%Y-%m-%d %H:%M')}: gunicorn {args.gunicorn!r}, "
          f"{args.connections} connections, wrk -t{args.threads}, client on this machine")
    print(f"seed meeting {meeting_id}: {participants} participants, page {page_bytes // 1024} KiB, "
          f"signed in as the committee")
    print(f"{'':<22}{'seconds':>8}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for name, r in results.items():
        print(f"{name:<22}{r['seconds']:>8.0f}{r['requests']:>10}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}"
              f"{r['p90_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}{r['errors']:>8}")
    summary = {"gunicorn": args.gunicorn, "connections": args.connections, "results": results}
    for name in ("bare route, same app", "bare Flask app"):
        if name in results:
            share = 100 * page["rps"] / results[name]["rps"]
            summary[f"share of {name} %"] = round(share, 2)
            print(f"meeting page req/s as a share of the {name}: {share:.1f} %")
    print("JSON " + json.dumps(summary))
    failed = page["errors"] > 0 or page["p99_ms"] > args.p99_limit
    print("VERDICT: " + ("FAIL" if failed else "PASS") +
          f" (meeting page: {page['errors']} errors, p99 {page['p99_ms']:.0f} ms, limit {args.p99_limit:.0f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
