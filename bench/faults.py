"""Fault runs against a production-like Rakor (gunicorn + PostgreSQL + Redis), with a verdict
per scenario:

    python bench/faults.py [--only import,registration,postgres,disk] [--gunicorn "-c bench/gunicorn_conf.py"]

  import        SIGKILL every gunicorn worker while the confirm step of a 1000-row participant
                import is writing rows; then: no row of it exists (all or nothing), and the same
                confirmation afterwards imports all 1000.
  registration  8 committee clients register participants (3 seats per agency, no override)
                for 30 s while one gunicorn worker is SIGKILLed every 0.5-1.5 s; then: no agency has more
                registered participants than seats, and every answer that arrived is a normal
                page or a clear error page.
  postgres      restart PostgreSQL (pg_ctlcluster --skip-systemctl-redirect) while 8 signed-in
                clients read the meeting page; every answer is read: during the restart only
                pages or clear error pages, after it every page answers 200 again.
  disk          UPLOAD_DIR on a 2 MB tmpfs; upload 300 KB materials until the disk is full, then
                an import preview (3000 rows) on the full disk; then: every file has its record and every record its file,
                no temporary file is left, and a full disk gives a clear message (not a 500).

A clear error page is Rakor's own error template in the user's language, never a traceback and
never a bare "Internal Server Error". The database lives in its own PostgreSQL cluster so that a
restart does not disturb other users of the machine: --pg-cluster 15/rakorbench on --pg-port
5439, created (trust for 127.0.0.1) when missing. Needs root for the tmpfs mount and pg_ctlcluster.
Exit status 1 when a scenario fails.
"""
import argparse
import csv
import http.client
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import person  # noqa: E402  (pure data helper; no app import)
from server import Client, Deployment, Gunicorn, log  # noqa: E402

ERROR_PAGE_MARKER = b'class="display-5 text-muted"'
VERDICTS = []


def verdict(name, ok, details):
    VERDICTS.append((name, ok, details))
    log(f"{name}: {'PASS' if ok else 'FAIL'}: {details}")


def classify(status, body):
    """'ok' for a normal page or redirect, 'clear' for Rakor's error page, else what it was."""
    if b"Traceback" in body or b"werkzeug.debug" in body:
        return "traceback"
    if status in (200, 302, 303):
        return "ok"
    if ERROR_PAGE_MARKER in body and status != 500:
        return "clear"
    if ERROR_PAGE_MARKER in body:
        return "generic-500"
    return f"bare-{status}"


# --- PostgreSQL cluster ---------------------------------------------------------------------

def ensure_cluster(cluster, port):
    version, name = cluster.split("/")
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    if not any(line.split()[:2] == [version, name] for line in listed.splitlines()):
        log(f"creating PostgreSQL cluster {cluster} on port {port}")
        subprocess.run(["pg_createcluster", version, name, "-p", str(port)], check=True, capture_output=True)
        Path(f"/etc/postgresql/{version}/{name}/pg_hba.conf").write_text(
            "local all postgres peer\nhost all all 127.0.0.1/32 trust\n")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"],
                   capture_output=True)


def restart_cluster(cluster):
    version, name = cluster.split("/")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
                   check=True, capture_output=True)


# --- data -----------------------------------------------------------------------------------

def create_meeting(deployment, title, quota=None):
    args = ["meetings", "create", "--title", title, "--start", "2030-03-05 08:00",
            "--end", "2030-03-05 16:00", "--venue", "Aula Bappeda"]
    if quota:
        args += ["--quota-per-agency", str(quota)]
    return int(deployment.flask(*args).strip().splitlines()[-1])


def regency_agencies(deployment):
    """(id, name) of the 13 regency/city planning agencies of South Kalimantan."""
    rows = deployment.sql("SELECT a.id || '|' || a.name FROM agency a JOIN region r ON r.id = a.region_id "
                          "WHERE a.is_planning_agency AND r.kemendagri_code LIKE '63.%' ORDER BY a.id")
    return [(int(i), n) for i, n in (line.split("|", 1) for line in rows.splitlines())]


def import_csv(agencies, rows, seed=11):
    rnd = random.Random(seed)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["No", "Nama", "NIP", "Jabatan", "Instansi", "No HP", "Email", "L/P"])
    for i in range(rows):
        p = person(i, rnd)
        writer.writerow([i + 1, p["name"], p["nip"], p["position"], agencies[i % len(agencies)][1],
                         p["phone"], f"import{seed}.{i}@example.go.id", p["gender"]])
    return buf.getvalue().encode("utf-8")


def hidden(content, name):
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"'.encode(), content) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"'.encode(), content)
    return match.group(1).decode() if match else None


def kill_workers(server, sig=9):
    pids = server.worker_pids()
    for pid in pids:
        subprocess.run(["kill", f"-{sig}", str(pid)], capture_output=True)
    return pids


def wait_for_workers(server, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(server.worker_pids()) >= count:
            try:
                Client(server.base).get("/login", timeout=10)
                return True
            except OSError:
                pass
        time.sleep(0.3)
    return False


# --- scenarios ------------------------------------------------------------------------------

def scenario_import(deployment, server, workers, rows=1000):
    meeting_id = create_meeting(deployment, "Uji gangguan: impor peserta")
    client = Client(server.base).login()
    path = f"/meetings/{meeting_id}/participants/import"
    token = client.csrf(path)
    content = import_csv(regency_agencies(deployment), rows)
    status, _h, body = client.post_multipart(path, {"csrf_token": token},
                                             {"file": ("peserta.csv", content, "text/csv")}, timeout=300)
    upload_token, csrf = hidden(body, "token"), hidden(body, "csrf_token")
    if status != 200 or not upload_token:
        return verdict("import: kill a worker mid-import", False, f"the preview failed (HTTP {status})")
    outcome = {}

    def confirm():
        try:
            outcome["answer"] = client.post_form(f"{path}/confirm", {"csrf_token": csrf, "token": upload_token},
                                                 timeout=300)[0]
        except (OSError, http.client.HTTPException) as e:
            outcome["answer"] = f"connection lost ({type(e).__name__})"

    thread = threading.Thread(target=confirm)
    thread.start()
    # Wait until the import is writing: a backend of our database inserting participants.
    deadline, writing = time.monotonic() + 120, False
    while time.monotonic() < deadline and thread.is_alive():
        active = deployment.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND query ILIKE 'INSERT INTO participant%' AND xact_start IS NOT NULL")
        if active != "0":
            writing = True
            break
        time.sleep(0.02)
    killed = kill_workers(server) if writing else []
    thread.join(timeout=300)
    wait_for_workers(server, workers)
    time.sleep(1)  # PostgreSQL notices the closed connections and rolls their transactions back
    after_kill = int(deployment.sql(f"SELECT count(*) FROM participant WHERE meeting_id = {meeting_id}"))
    # The user repeats the confirmation (the browser's "resend"); the stored upload is still there.
    client = Client(server.base).login()
    status, _h, body = client.post_form(f"{path}/confirm", {"csrf_token": client.csrf(path), "token": upload_token},
                                        timeout=600)
    after_retry = int(deployment.sql(f"SELECT count(*) FROM participant WHERE meeting_id = {meeting_id}"))
    ok = writing and after_kill == 0 and after_retry == rows and status in (302, 303)
    verdict("import: kill a worker mid-import", ok,
            f"killed workers {killed} while the import was {'writing' if writing else 'NOT yet writing'}; "
            f"client saw: {outcome.get('answer')}; rows after the kill: {after_kill} (all or nothing: "
            f"0 or {rows}); the repeated confirmation answered HTTP {status} and left {after_retry} rows")


def scenario_registration(deployment, server, workers, seconds=30, clients=8, seats=3):
    meeting_id = create_meeting(deployment, "Uji gangguan: pendaftaran", quota=seats)
    agencies = regency_agencies(deployment)
    path = f"/meetings/{meeting_id}/participants/new"
    answers, lock, stop = {}, threading.Lock(), threading.Event()

    def register(worker_no):
        rnd = random.Random(worker_no)
        client, n = None, 0
        while not stop.is_set():
            try:
                if client is None:
                    client = Client(server.base).login()
                token = client.csrf(path)
                p = person(worker_no * 1000 + n, rnd)
                agency_id = agencies[rnd.randrange(len(agencies))][0]
                status, _h, body = client.post_form(path, {
                    "csrf_token": token, "name": p["name"], "nip": p["nip"], "position": p["position"],
                    "phone": p["phone"], "email": f"reg{worker_no}.{n}@example.go.id", "gender": p["gender"],
                    "agency_id": agency_id, "meeting_role": "peserta"}, timeout=60)
                kind = classify(status, body)
            except (OSError, RuntimeError, http.client.HTTPException) as e:
                kind, client = f"connection lost ({type(e).__name__})", None
            n += 1
            with lock:
                answers[kind] = answers.get(kind, 0) + 1

    threads = [threading.Thread(target=register, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    # One worker at a time, and only when all are up, so that registrations keep succeeding
    # between the kills (a worker takes seconds to boot on a busy machine).
    kills, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(random.uniform(0.5, 1.5))
        pids = server.worker_pids()
        if len(pids) >= workers:
            subprocess.run(["kill", "-9", str(random.choice(pids))], capture_output=True)
            kills += 1
    stop.set()
    for t in threads:
        t.join(timeout=120)
    wait_for_workers(server, workers)
    time.sleep(1)
    over = deployment.sql(
        "SELECT q.agency_id || ':' || count(p.id) || '/' || q.seats FROM seat_quota q "
        "LEFT JOIN participant p ON p.meeting_id = q.meeting_id AND p.agency_id = q.agency_id "
        f"AND p.status = 'registered' WHERE q.meeting_id = {meeting_id} "
        "GROUP BY q.agency_id, q.seats HAVING count(p.id) > q.seats")
    total = deployment.sql(f"SELECT count(*) FROM participant WHERE meeting_id = {meeting_id}")
    unclear = {k: v for k, v in answers.items() if k not in ("ok", "clear") and not k.startswith("connection lost")}
    ok = not over and not unclear and kills > 0 and int(total) > 0
    verdict("registration: kill workers mid-registration", ok,
            f"{kills} workers killed in {seconds} s; answers {answers}; {total} participants registered "
            f"for {len(agencies)} agencies x {seats} seats; agencies over their seats: {over or 'none'}")


def scenario_postgres(deployment, server, meeting_id, cluster, seconds=30, restart_at=8, clients=8):
    """Every answer is read (not only counted, as wrk would): `clients` signed-in readers of the
    meeting page, and PostgreSQL restarted `restart_at` s into the run."""
    page = f"/meetings/{meeting_id}"
    timeline, lock, stop = [], threading.Lock(), threading.Event()
    samples = {}

    def reader():
        client = Client(server.base).login()
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, _h, body = client.get(page, timeout=30)
                kind = classify(status, body)
                if kind != "ok":
                    samples.setdefault(kind, body[:3000])
            except (OSError, http.client.HTTPException) as e:
                kind = f"connection lost ({type(e).__name__})"
            with lock:
                timeline.append((started, kind))

    threads = [threading.Thread(target=reader) for _ in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(restart_at)
    restart_started = time.monotonic()
    restart_cluster(cluster)
    restart_done = time.monotonic()
    time.sleep(max(0, seconds - (restart_done - start)))
    stop.set()
    for t in threads:
        t.join(timeout=60)
    before = [k for t, k in timeline if t < restart_started - 1]
    during = [k for t, k in timeline if restart_started - 1 <= t <= restart_done + 2]
    after = [k for t, k in timeline if t > restart_done + 2]

    def count(kinds):
        out = {}
        for kind in kinds:
            out[kind] = out.get(kind, 0) + 1
        return out

    bad = [k for k in during if k not in ("ok", "clear")]
    ok = not bad and bool(after) and set(after) == {"ok"}
    for kind, body in samples.items():
        title = re.search(rb"<h1[^>]*>([^<]*)</h1>", body)
        log(f"  sample answer '{kind}': {title.group(1).decode(errors='replace') if title else body[:200]!r}")
    verdict("postgres: restart during load", ok,
            f"{clients} readers; restart took {restart_done - restart_started:.1f} s at t={restart_started - start:.0f} s; "
            f"answers before {count(before)}, during the restart (+-2 s) {count(during)}, after {count(after)}")


def tiny_pdf(size):
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%" + b"x" * max(0, size - 60) + b"\n%%EOF\n"
    return body


def scenario_disk(deployment, gunicorn_args, meeting_id, size_mb=2):
    mount = Path(tempfile.mkdtemp(prefix="rakor-bench-tmpfs-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)], check=True)
    server = None
    try:
        disk_deployment = Deployment(deployment.database, port=deployment.port, upload_dir=str(mount),
                                     env={"SECRET_KEY": deployment.env["SECRET_KEY"]})
        server = Gunicorn(disk_deployment, "wsgi:app", gunicorn_args).start()
        client = Client(server.base).login()
        path = f"/meetings/{meeting_id}/materials/new"
        answers = []
        for i in range(12):
            token = client.csrf(path)
            status, headers, body = client.post_multipart(
                path, {"csrf_token": token, "title": f"Bahan {i + 1}", "agenda_item_id": ""},
                {"file": (f"bahan-{i + 1}.pdf", tiny_pdf(300 * 1024), "application/pdf")})
            kind = classify(status, body)
            stored = status in (302, 303)
            answers.append(kind if stored else f"{kind}:{status}")
            if not stored and kind == "ok":
                message = re.search(rb'class="invalid-feedback[^"]*"[^>]*>([^<]+)', body)
                answers[-1] = "form error: " + (message.group(1).decode().strip() if message else "?")
        # An import preview stores the upload under UPLOAD_DIR too (a meeting without quotas,
        # so that every row is valid and the preview does store the file).
        imp = f"/meetings/{create_meeting(deployment, 'Uji gangguan: disk penuh')}/participants/import"
        status, _h, body = client.post_multipart(
            imp, {"csrf_token": client.csrf(imp)},
            {"file": ("peserta.csv", import_csv(regency_agencies(deployment), 3000, seed=5), "text/csv")})
        import_answer = f"{classify(status, body)}:{status}" + (" (stored for confirmation)" if hidden(body, "token") else "")
        files = {p.name for p in (mount / "materials").iterdir()} if (mount / "materials").exists() else set()
        temporary = {n for n in files if n.startswith(".upload-")}
        records = set(filter(None, deployment.sql(
            f"SELECT stored_name FROM material WHERE meeting_id = {meeting_id}").splitlines()))
        imports_left = sorted(p.name for p in (mount / "imports").iterdir()) if (mount / "imports").exists() else []
        usage = shutil.disk_usage(mount)
    finally:
        if server:
            server.stop()
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()
    full = [a for a in answers if not a.startswith("ok")]
    unclear = [a for a in answers + [import_answer] if not (a.startswith(("ok", "clear", "form error")))]
    consistent = files - temporary == records and not temporary
    ok = consistent and not unclear and bool(full)
    verdict("disk: fill the upload disk", ok,
            f"answers to 12 uploads of 300 KB: {answers}; import preview on the full disk: {import_answer}; "
            f"{len(records)} records, {len(files - temporary)} files, {len(temporary)} temporary files left; "
            f"records without a file: {sorted(records - files) or 'none'}; files without a record: "
            f"{sorted(files - temporary - records) or 'none'}; disk {usage.used // 1024} of {usage.total // 1024} KiB used; "
            f"left in imports/ (previews waiting for confirmation; purged after a day): {imports_left or 'none'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="import,registration,postgres,disk")
    parser.add_argument("--gunicorn", default="-c bench/gunicorn_conf.py")
    parser.add_argument("--pg-cluster", default="15/rakorbench")
    parser.add_argument("--pg-port", type=int, default=5439)
    parser.add_argument("--database", default="rakor_bench_faults")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    ensure_cluster(args.pg_cluster, args.pg_port)
    deployment = Deployment(args.database, port=args.pg_port)
    log(f"database {args.database} on port {args.pg_port}: create, migrate, load the demo")
    meeting_id = deployment.create()
    server = Gunicorn(deployment, "wsgi:app", args.gunicorn)
    try:
        server.start()
        workers = len(server.worker_pids())
        log(f"gunicorn {args.gunicorn!r} with {workers} workers on {server.base} (log {server.log_path})")
        if "import" in only:
            scenario_import(deployment, server, workers)
        if "registration" in only:
            scenario_registration(deployment, server, workers)
        if "postgres" in only:
            scenario_postgres(deployment, server, meeting_id, args.pg_cluster)
        if "disk" in only:
            server.stop()
            scenario_disk(deployment, args.gunicorn, meeting_id)
    finally:
        server.stop()
        if not args.keep_database:
            deployment.drop()
        shutil.rmtree(deployment.upload_dir, ignore_errors=True)
    print("\nFault runs, " + time.strftime("%Y-%m-%d %H:%M") + f", gunicorn {args.gunicorn!r}")
    for name, ok, details in VERDICTS:
        print(f"{'PASS' if ok else 'FAIL'}  {name}\n      {details}")
    print("JSON " + json.dumps([{"scenario": n, "pass": ok, "details": d} for n, ok, d in VERDICTS]))
    return 0 if all(ok for _n, ok, _d in VERDICTS) else 1


if __name__ == "__main__":
    sys.exit(main())
