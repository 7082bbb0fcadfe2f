"""The cluster test (issue 22, item 4): two app "hosts", one document worker, SeaweedFS S3 and nginx
in front, on this machine, with the shared PostgreSQL and Redis.

    .venv/bin/python bench/cluster/run.py [--failover-seconds 120] [--connections 50]
        [--bench-seconds 20 --bench-rounds 2] [--port-base 8500] [--redis-url redis://127.0.0.1:6379/9]
        [--db rakor_cluster] [--storage auto|s3|disk] [--keep]

What runs:
  host A, host B  gunicorn -c deploy/gunicorn.conf.py, each in a working folder of its own
                  (its own UPLOAD_DIR and Prometheus folder: no shared disk), production mode
  worker          flask documents worker (its own folder; metrics on a port)
  SeaweedFS       `weed server -s3` (tests/seaweedfs.py) when it can start: STORAGE_BACKEND=s3;
                  else the hosts keep files on their own disks, and the steps that need a shared
                  store say so (FAIL, with the reason)
  nginx           deploy/nginx/rakor.conf as it ships (TLS with a certificate made here, the
                  upstream over both hosts), plus a second listener whose upstream is host B alone
                  (the 1-host figure of the same run)

The scripted day (each step PASS/FAIL): a material uploaded through A is downloaded through B
(same SHA-256); a delegate submits a commitment on A and the committee agrees it on B; the minutes
are finalised on A and verified on B (/v/<code> and the PDF's SHA-256); a 1,000-row attendance
sheet is asked for on A, rendered by the worker, downloaded through B; the meeting page kept in
the page cache on A shows a change made on B.

Then the figures: requests/s of the signed-in meeting page through nginx with 2 hosts and with 1
(alternated, `--bench-rounds` each, medians), and the failover: `--connections` wrk connections
on the meeting page through nginx for `--failover-seconds`, plus writer threads uploading
materials through nginx; host A is SIGKILLed (master and workers) a third of the way in. Reported:
wrk's errors (target 0: every GET that failed on A is retried on B by nginx), the writers'
answers (a POST in flight on A may fail with 502: nginx never retries a non-idempotent request),
p99; then the consistency checks: every row naming an object (materials, final minutes, berita
acara, monitoring reports) has it with the row's SHA-256 and every object a row (orphans named),
no agency over its seats, no final minutes version without its PDF. Everything started is stopped at the end (--keep leaves the database and folders).
Exit status 1 when a step or check fails.
"""
import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import server  # noqa: E402
from faults import create_meeting, import_csv, regency_agencies  # noqa: E402
from server import BIN, Client, Deployment, log  # noqa: E402

DELEGATE_EMAIL = "delegasi.kotabaru@demo.rakor.id"
LUA = ROOT / "bench" / "wrk_report.lua"
VERDICTS = []
_UNVERIFIED = ssl._create_unverified_context()  # noqa: S323 - our own self-signed certificate


def verdict(name, ok, details):
    VERDICTS.append((name, ok, details))
    log(f"{name}: {'PASS' if ok else 'FAIL'}: {details}")


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- HTTP: server.Client over https too, with the headers nginx would add on direct host calls ---

def _request(method, url, body=None, headers=None, timeout=30):
    import http.client

    scheme, rest = url.split("://", 1)
    hostport, _sep, path = rest.partition("/")
    host, _c, port = hostport.partition(":")
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, int(port or 443), timeout=timeout, context=_UNVERIFIED)
    else:
        conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        conn.request(method, "/" + path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


server.request = _request  # Client.send looks it up in its module


class HostClient(Client):
    """A signed-in browser that may talk to host A, host B or nginx: the session cookie is signed
    with the key every host shares. Direct calls carry what nginx would add."""

    def __init__(self, base, public_host):
        super().__init__(base)
        self.public_host = public_host

    def via(self, base):
        self.base = base
        return self

    def send(self, method, path, body=None, headers=None, timeout=60):
        headers = dict(headers or {})
        # Flask-WTF checks the Referer of an https POST (WTF_CSRF_SSL_STRICT), as browsers send it.
        headers.setdefault("Referer", f"https://{self.public_host}{path}")
        if self.base.startswith("http://"):
            headers.setdefault("X-Forwarded-Proto", "https")
            headers.setdefault("X-Forwarded-For", "127.0.0.1")
            headers.setdefault("X-Forwarded-Host", self.public_host)
        return super().send(method, path, body, headers, timeout)


class Form(HTMLParser):
    """The fields of the first <form> whose action ends with `action` (defaults as rendered)."""

    def __init__(self, html, action, page=""):
        super().__init__()
        self.page = page
        self.action, self.fields, self.inside, self.found, self._select = action, {}, False, None, None
        self._textarea = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        target = a.get("action") or self.page  # no action: the form posts to its page
        if tag == "form" and self.found is None and target.split("?")[0].endswith(self.action):
            self.inside, self.found = True, target
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in a):
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.fields[name] = ""
            self._textarea = name

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None


def form_of(client, page, action):
    status, _h, body = client.get(page)
    form = Form(body.decode("utf-8", "replace"), action, page)
    if status != 200 or form.found is None:
        raise RuntimeError(f"no form {action!r} on {page} (HTTP {status} via {client.base})")
    return form.found, form.fields


# --- processes -------------------------------------------------------------------------------

class Process:
    def __init__(self, name, cmd, cwd, env, log_path):
        self.name, self.cmd, self.cwd, self.env, self.log_path = name, cmd, cwd, env, log_path
        self.proc = None

    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill_group(self, sig):
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout=30):
        if self.alive():
            self.kill_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill_group(signal.SIGKILL)
                self.proc.wait()
        elif self.proc is not None:
            self.kill_group(signal.SIGKILL)  # workers left behind by a SIGKILLed master
        if getattr(self, "_log", None):
            self._log.close()

    def tail(self, lines=30):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_for(url, proc, timeout=240, expect=200):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited; log {proc.log_path}:\n{proc.tail()}")
        try:
            status, _h, body = _request("GET", url, timeout=10)
            if status == expect:
                return body
            last = f"HTTP {status}: {body[:200]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer {expect} within {timeout} s ({last})")


def host_env(base_env, folder, port, workers):
    (folder / "uploads").mkdir(parents=True, exist_ok=True)
    metrics_dir = folder / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir()
    return {**base_env, "UPLOAD_DIR": str(folder / "uploads"), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
            "FORWARDED_ALLOW_IPS": "127.0.0.1", "PYTHONPATH": str(ROOT)}


def start_host(name, base_env, folder, port, workers):
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--pythonpath", str(ROOT),
           "--no-control-socket", "wsgi:app"]
    proc = Process(name, cmd, folder, host_env(base_env, folder, port, workers), folder / "gunicorn.log").start()
    wait_for(f"http://127.0.0.1:{port}/readyz", proc)
    return proc


def gunicorn_pids(proc):
    out = subprocess.run(["pgrep", "-P", str(proc.proc.pid)], capture_output=True, text=True).stdout
    return [proc.proc.pid, *(int(p) for p in out.split())]


# --- nginx: deploy/nginx/rakor.conf as it ships, pointed at this machine's ports -------------------

def nginx_conf(folder, port_https, port_one, port_http, host_ports, one_port):
    site = (ROOT / "deploy" / "nginx" / "rakor.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;" for p in host_ports)
    site = site.replace("    include /etc/nginx/rakor-upstream.conf;\n", servers + "\n")
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port_http};")
    site = site.replace("server_name rakor.bappeda.kalselprov.go.id;", "server_name 127.0.0.1 localhost;")
    site = site.replace("/etc/ssl/rakor/", f"{folder}/")
    site = site.replace("/var/log/nginx/", f"{folder}/")
    site = site.replace("root /var/www/letsencrypt;", f"root {folder}/acme;")
    # Here the site is on a port other than 443: the Host the browser sends carries it, and
    # Flask-WTF compares the Referer of an https POST with it. (On 443, `$host` is that Host.)
    site = site.replace("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
    site = site.replace("proxy_set_header X-Forwarded-Host $host;", "proxy_set_header X-Forwarded-Host $http_host;")
    start = site.index("server {\n    listen 443")
    tls_server = site[start:]
    site = site[:start] + tls_server.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port_https} ssl http2;")
    one = tls_server.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port_one} ssl http2;")
    one = one.replace("http://rakor_web", "http://rakor_one").replace("rakor.access.log", "rakor-one.access.log")
    one = one.replace("ssl_session_cache shared:rakor_tls:10m;", "ssl_session_cache shared:rakor_tls_one:10m;")
    site += ("\n# The same site over host B alone: the 1-host figure of the same run.\n"
             f"upstream rakor_one {{\n    server 127.0.0.1:{one_port} max_fails=2 fail_timeout=10s;\n"
             "    keepalive 32;\n}\n\n" + one)
    return f"""# Generated by bench/cluster/run.py from deploy/nginx/rakor.conf
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
{site}
}}
"""


def start_nginx(folder, **ports):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    (folder / "acme").mkdir(exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(folder / "privkey.pem"),
                    "-out", str(folder / "fullchain.pem")], check=True, capture_output=True)
    os.chmod(folder, 0o755)
    os.chmod(folder / "tmp", 0o777)
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(folder, **ports))
    test = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(folder)], capture_output=True, text=True)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t refused {conf}:\n{test.stderr}")
    proc = Process("nginx", ["nginx", "-c", str(conf), "-p", str(folder), "-g", "daemon off;"], folder, os.environ,
                   folder / "nginx.out").start()
    wait_for(f"https://127.0.0.1:{ports['port_https']}/healthz", proc, timeout=30)
    return proc


# --- the object store ------------------------------------------------------------------------

def start_object_store(folder, port_base, mode):
    """(env for the hosts, a stopper, a description). S3 via tests/seaweedfs.py when available."""
    if mode == "disk":
        return {"STORAGE_BACKEND": "disk"}, (lambda: None), "disk (each host its own UPLOAD_DIR)"
    try:
        from tests.seaweedfs import start_seaweedfs
    except ImportError as error:
        if mode == "s3":
            raise
        return ({"STORAGE_BACKEND": "disk"}, (lambda: None),
                f"disk (each host its own UPLOAD_DIR): no tests/seaweedfs.py in this build ({error})")
    try:
        store = start_seaweedfs(folder, port_base)
    except Exception as error:  # noqa: BLE001 - SeaweedFSUnavailableError: say so, go on with disk
        if mode == "s3":
            raise
        return ({"STORAGE_BACKEND": "disk"}, (lambda: None),
                f"disk (each host its own UPLOAD_DIR): SeaweedFS did not start ({error})")
    env = {"S3_ENDPOINT_URL": store.endpoint_url, "S3_BUCKET": store.bucket, "S3_ACCESS_KEY_ID": store.access_key,
           "S3_SECRET_ACCESS_KEY": store.secret_key, "S3_REGION": store.region}
    return {"STORAGE_BACKEND": "s3", **env}, store.stop, f"s3 (SeaweedFS, {store.endpoint_url}, bucket {store.bucket})"


# --- the scripted day ------------------------------------------------------------------------

def random_pdf(size, seed):
    filler = hashlib.sha256(seed.encode()).hexdigest().encode() * (size // 64 + 1)
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%" + filler[:size] + b"\n%%EOF\n"


def upload_material(client, meeting_id, title, content):
    page = f"/meetings/{meeting_id}/materials/new"
    token = client.csrf(page)
    status, headers, body = client.post_multipart(
        page, {"csrf_token": token, "title": title, "agenda_item_id": ""},
        {"file": (re.sub(r"\W+", "-", title) + ".pdf", content, "application/pdf")})
    return status, headers, body


def step_material(deployment, a, b, committee, delegate, meeting_id):
    content = random_pdf(200 * 1024, secrets.token_hex(8))
    title = "Bahan klaster " + secrets.token_hex(4)
    status, _h, _b = upload_material(committee.via(a), meeting_id, title, content)
    row = deployment.sql(f"SELECT id || '|' || sha256 FROM material WHERE title = '{title}'")
    if status not in (302, 303) or not row:
        return verdict("day: material uploaded on A, downloaded on B", False, f"upload answered {status}, row {row!r}")
    material_id, sha = row.split("|")
    got, headers, body = delegate.via(b).get(f"/meetings/{meeting_id}/materials/{material_id}")
    same = got == 200 and hashlib.sha256(body).hexdigest() == sha == hashlib.sha256(content).hexdigest()
    verdict("day: material uploaded on A, downloaded on B", same,
            f"upload {status}; delegate's download on B: HTTP {got}, {len(body)} bytes, "
            f"SHA-256 {'equal' if same else 'differs'} ({headers.get('content-type')})")


def step_commitment(deployment, a, b, committee, delegate, meeting_id):
    title = "Komitmen klaster " + secrets.token_hex(4)
    action, fields = form_of(delegate.via(a), f"/meetings/{meeting_id}/commitments/new", "/commitments/new")
    fields.update(title=title, submit_now="1")
    fields.pop("save", None)
    status, _h, body = delegate.post_form(action, fields)
    row = deployment.sql(f"SELECT id || '|' || status FROM commitment WHERE title = '{title}'")
    if status not in (302, 303) or not row:
        errors = re.findall(rb'invalid-feedback[^>]*>([^<]+)', body)[:3]
        return verdict("day: commitment submitted on A, agreed on B", False,
                       f"submit on A answered {status}, row {row!r}, form errors {errors}")
    commitment_id, submitted = row.split("|")
    action, fields = form_of(committee.via(b), f"/meetings/{meeting_id}/commitments/{commitment_id}",
                             f"/commitments/{commitment_id}/agree")
    status2, _h, _b = committee.post_form(action, fields)
    final = deployment.sql(f"SELECT status FROM commitment WHERE id = {commitment_id}")
    verdict("day: commitment submitted on A, agreed on B", status2 in (302, 303) and final == "agreed",
            f"status after A: {submitted}; agree on B answered {status2}; status now {final}")


def step_minutes(deployment, a, b, committee, meeting_id):
    """The seed meeting's minutes are final already (version 1): a changed draft on A, finalised on
    A as the next version, verified on B."""
    action, fields = form_of(committee.via(a), f"/meetings/{meeting_id}/minutes/edit", "/minutes/edit")
    changed = next((name for name, value in fields.items() if value.strip() and name not in
                    ("csrf_token", "expected_revision_id", "reason")), None)
    if changed is None:
        raise RuntimeError(f"no filled section in the minutes form: {sorted(fields)}")
    fields[changed] += "\n\nCatatan uji klaster " + secrets.token_hex(4) + "."
    fields["reason"] = "Uji klaster: versi berikutnya"
    saved, _h, body = committee.post_form(action, fields)
    if saved not in (302, 303):
        errors = re.findall(rb'invalid-feedback[^>]*>([^<]+)', body)[:3]
        raise RuntimeError(f"saving the minutes draft on A answered {saved} {errors}")
    action, fields = form_of(committee, f"/meetings/{meeting_id}/minutes", "/minutes/finalise")
    status, _h, _b = committee.post_form(action, fields)
    of_meeting = f"JOIN minutes m ON m.id = r.minutes_id WHERE m.meeting_id = {meeting_id}"
    deadline, row = time.monotonic() + 300, ""
    while time.monotonic() < deadline:  # a big meeting's final PDF is rendered by the worker
        row = deployment.sql(
            "SELECT r.verification_code || '|' || coalesce(p.sha256, '') FROM minutes_revision r "
            f"LEFT JOIN minutes_pdf p ON p.revision_id = r.id {of_meeting} AND r.status = 'final' "
            "ORDER BY r.version DESC LIMIT 1")
        if status not in (302, 303) or not row.endswith("|"):
            break
        time.sleep(2)
    versions = deployment.sql(f"SELECT count(*) FROM minutes_revision r {of_meeting} AND r.status = 'final'")
    if status not in (302, 303) or not row:
        return verdict("day: minutes finalised on A, verified on B", False, f"finalise answered {status}; row {row!r}")
    code, sha = row.split("|")
    if not sha:
        return verdict("day: minutes finalised on A, verified on B", False, f"version final but no PDF after 300 s ({code})")
    vstatus, _h, vbody = committee.via(b).get(f"/v/{code}")
    pstatus, _h, pdf = committee.get(f"/meetings/{meeting_id}/minutes.pdf")
    ok = vstatus == 200 and sha.encode() in vbody and pstatus == 200 and hashlib.sha256(pdf).hexdigest() == sha
    verdict("day: minutes finalised on A, verified on B", ok,
            f"finalise on A {status} (final versions now {versions}); /v/{code} on B {vstatus} ({'shows' if sha.encode() in vbody else 'lacks'} the "
            f"SHA-256); PDF on B {pstatus}, {len(pdf)} bytes, SHA-256 {'equal' if pstatus == 200 and hashlib.sha256(pdf).hexdigest() == sha else 'differs'}")


def step_attendance(deployment, a, b, committee, folder, rows=1000, timeout=600):
    meeting_id = create_meeting(deployment, "Uji klaster: daftar hadir 1000")
    csv_path = folder / "peserta-1000.csv"
    csv_path.write_bytes(import_csv(regency_agencies(deployment), rows, seed=22))
    deployment.flask("participants", "import", str(meeting_id), str(csv_path))
    path = f"/meetings/{meeting_id}/documents/attendance.pdf"
    started = time.monotonic()
    status, headers, _b = committee.via(a).get(path, timeout=120)
    first = f"{status} {headers.get('content-type', '')}"
    while time.monotonic() - started < timeout:
        status, headers, body = committee.via(b).get(path, timeout=120)
        if headers.get("content-type", "").startswith("application/pdf"):
            break
        time.sleep(2)
    seconds = time.monotonic() - started
    pdf = headers.get("content-type", "").startswith("application/pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True).stdout if pdf else b""
    last_name = deployment.sql(f"SELECT name FROM participant WHERE meeting_id = {meeting_id} ORDER BY id DESC LIMIT 1")
    named = last_name.encode() in b" ".join(text.split())
    verdict("day: 1,000-row attendance sheet by the worker, downloaded on B", pdf and named,
            f"asked on A: {first}; PDF on B after {seconds:.1f} s: {pdf} ({len(body)} bytes); "
            f"the last participant ({last_name}) {'is' if named else 'is NOT'} in its text")
    return meeting_id


def _redis(deployment, *args):
    return subprocess.run(["redis-cli", "-u", deployment.redis_url, *args], capture_output=True, text=True).stdout


def step_page_cache(deployment, a, b, committee, meeting_id):
    """The page is kept on A (its fragment in Redis), a material is added on B, and A's next
    answer shows it: B moved the meeting's version that A's kept page is keyed by."""
    page = f"/meetings/{meeting_id}"
    committee.via(a).get(page)
    status, headers, before = committee.get(page)
    kept = _redis(deployment, "--scan", "--pattern", f"rakor:page:*:f:meeting-page:{meeting_id}:*").split()
    version_key = next(iter(_redis(deployment, "--scan", "--pattern", f"rakor:page:*:v:meeting:{meeting_id}").split()), None)
    version_before = _redis(deployment, "GET", version_key).strip() if version_key else None
    title = "Perubahan dari B " + secrets.token_hex(4)
    upstatus, _h, _b = upload_material(committee.via(b), meeting_id, title, random_pdf(4096, title))
    version_after = _redis(deployment, "GET", version_key).strip() if version_key else None
    status2, _h, after = committee.via(a).get(page)
    ok = (status == status2 == 200 and bool(kept) and version_before != version_after
          and title.encode() not in before and title.encode() in after and upstatus in (302, 303))
    verdict("day: page kept on A shows a change made on B", ok,
            f"page on A {status}, kept in Redis ({len(kept)} fragment keys of the meeting); material '{title}' "
            f"added on B ({upstatus}), the meeting's version {version_before} -> {version_after}; page on A "
            f"afterwards {status2}: {'shows' if title.encode() in after else 'does NOT show'} it")


# --- load, failover --------------------------------------------------------------------------

def wrk(url, seconds, connections, cookie, threads=2, timeout=10):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", f"--timeout={timeout}s",
           "-s", str(LUA), "-H", f"Cookie: {cookie}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise RuntimeError("wrk printed no RESULT line:\n" + out)
    result = json.loads(match.group(1))
    result["errors"] = result["non_2xx"] + result["socket_errors"]
    return result


def writer(base, public_host, meeting_id, stop, answers, lock, kill_time):
    client = HostClient(base, public_host).login()
    n = 0
    while not stop.is_set():
        n += 1
        title = f"Beban {threading.get_ident() % 10000}-{n}-{secrets.token_hex(3)}"
        started = time.monotonic()
        try:
            token = client.csrf(f"/meetings/{meeting_id}/materials/new")
            status, _h, _b = upload_material_with_token(client, meeting_id, title, token)
            outcome = str(status)
        except (OSError, RuntimeError) as error:
            outcome = type(error).__name__
        ended = time.monotonic()
        with lock:
            phase = "before" if ended < kill_time[0] else ("around" if started < kill_time[0] + 2 else "after")
            answers.append((phase, outcome, title))


def upload_material_with_token(client, meeting_id, title, token):
    page = f"/meetings/{meeting_id}/materials/new"
    return client.post_multipart(page, {"csrf_token": token, "title": title, "agenda_item_id": ""},
                                 {"file": (f"{title}.pdf", random_pdf(20 * 1024, title), "application/pdf")})


STORED_TABLES = ("minutes_pdf", "agreement_record", "monitoring_report")  # final documents (0025_storage)
WORKER_CACHE = "documents/q"  # rakor.documents.jobs.result_key: a cache, not rows


def objects_against_rows(deployment, storage_env, host_folders):
    """Rows that name a stored object (materials; final minutes, berita acara, monitoring reports)
    against the store: (rows, objects, rows without object, objects without row, SHA-256
    mismatches). Objects are read whole and hashed."""
    rows = {}
    for line in deployment.sql("SELECT 'materials/' || stored_name || '|' || sha256 FROM material").splitlines():
        key, sha = line.split("|")
        rows[key] = sha
    for table in STORED_TABLES:
        try:
            out = deployment.sql(f"SELECT storage_key || '|' || sha256 FROM {table} WHERE storage_key IS NOT NULL")
        except subprocess.CalledProcessError:
            continue  # a build without storage_key: the bytes are in the row
        for line in out.splitlines():
            key, sha = line.split("|")
            rows[key] = sha
    prefixes = sorted({key.split("/", 1)[0] + "/" for key in rows} | {"materials/"})
    objects = {}
    if storage_env.get("STORAGE_BACKEND") == "s3":
        import boto3
        from botocore.config import Config

        s3 = boto3.client("s3", endpoint_url=storage_env["S3_ENDPOINT_URL"],
                          aws_access_key_id=storage_env["S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=storage_env["S3_SECRET_ACCESS_KEY"],
                          region_name=storage_env.get("S3_REGION", "us-east-1"),
                          config=Config(s3={"addressing_style": "path"}))
        bucket = storage_env["S3_BUCKET"]
        for prefix in prefixes:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    if not item["Key"].startswith(WORKER_CACHE):
                        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                        objects[item["Key"]] = hashlib.sha256(body).hexdigest()
    else:
        for folder in host_folders:
            root = folder / "uploads"
            for prefix in prefixes:
                for path in (root / prefix).rglob("*"):
                    key = path.relative_to(root).as_posix()
                    if path.is_file() and not path.name.startswith(".") and not key.startswith(WORKER_CACHE):
                        objects[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    missing = sorted(set(rows) - set(objects))
    orphans = sorted(set(objects) - set(rows))
    wrong = sorted(k for k in set(rows) & set(objects) if rows[k] != objects[k])
    return len(rows), len(objects), missing, orphans, wrong


def failover(args, deployment, nginx_base, public_host, host_a, meeting_id, write_meeting, cookie, storage_env, folders):
    answers, lock, stop, kill_time = [], threading.Lock(), threading.Event(), [float("inf")]
    threads = [threading.Thread(target=writer, args=(nginx_base, public_host, write_meeting, stop, answers, lock, kill_time),
                                daemon=True) for _ in range(args.writers)]
    for t in threads:
        t.start()
    result = {}

    def load():
        # 30 s: on this busy machine a slow answer is not a failover error (nginx's own limits decide).
        result.update(wrk(f"{nginx_base}/meetings/{meeting_id}", args.failover_seconds, args.connections, cookie,
                          timeout=30))

    loader = threading.Thread(target=load)
    load_before = load_average()
    loader.start()
    time.sleep(args.failover_seconds / 3)
    pids = gunicorn_pids(host_a)
    with lock:
        kill_time[0] = time.monotonic()
    for pid in pids:
        subprocess.run(["kill", "-9", str(pid)], capture_output=True)
    log(f"SIGKILLed host A (pids {pids}) {args.failover_seconds / 3:.0f} s into the load")
    loader.join()
    stop.set()
    for t in threads:
        t.join(timeout=120)
    load_after = load_average()
    time.sleep(1)
    by_phase = {p: Counter(o for ph, o, _t in answers if ph == p) for p in ("before", "around", "after")}
    failed_writes = [(ph, o) for ph, o, _t in answers if o not in ("302", "303")]
    # A POST that failed may or may not have committed (it was in flight on A): never half.
    titles_failed = [t for ph, o, t in answers if o not in ("302", "303")]
    committed_of_failed = deployment.sql(
        "SELECT count(*) FROM material WHERE title IN ({})".format(
            ",".join("'" + t.replace("'", "''") + "'" for t in titles_failed) or "''"))
    rows, objects, missing, orphans, wrong = objects_against_rows(deployment, storage_env, folders)
    over = deployment.sql(
        "SELECT count(*) FROM (SELECT q.agency_id FROM seat_quota q LEFT JOIN participant p ON "
        "p.meeting_id = q.meeting_id AND p.agency_id = q.agency_id AND p.status = 'registered' "
        "GROUP BY q.meeting_id, q.agency_id, q.seats HAVING count(p.id) > q.seats) o")
    broken_commitments = deployment.sql(
        "SELECT count(*) FROM commitment WHERE status = 'agreed' AND NOT EXISTS "
        "(SELECT 1 FROM meeting m WHERE m.id = commitment.meeting_id)")
    broken_minutes = deployment.sql(
        "SELECT count(*) FROM minutes_revision r WHERE r.status = 'final' AND NOT EXISTS "
        "(SELECT 1 FROM minutes_pdf p WHERE p.revision_id = r.id)")
    gets_ok = result["errors"] == 0
    writes_ok = all(ph == "around" for ph, _o in failed_writes)
    consistent = not missing and not wrong and over == "0" and broken_commitments == "0"
    verdict("failover: GETs through nginx while host A is SIGKILLed", gets_ok,
            f"wrk {args.connections} connections, {args.failover_seconds} s: {result['requests']} requests, "
            f"{result['rps']:.1f} req/s, errors {result['errors']} (non-2xx {result['non_2xx']}, socket "
            f"{result['socket_errors']}), p50 {result['p50_ms']:.0f} ms, p90 {result['p90_ms']:.0f} ms, "
            f"p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms; load average {load_before} -> {load_after}")
    verdict("failover: writes (material uploads, POST) through nginx", writes_ok,
            f"{args.writers} writers: before the kill {dict(by_phase['before'])}, in flight at the kill (+2 s) "
            f"{dict(by_phase['around'])}, after {dict(by_phase['after'])}; failed {len(failed_writes)} "
            f"(of them committed anyway: {committed_of_failed})")
    verdict("failover: no half-done write", consistent,
            f"rows naming an object (materials, final documents) {rows}, objects {objects}; rows without object {missing or 'none'}; SHA-256 "
            f"mismatches {wrong or 'none'}; objects without row (orphans for the sweep) {len(orphans)}; "
            f"agencies over quota {over}; final minutes without their PDF {broken_minutes}")
    return result


# --- main ------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="rakor_cluster")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--port-base", type=int, default=8500)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--failover-seconds", type=int, default=120)
    parser.add_argument("--bench-seconds", type=int, default=20)
    parser.add_argument("--bench-rounds", type=int, default=2)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--storage", choices=("auto", "s3", "disk"), default="auto")
    parser.add_argument("--skip-day", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the database and folders")
    args = parser.parse_args()
    for tool in ("nginx", "wrk", "openssl", "redis-cli", "pdftotext"):
        if not shutil.which(tool):
            sys.exit(f"bench/cluster needs {tool} (.ci/native-packages; apt-get install nginx wrk)")

    p = args.port_base
    ports = {"a": p + 1, "b": p + 2, "https": p + 10, "one": p + 11, "http": p + 12, "worker_metrics": p + 20}
    workdir = Path(tempfile.mkdtemp(prefix="rakor-cluster-"))
    os.chmod(workdir, 0o711)  # nginx's workers (nobody) reach their temporary folders inside
    public_host = f"127.0.0.1:{ports['https']}"
    metrics_token = secrets.token_hex(16)
    started, stoppers, deployment = [], [], None
    log(f"cluster in {workdir}; load average {load_average()}")
    try:
        storage_env, stop_store, storage_text = start_object_store(workdir / "seaweedfs", p + 30, args.storage)
        stoppers.append(stop_store)
        log(f"storage: {storage_text}")
        deployment = Deployment(args.db, redis_url=args.redis_url, upload_dir=str(workdir / "cli-uploads"), env={
            "BASE_URL": f"https://{public_host}", "TRUSTED_HOSTS": "localhost,127.0.0.1", "PROXY_HOPS": "1",
            "LOG_FORMAT": "json", "METRICS_TOKEN": metrics_token, "REMINDER_INTERVAL": "0",
            "DOCUMENT_QUEUE": f"rakor-cluster-{secrets.token_hex(3)}", **storage_env})
        meeting_id = deployment.create()
        log(f"database {args.db}: migrated, demo loaded, seed meeting {meeting_id}")
        env = {k: v for k, v in deployment.env.items() if k != "UPLOAD_DIR"}
        host_a = start_host("host A", env, workdir / "host-a", ports["a"], args.workers)
        started.append(host_a)
        host_b = start_host("host B", env, workdir / "host-b", ports["b"], args.workers)
        started.append(host_b)
        worker_folder = workdir / "worker"
        worker_folder.mkdir()
        worker_env = host_env(env, worker_folder, 0, 1)
        worker = Process("worker", [str(BIN / "flask"), "--app", "wsgi", "documents", "worker",
                                    "--metrics-port", str(ports["worker_metrics"])],
                         worker_folder, worker_env, worker_folder / "worker.log").start()
        started.append(worker)
        nginx = start_nginx(workdir / "nginx", port_https=ports["https"], port_one=ports["one"],
                            port_http=ports["http"], host_ports=[ports["a"], ports["b"]], one_port=ports["b"])
        started.append(nginx)
        a, b = f"http://127.0.0.1:{ports['a']}", f"http://127.0.0.1:{ports['b']}"
        nginx_base, one_base = f"https://{public_host}", f"https://127.0.0.1:{ports['one']}"
        log(f"host A {a}, host B {b}, worker (metrics :{ports['worker_metrics']}), nginx {nginx_base} "
            f"(both hosts) and {one_base} (host B only)")

        day_meeting = create_meeting(deployment, "Uji klaster: hari kerja", quota=3)
        committee = HostClient(a, public_host).login()
        delegate = HostClient(a, public_host).login(DELEGATE_EMAIL)
        if not args.skip_day:
            for name, step in (
                    ("material", lambda: step_material(deployment, a, b, committee, delegate, day_meeting)),
                    ("commitment", lambda: step_commitment(deployment, a, b, committee, delegate, day_meeting)),
                    ("minutes", lambda: step_minutes(deployment, a, b, committee, meeting_id)),
                    ("attendance", lambda: step_attendance(deployment, a, b, committee, workdir)),
                    ("page cache", lambda: step_page_cache(deployment, a, b, committee, day_meeting))):
                try:
                    step()
                except Exception as error:  # noqa: BLE001 - one broken step must not hide the rest
                    verdict(f"day: {name}", False, f"{type(error).__name__}: {error}")

        # Observability on a host: the request id through nginx, and the metrics.
        status, headers, _b = _request("GET", nginx_base + "/healthz", headers={"X-Request-ID": "cluster-check-0001"})
        mstatus, _h, mbody = _request("GET", a + "/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
        wstatus, _h, wbody = _request("GET", f"http://127.0.0.1:{ports['worker_metrics']}/metrics")
        verdict("observability: request id through nginx, metrics of a host and of the worker",
                headers and dict((k.lower(), v) for k, v in headers).get("x-request-id") == "cluster-check-0001"
                and mstatus == 200 and b"rakor_http_requests_total" in mbody and wstatus == 200,
                f"X-Request-ID echoed: {dict((k.lower(), v) for k, v in headers).get('x-request-id')}; host A "
                f"/metrics {mstatus} ({mbody.count(b'rakor_http_requests_total{')} request series); worker "
                f"metrics {wstatus} (job durations: {b'rakor_job_duration_seconds_count' in wbody}); "
                f"nginx /metrics: {_request('GET', nginx_base + '/metrics')[0]}")

        # 2 hosts vs 1, alternated, through nginx; the page as the committee sees it.
        reader = HostClient(nginx_base, public_host).login()
        reader.get(f"/meetings/{meeting_id}")
        reader.get(f"/meetings/{meeting_id}")
        cookie = reader.cookie_header()
        figures = {"2 hosts": [], "1 host": []}
        for _round in range(args.bench_rounds):
            for name, base in (("2 hosts", nginx_base), ("1 host", one_base)):
                la = load_average()
                r = wrk(f"{base}/meetings/{meeting_id}", args.bench_seconds, args.connections, cookie)
                r["load"] = la
                figures[name].append(r)
                log(f"{name}: {r['rps']:.1f} req/s, p99 {r['p99_ms']:.0f} ms, errors {r['errors']} (load {la})")
        med = {n: statistics.median(r["rps"] for r in rs) for n, rs in figures.items()}
        p99 = {n: statistics.median(r["p99_ms"] for r in rs) for n, rs in figures.items()}
        log(f"FIGURE requests/s through nginx: 2 hosts {med['2 hosts']:.1f}, 1 host {med['1 host']:.1f} "
            f"(ratio {med['2 hosts'] / med['1 host']:.2f}); p99 2 hosts {p99['2 hosts']:.0f} ms, 1 host "
            f"{p99['1 host']:.0f} ms; {args.bench_rounds} rounds of {args.bench_seconds} s alternated, "
            f"{args.connections} connections; load averages {[r['load'] for rs in figures.values() for r in rs]}")

        result = failover(args, deployment, nginx_base, public_host, host_a, meeting_id, day_meeting, cookie, storage_env,
                          [workdir / "host-a", workdir / "host-b", worker_folder, workdir / "cli-uploads"])
        log(f"FIGURE failover: {result['requests']} requests, errors {result['errors']}, p99 {result['p99_ms']:.0f} ms")
        upstream_log = (workdir / "nginx" / "rakor.error.log").read_text(errors="replace")
        log(f"nginx error log: {upstream_log.count('upstream')} upstream lines, e.g. "
            f"{next((line for line in upstream_log.splitlines() if 'upstream' in line), 'none')[:200]}")
    finally:
        for proc in reversed(started):
            proc.stop()
        for stop in stoppers:
            try:
                stop()
            except Exception as error:  # noqa: BLE001
                log(f"stopping the object store: {error}")
        if not args.keep and deployment is not None:
            try:
                deployment.drop()
            except Exception as error:  # noqa: BLE001
                log(f"dropping {args.db}: {error}")
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {workdir} and database {args.db}")
    failed = [name for name, ok, _d in VERDICTS if not ok]
    print("\n".join(f"{'PASS' if ok else 'FAIL'}  {name}: {details}" for name, ok, details in VERDICTS))
    print(f"load average at the end: {load_average()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
