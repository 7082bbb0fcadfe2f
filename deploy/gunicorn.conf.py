"""gunicorn settings of a Rakor web host: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`
(rakor-web.service). Values come from the host's environment (deploy/rakor.env.example)."""
import multiprocessing
import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A 1,000-row import or a long attendance sheet rendered in the request takes seconds on a busy
# host; 30 s (the default) would kill the worker mid-import. nginx waits 130 s.
timeout = 120
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to the upstream open (keepalive 32)
backlog = 2048
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The app writes its own JSON access line with the request id (LOG_FORMAT=json); gunicorn's
# error log goes to stderr, i.e. the journal.
accesslog = None
errorlog = "-"
# X-Forwarded-* are trusted only from nginx (the app's ProxyFix counts PROXY_HOPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Prometheus multiprocess mode: every worker writes its samples into PROMETHEUS_MULTIPROC_DIR,
    which must start empty (the unit's RuntimeDirectory does that; this covers a manual start)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    from rakor.core.metrics import mark_process_dead

    mark_process_dead(worker.pid)
