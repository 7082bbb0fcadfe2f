"""A production-like Rakor for the load and fault benchmarks: its own PostgreSQL database,
migrated and loaded with the demo, served by gunicorn in production mode, and a signed-in
HTTP client. Used by bench/load.py and bench/faults.py; nothing here is imported by the app."""
import http.client
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"]
DEMO_PASSWORD = "Rakor-Demo-2024"
COMMITTEE_EMAIL = "panitia@demo.rakor.id"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql, database="postgres", port=5432):
    cmd = [*PG, "-p", str(port), "-d", database, "-c", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


@dataclass
class Deployment:
    """One database + environment; `flask(...)` runs the CLI against it."""
    database: str
    port: int = 5432
    upload_dir: str = ""
    redis_url: str = "redis://127.0.0.1:6379/9"
    env: dict = field(default_factory=dict)

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9_]+", self.database):
            raise ValueError("database name: lowercase letters, digits and _ only")
        self.upload_dir = self.upload_dir or tempfile.mkdtemp(prefix="rakor-bench-uploads-")
        self.env = {
            **os.environ,
            "RAKOR_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}",
            "REDIS_URL": self.redis_url,
            "UPLOAD_DIR": self.upload_dir,
            "FLASK_APP": "wsgi",
            "PYTHONPATH": str(ROOT),
            # Production refuses to start without it (links in mails, QR codes, the minutes).
            "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1"),
            **self.env,
        }

    def create(self, reuse=False):
        """A fresh database: dropped if it exists, migrated, the demo loaded. Returns the seed
        meeting's id. `reuse` keeps an existing database (the demo load is idempotent)."""
        exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'", port=self.port) == "1"
        if not (reuse and exists):
            self.drop()
            psql(f"CREATE DATABASE {self.database}", port=self.port)
        self.flask("db", "upgrade")
        out = self.flask("demo", "load")
        meeting_id = int(out.strip().splitlines()[-1])
        # Rate-limit counters of an earlier run would refuse our sign-in.
        subprocess.run(["redis-cli", "-u", self.redis_url, "FLUSHDB"], check=False, capture_output=True)
        return meeting_id

    def drop(self):
        psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)", port=self.port)

    def flask(self, *args, input=None, check=True):
        result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=self.env, input=input,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def sql(self, query):
        return psql(query, self.database, self.port)


# Production's gunicorn settings (deploy/gunicorn.conf.py: sync workers, the listeners' send
# buffer, the heartbeat on /dev/shm) with issue 20's two workers; relative to the tree served.
PRODUCTION_GUNICORN = "-w 2 -c deploy/gunicorn.conf.py"


class Gunicorn:
    """gunicorn serving `app` ("module:attr") with `args` (a string of gunicorn options)."""

    def __init__(self, deployment, app="wsgi:app", args="-w 2", port=None, log_path=None,
                 ready_path="/login", chdir=ROOT):
        self.deployment, self.app, self.args, self.ready_path = deployment, app, args, ready_path
        self.chdir = chdir  # another tree of the code (bench_api.py --before)
        self.port = port or free_port()
        self.log_path = log_path or tempfile.mktemp(prefix="rakor-bench-gunicorn-", suffix=".log")
        self.proc = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=240):
        # Another tree runs with its own virtualenv when it has one (its pinned dependencies).
        gunicorn = Path(self.chdir, ".venv", "bin", "gunicorn")
        cmd = [str(gunicorn if gunicorn.exists() else BIN / "gunicorn"), *shlex.split(self.args), "--bind", f"127.0.0.1:{self.port}",
               "--chdir", str(self.chdir), *self._control_socket(), self.app]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the server
        env = {**self.deployment.env, "PYTHONPATH": str(self.chdir)}
        self.proc = subprocess.Popen(cmd, cwd=self.chdir, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}\n" + self.log_tail())
            try:
                status, _h, _b = request("GET", self.base + self.ready_path, timeout=30)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()  # not left running behind the error
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def _control_socket(self):
        # gunicorn's control socket has one fixed path per user: parallel servers would take
        # over each other's. The benchmarks do not use it.
        return ["--no-control-socket"]

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines=40):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def request(method, url, body=None, headers=None, timeout=30):
    """(status, headers as a list of pairs, body bytes) without following redirects."""
    rest = url.split("://", 1)[1]
    hostport, _sep, path = rest.partition("/")
    host, _c, port = hostport.partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        conn.request(method, "/" + path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


class Client:
    """A browser-like client over http://127.0.0.1: keeps cookies (Secure ones too, since the
    TLS proxy is left out of the benchmark) and finds CSRF tokens in forms."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(self, method, path, body=None, headers=None, timeout=60):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        status, resp_headers, content = request(method, self.base + path, body, headers, timeout)
        for name, value in resp_headers:
            if name.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return status, dict((k.lower(), v) for k, v in resp_headers), content

    def get(self, path, **kw):
        return self.send("GET", path, **kw)

    def post_form(self, path, fields, **kw):
        return self.send("POST", path, urlencode(fields).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded"}, **kw)

    def post_multipart(self, path, fields, files, **kw):
        boundary = "rakorbench" + secrets.token_hex(8)
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content, mimetype) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: {mimetype}\r\n\r\n'.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.send("POST", path, b"".join(parts),
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"}, **kw)

    def csrf(self, path):
        status, _h, content = self.get(path)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', content) or \
            re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', content)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
        return match.group(1).decode()

    def login(self, email=COMMITTEE_EMAIL, password=DEMO_PASSWORD):
        token = self.csrf("/login")
        status, headers, _c = self.post_form("/login", {"csrf_token": token, "email": email,
                                                              "password": password})
        if status != 302 or "login" in headers.get("location", ""):
            raise RuntimeError(f"sign-in as {email} failed (HTTP {status})")
        return self
