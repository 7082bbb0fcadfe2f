"""The HTTP API at national scale: the commitment list of one region (a committee token) and the
progress push (the committee's token: the generator invites no agency, so a delegate sees none
of its meetings), under gunicorn in production mode on the scale generator's
PostgreSQL data, each as a share of a bare Flask JSON route served by the same gunicorn options
in the same run; and the query count of a list page (fixed, whatever the page size).

    .venv/bin/python bench/bench_api.py [--scale 0.1] [--keep] [--seconds 30] [--connections 8]

Needs PostgreSQL on 127.0.0.1 (user postgres, trust), Redis on 127.0.0.1:6379 (db 9 for the
rate limiter) and Debian's `wrk`: the load comes from wrk (C, a few percent of a core) by default.
`--client threads` drives it from Python threads of this process, as this script did before: on
the bare route those threads took about a third of a core (0.4 ms of CPU per request) from the
gunicorn they measure, so the bare figure was client-bound and the share flattered (the list,
ten times slower, barely noticed its client); `--client both` runs both in each round. The
shares, not the absolute figures, are what compares across machines.
Target (issue 21): the list at >= 15 % of the bare route, with a fixed query count per page.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import wrk  # noqa: E402
from bench.server import BIN, Deployment, Gunicorn, log, psql, request  # noqa: E402

BARE_JSON = '''
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/bench/bare")
def bench_bare():
    return jsonify(ok=True)
'''

SETUP = '''
import json, sys
from sqlalchemy import func, select
from rakor import create_app
from rakor.api import tokens
from rakor.auth.models import User
from rakor.commitments.models import Commitment
from rakor.extensions import db
from rakor.regions.models import Agency, Region

app = create_app()
with app.app_context():
    # The regency with the most commitments, its planning agency's agreed commitments.
    region_id, count = db.session.execute(
        select(Agency.region_id, func.count(Commitment.id)).join(Commitment, Commitment.agency_id == Agency.id)
        .group_by(Agency.region_id).order_by(func.count(Commitment.id).desc()).limit(1)).one()
    region = db.session.get(Region, region_id)
    agency_id = db.session.scalar(select(Commitment.agency_id).join(Agency, Agency.id == Commitment.agency_id)
                                  .where(Agency.region_id == region_id).limit(1))
    # Measurable ones (indicator, baseline, target): the push states the realised value.
    ids = [[i, str(v)] for i, v in db.session.execute(
        select(Commitment.id, Commitment.baseline_value).where(
            Commitment.agency_id == agency_id, Commitment.status == "agreed",
            Commitment.indicator_id.is_not(None), Commitment.baseline_value.is_not(None),
            Commitment.target_value.is_not(None)).limit(50))]
    def user(email, role, agency_id=None):
        found = db.session.scalar(select(User).where(User.email == email))
        if found is None:
            found = User(email=email, name=email, password_hash="!", role=role, agency_id=agency_id)
            db.session.add(found)
            db.session.flush()
        return found
    committee = user("bench-api-committee@bench.rakor.id", "committee")
    delegate = user(f"bench-api-delegate-{agency_id}@bench.rakor.id", "delegate", agency_id)
    out = {"region": region.kemendagri_code, "region_commitments": count, "commitments": ids,
           "committee": tokens.issue(committee, "bench", "write", None).secret,
           "delegate": tokens.issue(delegate, "bench", "write", None).secret}
    db.session.commit()
    print(json.dumps(out))
'''

QUERIES = '''
import json, sys
from sqlalchemy import event
from rakor import create_app
from rakor.extensions import db

app = create_app()
setup = json.loads(sys.argv[1])
client = app.test_client()
counts = {}
with app.app_context():
    engine = db.engine
statements = []
event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
# Warm: the token's "last used" is written at most once a minute (two more statements then).
client.get("/api/v1/regions?limit=1", headers={"Authorization": "Bearer " + setup["committee"]},
           base_url=app.config["BASE_URL"])
for limit in (10, 50, 100):
    statements.clear()
    r = client.get(f"/api/v1/commitments?region={setup['region']}&limit={limit}",
                   headers={"Authorization": "Bearer " + setup["committee"]},
                   base_url=app.config["BASE_URL"])  # a trusted host
    assert r.status_code == 200, r.status_code
    counts[limit] = (len(statements), len(r.json["items"]))
print(json.dumps(counts))
'''


def hammer(make_request, seconds, connections):
    """(requests/s, p50 ms, p90 ms, errors) of `connections` threads calling make_request(i)."""
    stop = time.monotonic() + seconds
    latencies, errors, lock = [], [0], threading.Lock()

    def worker(n):
        i = n
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status = make_request(i)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if 200 <= status < 300:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
            i += connections

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    if not latencies:
        return 0.0, None, None, errors[0]
    latencies.sort()
    return (len(latencies) / wall, statistics.median(latencies) * 1000,
            latencies[int(len(latencies) * 0.9)] * 1000, errors[0])


def _process_cpu(pid):
    """User + system CPU seconds of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _push_lua(ids, tag):
    """wrk's request() for the progress push: each request a report on the next of `ids`
    ((commitment id, realised value)) with a narrative of its own (a new revision), the
    Authorization and Content-Type headers given with -H."""
    rows = ", ".join(f"{{{int(i)}, {json.dumps(str(v))}}}" for i, v in ids)
    return f'''
local ids = {{{rows}}}
local report_setup, report_init = setup, init
local threads_made = 0
function setup(thread)
  report_setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_no", threads_made)
end
function init(args)
  report_init(args)
  sent = 0
end
function request()
  sent = sent + 1
  local c = ids[(sent * 7 + thread_no) % #ids + 1]  -- 7: prime to 50, every id in turn
  local body = string.format(
    '{{"period": "{time.strftime("%Y-%m-%d")}", "status": "on_track", "realised_value": "%s", '
    .. '"narrative": "bench push {tag} %d-%d"}}', c[2], thread_no, sent)
  return wrk.format("POST", "/api/v1/commitments/" .. c[1] .. "/progress", nil, body)
end
'''


def _servers(args, deployment):
    """(name, Gunicorn) of every server of the run: the bare route, the app, and the app as it
    was (--before DIR: a copy of an earlier tree, e.g. `git archive <commit> | tar -x -C DIR`)."""
    ports = iter(range(args.port, args.port + 10)) if args.port else iter(lambda: None, 0)
    servers = [("bare", Gunicorn(deployment, app="bench._bare_json:app", args=args.gunicorn,
                                 ready_path="/bench/bare", port=next(ports)))]
    servers.append(("app", Gunicorn(deployment, app="bench.bench_wsgi:app", args=args.gunicorn,
                                    ready_path="/bench/bare", port=next(ports))))
    if args.before:
        before = Gunicorn(deployment, app="bench.bench_wsgi:app", args=args.gunicorn,
                          ready_path="/bench/bare", port=next(ports), chdir=Path(args.before).resolve())
        servers.append(("before", before))
    return servers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rk_scale_api")
    parser.add_argument("--scale", type=float, default=0.1, help="of the national data (default 0.1)")
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--seconds", type=int, default=30, help="per phase")
    parser.add_argument("--rounds", type=int, default=3,
                        help="phases alternate (bare, app, before) this many times; medians reported")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--client", choices=("wrk", "threads", "both"), default="wrk",
                        help="the load: Debian's wrk (default, the honest figure), threads of this "
                             "process (client-bound on the bare route), or both in each round")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each wrk phase")
    parser.add_argument("--gunicorn", default="-w 2", help="gunicorn options for every server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="the rate limiter's storage")
    parser.add_argument("--port", type=int, default=None, help="first of the ports to serve on (default: free ones)")
    parser.add_argument("--before", default=None,
                        help="a tree of the code before a change, served beside the current one (by "
                             "its own .venv when it has one: its pinned dependencies)")
    args = parser.parse_args()

    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'") == "1"
    if not (args.keep and exists):
        log(f"generating {args.db} at scale {args.scale}")
        subprocess.run([sys.executable, str(ROOT / "bench/scale/generate.py"), "--db", args.db,
                        "--scale", str(args.scale)], check=True, cwd=ROOT)
    deployment = Deployment(database=args.db, redis_url=args.redis_url,
                            env={"API_RATE_LIMIT": "100000000 per minute",
                                 "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1")})
    deployment.flask("db", "upgrade")  # the API's tables on a database generated before them
    subprocess.run(["redis-cli", "-u", deployment.redis_url, "FLUSHDB"], check=False, capture_output=True)
    setup = json.loads(subprocess.run([str(BIN / "python"), "-c", SETUP], cwd=ROOT, env=deployment.env,
                                      capture_output=True, text=True, check=True).stdout)
    queries = json.loads(subprocess.run([str(BIN / "python"), "-c", QUERIES, json.dumps(setup)], cwd=ROOT,
                                        env=deployment.env, capture_output=True, text=True,
                                        check=True).stdout)
    log(f"region {setup['region']}: {setup['region_commitments']} commitments; "
        f"queries per list page (limit: queries, items): {queries}")

    bare_module = Path(ROOT / "bench" / "_bare_json.py")
    bare_module.write_text(BARE_JSON)
    if args.before:
        Path(args.before, "bench", "_bare_json.py").write_text(BARE_JSON)
    auth = {"Authorization": "Bearer " + setup["committee"]}
    push_auth = {**auth, "Content-Type": "application/json"}
    ids = setup["commitments"]
    clients = ("wrk", "threads") if args.client == "both" else (args.client,)

    def measure(client, url, make_request=None, lua=None, headers=()):
        """(req/s of 2xx, p50 ms, p90 ms, errors, server CPU ms per request) of one phase."""
        server = current[0]
        if client == "threads":
            before = server_cpu(server)
            began = time.monotonic()
            result = hammer(make_request, args.seconds, args.connections)
            requests = result[0] * (time.monotonic() - began)
            return (*result, 1000 * (server_cpu(server) - before) / requests if requests else None)
        if args.warmup:
            wrk(url, args.warmup, args.connections, args.wrk_threads, headers=headers, lua_extra=lua)
        before = server_cpu(server, split=True)
        r = wrk(url, args.seconds, args.connections, args.wrk_threads, headers=headers, lua_extra=lua)
        after = server_cpu(server, split=True)
        cpu = 1000 * (sum(after) - sum(before)) / r["ok_2xx"] if r["ok_2xx"] else None
        if r["ok_2xx"]:
            log(f"  server CPU ms/req: workers {1000 * (after[0] - before[0]) / r['ok_2xx']:.2f}, "
                f"PostgreSQL {1000 * (after[1] - before[1]) / r['ok_2xx']:.2f}")
        return r["ok_2xx"] / r["seconds"], r["p50_ms"], r["p90_ms"], r["errors"], cpu

    def server_cpu(server, split=False):
        """CPU seconds used so far by the server's gunicorn workers and by the PostgreSQL
        backends of the benchmark's database (the app's connections; Redis, shared, left out),
        their sum or (workers, backends) with `split`.
        Per request, this does not move with the machine's load as req/s does."""
        workers = sum(_process_cpu(pid) for pid in server.worker_pids())
        backends = sum(_process_cpu(int(p)) for p in psql(
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{args.db}' AND pid <> pg_backend_pid()").split())
        return (workers, backends) if split else workers + backends

    def bare_phase(server, client):
        url = server.base + "/bench/bare"
        return measure(client, url, lambda i: request("GET", url)[0])

    def list_phase(server, client):
        url = f"{server.base}/api/v1/commitments?region={setup['region']}&limit=50"
        return measure(client, url, lambda i: request("GET", url, headers=auth)[0],
                       headers=[f"{k}: {v}" for k, v in auth.items()])

    def push_phase(server, client):
        # The committee pushes: the generator invites no agency (no seat quotas), so a
        # delegate's token sees none of these meetings (404), exactly as on the pages.
        tag = f"{server.port}-{time.monotonic_ns()}"  # a new narrative, so a new revision, each time

        def push(i):
            commitment_id, realised = ids[i % len(ids)]
            body = json.dumps({"period": time.strftime("%Y-%m-%d"), "status": "on_track",
                               "realised_value": realised, "narrative": f"bench push {tag} {i}"})
            return request("POST", f"{server.base}/api/v1/commitments/{commitment_id}/progress",
                           body=body.encode(), headers=push_auth)[0]

        return measure(client, server.base + "/", push, lua=_push_lua(ids, tag),
                       headers=[f"{k}: {v}" for k, v in push_auth.items()])

    current = [None]  # the server of the phase being measured
    servers = _servers(args, deployment)
    runs = {}  # phase name -> [(rps, p50, p90, errors, load average)]
    try:
        for _name, server in servers:
            server.start()
        for round_ in range(args.rounds):
            for client in clients:
                for name, server in servers:
                    phases = ([("bare Flask JSON route", bare_phase)] if name == "bare" else
                              [(f"commitment list, 50 per page [{name}]", list_phase),
                               *([(f"progress push [{name}]", push_phase)] if ids else [])])
                    for phase, run in phases:
                        phase = f"{phase} ({client})"
                        current[0] = server
                        result = run(server, client)
                        load = os.getloadavg()[0]
                        runs.setdefault(phase, []).append((*result, load))
                        log(f"round {round_ + 1} {phase}: {result[0]:.1f} req/s (load {load:.2f})")
    finally:
        for _name, server in servers:
            server.stop()
        bare_module.unlink(missing_ok=True)
        if args.before:
            Path(args.before, "bench", "_bare_json.py").unlink(missing_ok=True)

    def median(phase, k):
        values = [r[k] for r in runs[phase] if r[k] is not None]
        return statistics.median(values) if values else 0

    print(f"\n{'phase':58} {'req/s':>8} {'share':>7} {'p50 ms':>8} {'p90 ms':>8} {'errors':>7} {'load':>6} "
          f"{'CPU ms/req':>10} {'CPU share':>9}")
    for phase in runs:
        rps = median(phase, 0)
        # The share of each round against the bare run of the same round, then the median.
        bare = runs["bare Flask JSON route" + phase[phase.rindex(" ("):]]
        shares = [100 * r[0] / b[0] for r, b in zip(runs[phase], bare, strict=True) if b[0]]
        share = f"{statistics.median(shares):.1f} %" if shares else "-"
        errors = sum(r[3] for r in runs[phase])
        # The server side's CPU per request (workers + PostgreSQL backends), bare over phase.
        cpu_shares = [100 * b[4] / r[4] for r, b in zip(runs[phase], bare, strict=True) if r[4] and b[4]]
        cpu_share = f"{statistics.median(cpu_shares):.1f} %" if cpu_shares else "-"
        print(f"{phase:58} {rps:8.1f} {share:>7} {median(phase, 1):8.1f} {median(phase, 2):8.1f} "
              f"{errors:7d} {median(phase, 5):6.2f} {median(phase, 4):10.2f} {cpu_share:>9}")
        print(f"{'':58} per round: " + ", ".join(
            f"{r[0]:.1f} req/s" + (f" = {100 * r[0] / b[0]:.1f} %" if b[0] and r is not b else "")
            + f" (load {r[5]:.2f}, {r[4] or 0:.2f} CPU ms/req)" for r, b in zip(runs[phase], bare, strict=True)))
    print(f"\nqueries per list page (limit: [queries, items]): {queries}")
    print(f"load: {args.connections} connections ({', '.join(clients)}), {args.seconds} s per phase"
          f"{f' after {args.warmup} s unmeasured (wrk)' if args.warmup else ''}, {args.rounds} rounds "
          f"(phases alternate), gunicorn {args.gunicorn}; {os.cpu_count()} CPUs; shares: median over rounds "
          f"of the phase against the bare route of the same round; load = 1-minute load average after the phase; "
          f"CPU ms/req: CPU of the server's gunicorn workers and of the database's PostgreSQL backends per "
          f"2xx response (Redis and the client left out), CPU share: bare's over the phase's, median over rounds")


if __name__ == "__main__":
    main()
