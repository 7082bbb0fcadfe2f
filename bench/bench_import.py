"""Import speed, end to end: `python bench/bench_import.py [--rows 5000] [--runs 3] [--format csv|xlsx]
[--database rakor_bench_import] [--redis redis://127.0.0.1:6379/9] [--skip cli,queue,commitments,progress]
[--port N]` (gunicorn on N, and N+1 for the queued runs; default: free ports).

What it measures (issue 20, target 3: >= 2,000 rows/s for 5,000 participants on PostgreSQL):
its own PostgreSQL database (dropped and made again, migrated, the demo loaded), the app served
by gunicorn `-w 2` in production mode (bench/server.py), signed in as the committee over HTTP.
Each run imports the same generated file (--rows participants over South Kalimantan's 13
regency/city agencies) into a fresh meeting:

1. HTTP, in the request (IMPORT_QUEUE_THRESHOLD above --rows): POST the file (read + check +
   the preview page: the "dry run"), then POST the confirmation (check again + write + commit).
   rows/s = rows / (upload + confirm); also the confirmation alone and confirm / dry run.
2. HTTP through the worker (--skip queue to leave out): the same with the production threshold
   and one `flask documents worker` beside gunicorn; the time runs until the status JSON says
   done (the page's own polling, every 0.2 s here).
3. CLI: `flask participants import MEETING FILE --dry-run`, then without --dry-run (each a new
   process: the app's start-up is included and printed apart).
4. The commitment import (--rows commitments, one per line, status agreed) and the progress
   import (one update per commitment, Triwulan I 2024) into the same fresh meeting, over HTTP
   in the request as in 1 (the progress file is made from the commitments' export).

Medians of --runs; the load average (`uptime`) is printed beside every figure. The machine this
runs on may be shared: compare figures of one run only, and rerun on a quiet machine."""
import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import BIN, ROOT, Client, Deployment, Gunicorn, log

sys.path.insert(0, str(Path(__file__).parent))
from common import person  # noqa: E402

AGENCY_CODES = ["63.01", "63.02", "63.03", "63.04", "63.05", "63.06", "63.07", "63.08", "63.09", "63.10",
                "63.11", "63.71", "63.72"]


def load():
    return os.getloadavg()[0]


def csv_bytes(rows):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    return buf.getvalue().encode("utf-8")


def participants_file(rows, fmt="csv"):
    rnd = random.Random(7)
    header = ["No", "Nama", "NIP", "Jabatan", "Kode Wilayah", "No HP", "Email", "L/P"]
    data = []
    for i in range(rows):
        p = person(i, rnd)
        data.append([i + 1, p["name"], p["nip"], p["position"], AGENCY_CODES[i % len(AGENCY_CODES)],
                     p["phone"], p["email"], p["gender"]])
    if fmt == "xlsx":
        import io

        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(header)
        for row in data:
            ws.append(row)
            ws.cell(row=ws.max_row, column=3).number_format = "@"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    return csv_bytes([header, *data])


def commitments_file(rows):
    header = ["No", "Kode Wilayah", "Program/Kegiatan", "Uraian", "OPD Penanggung Jawab", "Anggaran (Rp)", "Status"]
    return csv_bytes([header] + [[i + 1, AGENCY_CODES[i % len(AGENCY_CODES)], f"Penurunan stunting terpadu tahap {i}",
                                  f"Rembuk stunting dan pendampingan keluarga berisiko, lokus desa ke-{i}",
                                  "Dinas Kesehatan", f"{100_000_000 + i * 1000}", "Disepakati"]
                                 for i in range(rows)])


def progress_file(references):
    header = ["Referensi", "Periode", "Status", "Persen Capaian", "Uraian Kemajuan", "Kendala"]
    return csv_bytes([header] + [[ref, "Triwulan I 2024", "Sesuai rencana", str(10 + i % 80),
                                  "Rapat koordinasi lintas OPD dan "
                                  "verifikasi data sasaran", "Keterlambatan pencairan anggaran"]
                                 for i, ref in enumerate(references)])


def new_meeting(deployment):
    """A fresh meeting (bench/common.new_meeting) in the benchmark's database; its id."""
    code = ("import sys; sys.path.insert(0, 'bench'); from wsgi import app\n"
            "from common import new_meeting\nfrom rakor.extensions import db\n"
            "with app.app_context():\n    m = new_meeting(); db.session.commit(); print(m.id)\n")
    out = subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=deployment.env, capture_output=True,
                         text=True, check=True).stdout
    return int(out.strip().splitlines()[-1])


def token_of(html):
    match = re.search(rb'name="token" type="hidden" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no staged token on the preview page:\n" + html.decode(errors="replace")[:3000])
    return match.group(1).decode()


def http_import(client, base_path, content, filename, confirm_fields=None):
    """(dry run s, confirm s, final location) of upload -> preview -> confirm at `base_path`."""
    token = client.csrf(base_path)
    start = time.perf_counter()
    status, _h, html = client.post_multipart(base_path, {"csrf_token": token},
                                             {"file": (filename, content, "text/csv")}, timeout=600)
    dry = time.perf_counter() - start
    if status != 200:
        raise RuntimeError(f"upload: HTTP {status}\n{html.decode(errors='replace')[:3000]}")
    staged = token_of(html)
    csrf = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()
    start = time.perf_counter()
    status, headers, body = client.post_form(base_path + "/confirm",
                                             {"csrf_token": csrf, "token": staged, **(confirm_fields or {})},
                                             timeout=600)
    confirm = time.perf_counter() - start
    if status != 302:
        raise RuntimeError(f"confirm: HTTP {status}\n{body.decode(errors='replace')[:3000]}")
    return dry, confirm, headers.get("location", "")


def wait_done(client, location, started):
    path = re.sub(r"^https?://[^/]+", "", location)
    while True:
        status, _h, body = client.get(path + ".json")
        if status != 200:
            raise RuntimeError(f"status: HTTP {status}")
        import json

        state = json.loads(body)
        if state["finished"]:
            if state["state"] != "done":
                raise RuntimeError(f"queued import ended {state['state']}: {client.get(path)[2][:2000]}")
            return time.perf_counter() - started
        time.sleep(0.2)


def fmt_run(rows, dry, confirm, load_avg):
    total = dry + confirm
    return (f"{rows / total:7.0f} rows/s end to end ({total:5.2f} s: dry run {dry:5.2f} s, confirm {confirm:5.2f} s, "
            f"{rows / confirm:6.0f} rows/s; confirm/dry run {confirm / dry:4.2f}) load {load_avg:.2f}")


def summary(label, rows, runs):
    dry = statistics.median(r[0] for r in runs)
    confirm = statistics.median(r[1] for r in runs)
    total = statistics.median(r[0] + r[1] for r in runs)
    loads = [r[2] for r in runs]
    print(f"{label}: median of {len(runs)}: {rows / total:.0f} rows/s end to end ({total:.2f} s), dry run "
          f"{dry:.2f} s, confirm {confirm:.2f} s ({rows / confirm:.0f} rows/s), confirm/dry run "
          f"{confirm / dry:.2f}; load average {min(loads):.2f}-{max(loads):.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--database", default="rakor_bench_import")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="its db is flushed")
    parser.add_argument("--skip", default="", help="comma-separated: cli, queue, commitments, progress")
    parser.add_argument("--port", type=int, default=None, help="gunicorn's port (N+1 for the queued runs)")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    content = participants_file(args.rows, args.format)
    filename = f"peserta.{args.format}"
    deployment = Deployment(args.database, redis_url=args.redis,
                            env={"MAX_IMPORT_ROWS": str(max(args.rows, 5000)), "IMPORT_QUEUE_THRESHOLD": "1000000",
                                 "LOGIN_RATE_LIMIT": "10000 per minute", "PROXY_HOPS": "0",
                                 "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1")})
    log(f"database {args.database}: migrate and load the demo")
    deployment.create()
    print(f"{args.rows} participants ({args.format}, {len(content) // 1024} KiB), PostgreSQL, gunicorn -w 2, "
          f"{args.runs} runs; load average at start {load():.2f}", flush=True)
    results = {}
    with Gunicorn(deployment, args="-w 2 --timeout 600", port=args.port) as server:
        client = Client(server.base).login()
        runs = []
        for i in range(args.runs):
            meeting = new_meeting(deployment)
            dry, confirm, _loc = http_import(client, f"/meetings/{meeting}/participants/import", content, filename)
            runs.append((dry, confirm, load()))
            print(f"  participants HTTP run {i + 1}: {fmt_run(args.rows, *runs[-1])}", flush=True)
        results["participants_http"] = runs
        summary("participants, HTTP in the request", args.rows, runs)

        if "commitments" not in skip or "progress" not in skip:
            c_runs, p_runs = [], []
            for i in range(args.runs):
                meeting = new_meeting(deployment)
                http_import(client, f"/meetings/{meeting}/participants/import", content, filename)
                if "commitments" in skip:
                    break
                dry, confirm, _loc = http_import(client, f"/meetings/{meeting}/commitments/import",
                                                 commitments_file(args.rows), "kesepakatan.csv")
                c_runs.append((dry, confirm, load()))
                print(f"  commitments HTTP run {i + 1}: {fmt_run(args.rows, *c_runs[-1])}", flush=True)
                if "progress" in skip:
                    continue
                references = deployment.sql(f"SELECT reference FROM commitment WHERE meeting_id = {meeting} "
                                            "ORDER BY id").split()
                dry, confirm, _loc = http_import(client, "/progress/import", progress_file(references),
                                                 "kemajuan.csv", {"import": "1"})
                p_runs.append((dry, confirm, load()))
                print(f"  progress HTTP run {i + 1}: {fmt_run(len(references), *p_runs[-1])}", flush=True)
            if c_runs:
                summary("commitments, HTTP in the request", args.rows, c_runs)
            if p_runs:
                summary("progress updates, HTTP in the request", args.rows, p_runs)

    if "queue" not in skip:
        deployment.env["IMPORT_QUEUE_THRESHOLD"] = "1000"
        worker = subprocess.Popen([str(BIN / "flask"), "documents", "worker"], cwd=ROOT, env=deployment.env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            with Gunicorn(deployment, args="-w 2 --timeout 600",
                          port=args.port and args.port + 1) as server:
                client = Client(server.base).login()
                runs = []
                for i in range(args.runs):
                    meeting = new_meeting(deployment)
                    token = client.csrf(f"/meetings/{meeting}/participants/import")
                    started = time.perf_counter()
                    dry, request_s, location = http_import(client, f"/meetings/{meeting}/participants/import",
                                                           content, filename)
                    if "/progress/" not in location:
                        raise RuntimeError(f"not queued: {location}")
                    total = wait_done(client, location, started)
                    runs.append((dry, total - dry, load()))
                    print(f"  participants through the worker run {i + 1}: {fmt_run(args.rows, *runs[-1])}; "
                          f"the confirmation request itself {request_s * 1000:.0f} ms", flush=True)
                    del token
                summary("participants, HTTP through the worker (confirm = until done)", args.rows, runs)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    if "cli" not in skip:
        with tempfile.NamedTemporaryFile(suffix=f".{args.format}") as f:
            f.write(content)
            f.flush()
            start = time.perf_counter()
            deployment.flask("--help")
            startup = time.perf_counter() - start
            runs = []
            for i in range(args.runs):
                meeting = new_meeting(deployment)
                start = time.perf_counter()
                deployment.flask("participants", "import", str(meeting), f.name, "--dry-run")
                dry = time.perf_counter() - start
                start = time.perf_counter()
                deployment.flask("participants", "import", str(meeting), f.name)
                confirm = time.perf_counter() - start
                runs.append((dry, confirm, load()))
                print(f"  participants CLI run {i + 1}: {fmt_run(args.rows, *runs[-1])}", flush=True)
            summary(f"participants, CLI (each command includes the app's start-up, {startup:.2f} s for "
                    "`flask --help`)", args.rows, runs)
    deployment.drop()


if __name__ == "__main__":
    main()
