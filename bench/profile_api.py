"""Where a request of the HTTP API's commitment list goes, in this process (Flask's test client),
on the scale generator's data (bench_api.py's database), production config.

    .venv/bin/python bench/profile_api.py --db rk_scale_api [--requests 300] [--top 30]
                                          [--sort tottime] [--pyinstrument] [--redis-url URL]

Issues a committee token (as bench_api.py does), then per request of the list of the region with
the most commitments (50 per page): the query count, the Redis round trips (the rate limiter
and the token cache), the PostgreSQL round trips (BEGIN and COMMIT included), median and minimum CPU ms, and Python function calls (cProfile's count: the
same on a busy machine, so a change's effect shows when the CPU times are noise); --top N prints
cProfile's top functions, --pyinstrument a tree of one batch.
"""
import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_api import SETUP  # noqa: E402
from bench.server import BIN, Deployment  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rk_scale_api", help="made by bench_api.py or bench/scale/generate.py")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--top", type=int, default=0, metavar="N")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()

    deployment = Deployment(database=args.db, redis_url=args.redis_url,
                            env={"API_RATE_LIMIT": "100000000 per minute"})
    deployment.flask("db", "upgrade")
    setup = json.loads(subprocess.run([str(BIN / "python"), "-c", SETUP], cwd=ROOT, env=deployment.env,
                                      capture_output=True, text=True, check=True).stdout)
    os.environ.update({k: v for k, v in deployment.env.items() if k not in os.environ or k in (
        "RAKOR_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "UPLOAD_DIR", "API_RATE_LIMIT")})

    import redis
    from sqlalchemy import event

    from rakor import create_app
    from rakor.extensions import db

    app = create_app()
    base = app.config["BASE_URL"]
    path = f"/api/v1/commitments?region={setup['region']}&limit=50"
    headers = {"Authorization": "Bearer " + setup["committee"]}
    client = app.test_client()
    queries = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: queries.__setitem__(0, queries[0] + 1))
    round_trips = [0]
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        round_trips[0] += 1  # one write of one command or of a whole pipeline
        return send(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = counted
    import psycopg
    from psycopg._connection_base import BaseConnection

    pg_round_trips = [0]
    exec_command, cursor_execute = BaseConnection._exec_command, psycopg.Cursor.execute

    def command(self, *args, **kwargs):
        pg_round_trips[0] += 1  # BEGIN, COMMIT, ROLLBACK: psycopg sends each on its own
        return exec_command(self, *args, **kwargs)

    def execute(self, *args, **kwargs):
        pg_round_trips[0] += 1  # a statement (no pipeline mode here)
        return cursor_execute(self, *args, **kwargs)

    BaseConnection._exec_command, psycopg.Cursor.execute = command, execute

    def get():
        response = client.get(path, headers=headers, base_url=base)
        assert response.status_code == 200, (response.status_code, response.data[:300])
        return response

    for _ in range(20):
        get()
    counts, cpus, walls = [], [], []
    profiler = cProfile.Profile(time.thread_time) if args.top else None
    for _ in range(args.requests):
        queries[0] = round_trips[0] = pg_round_trips[0] = 0
        if profiler:
            profiler.enable()
        start, cpu = time.perf_counter(), time.thread_time()
        get()
        walls.append(time.perf_counter() - start)
        cpus.append(time.thread_time() - cpu)
        if profiler:
            profiler.disable()
        counts.append((queries[0], round_trips[0], pg_round_trips[0]))
    counter = cProfile.Profile()
    counter.enable()
    for _ in range(10):
        get()
    counter.disable()
    calls = pstats.Stats(counter).total_calls // 10
    fixed = counts[0] if len(set(counts)) == 1 else f"{min(counts)}-{max(counts)}"
    print(f"\n{path}: (SQL queries, Redis round trips, PostgreSQL round trips) per request {fixed}, CPU ms median {1000 * statistics.median(cpus):.2f} min "
          f"{1000 * min(cpus):.2f}, wall ms median {1000 * statistics.median(walls):.2f}, calls {calls}; "
          f"load average {os.getloadavg()[0]:.2f}")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    if args.pyinstrument:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.0002)
        prof.start()
        for _ in range(min(args.requests, 100)):
            get()
        prof.stop()
        print(prof.output_text(unicode=False, color=False, show_all=False, short_mode=False))


if __name__ == "__main__":
    main()
