"""Where an import's time goes: `python bench/profile_import.py [--rows 5000] [--database rakor_profile_import]
[--redis redis://127.0.0.1:6379/9] [--port 5510] [--out /tmp/rakor-import-profiles] [--reuse] [--skip commitments,progress]
[--cprofile [--top 25] | --plain]`.

The three imports of bench_import.py (participants, then commitments and progress updates into
the same fresh meeting) in one process against their own PostgreSQL database (made, migrated
and the demo loaded, unless --reuse), production settings, served by werkzeug in a thread and
driven over HTTP as the benchmark does. Every POST (upload = check + preview page, confirm =
check again + write + commit) is profiled with pyinstrument; its wall time, its SQL statements
and their time are printed, and its call tree is written to --out/NN.txt. Profiling slows the
code down: read it for the shares of the phases, and bench_import.py for the rows/s.

`--cprofile`: cProfile instead, for figures that do not depend on the machine's load: the
Python function calls of every POST (cProfile's count) beside its statements, and the --top
functions by own time in --out/NN.txt (the whole profile in --out/NN.prof, for pstats).
`--plain`: no profiler, the wall and CPU time (of the serving thread) of every POST."""
import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_import as bi  # noqa: E402
from server import Client, Deployment  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database", default="rakor_profile_import")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="its db is flushed")
    parser.add_argument("--port", type=int, default=5510)
    parser.add_argument("--out", default="/tmp/rakor-import-profiles")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--skip", default="", help="comma-separated: commitments, progress")
    parser.add_argument("--cprofile", action="store_true", help="cProfile: function calls per POST")
    parser.add_argument("--top", type=int, default=25, help="with --cprofile: functions listed")
    parser.add_argument("--plain", action="store_true",
                        help="no profiler: wall and CPU time of every POST as it runs (the CPU time moves "
                             "less with the machine's load than the wall time)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    deployment = Deployment(args.database, redis_url=args.redis,
                            env={"MAX_IMPORT_ROWS": str(max(args.rows, 5000)), "IMPORT_QUEUE_THRESHOLD": "1000000",
                                 "LOGIN_RATE_LIMIT": "10000 per minute", "PROXY_HOPS": "0"})
    deployment.create(reuse=args.reuse)
    os.environ.update(deployment.env)

    from pyinstrument import Profiler
    from sqlalchemy import event
    from werkzeug.serving import make_server

    from rakor.extensions import db
    from wsgi import app

    sql = {"n": 0, "s": 0.0, "each": []}
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, *_a):
        conn.info["rakor.t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cursor, statement, _parameters, _context, executemany):
        took = time.perf_counter() - conn.info["rakor.t0"]
        sql["n"] += 1
        sql["s"] += took
        sql["each"].append((took, executemany, " ".join(statement.split())[:160]))

    collections = {"n": [0, 0, 0], "s": 0.0, "t0": 0.0}

    def _gc(phase, info):  # the collector's pauses, counted per POST
        if phase == "start":
            collections["t0"] = time.thread_time()
        else:
            collections["n"][info["generation"]] += 1
            collections["s"] += time.thread_time() - collections["t0"]

    gc.callbacks.append(_gc)
    inner, count = app.wsgi_app, [0]

    def profiled(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] == "/login":
            return inner(environ, start_response)
        count[0] += 1
        sql.update(n=0, s=0.0, each=[])
        collections.update(n=[0, 0, 0], s=0.0)
        profiler = cProfile.Profile() if args.cprofile else Profiler(interval=0.002)
        start, cpu = time.perf_counter(), time.thread_time()
        if args.plain:
            body = list(inner(environ, start_response))
        elif args.cprofile:
            body = profiler.runcall(lambda: list(inner(environ, start_response)))
        else:
            profiler.start()
            body = list(inner(environ, start_response))
            profiler.stop()
        elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
        line = (f"{environ['PATH_INFO']}: {elapsed:.2f} s (CPU {cpu:.2f} s), {sql['n']} statements ({sql['s']:.2f} s), "
                f"{sum(map(len, body)) // 1024} KiB; GC {'/'.join(map(str, collections['n']))} collections "
                f"(generation 0/1/2, CPU) {collections['s']:.2f} s; load {os.getloadavg()[0]:.2f}")
        if args.plain:
            report = ""
        elif args.cprofile:
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            line += f"; {stats.total_calls:,} function calls"
            stats.sort_stats("tottime").print_stats(args.top)
            profiler.dump_stats(out / f"{count[0]:02d}.prof")  # for pstats' callers/callees
            report = text.getvalue()
        else:
            report = profiler.output_text(unicode=False, color=False)
        slowest = sorted(sql["each"], reverse=True)[:8]
        report = "slowest statements:\n" + "".join(f"  {took:6.3f} s{' (executemany)' if many else ''} {text}\n"
                                                  for took, many, text in slowest) + report
        path = out / f"{count[0]:02d}.txt"
        path.write_text(line + "\n" + report)
        print(f"{path}: {line}", flush=True)
        return body

    app.wsgi_app = profiled
    server = make_server("127.0.0.1", args.port, app, threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Client(f"http://127.0.0.1:{args.port}").login()
        meeting = bi.new_meeting(deployment)
        bi.http_import(client, f"/meetings/{meeting}/participants/import", bi.participants_file(args.rows),
                       "peserta.csv")
        skip = set(filter(None, args.skip.split(",")))
        if "commitments" not in skip:
            bi.http_import(client, f"/meetings/{meeting}/commitments/import", bi.commitments_file(args.rows),
                           "kesepakatan.csv")
            if "progress" not in skip:
                references = deployment.sql(f"SELECT reference FROM commitment WHERE meeting_id = {meeting} "
                                            "ORDER BY id").split()
                bi.http_import(client, "/progress/import", bi.progress_file(references), "kemajuan.csv",
                               {"import": "1"})
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
