"""gunicorn settings of a Rakor web host: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`
(rakor-web.service). Values come from the host's environment (deploy/rakor.env.example)."""
import multiprocessing
import os
import shutil
import socket

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


# A sync worker writes its whole answer before it takes the next request. A new connection
# starts with the kernel's default send buffer (16 KiB, net.ipv4.tcp_wmem), so an 80-100 KiB
# page (a meeting's commitments or participants) went out in rounds, the worker waiting on the
# reader between them; with room for the page the worker hands it over at once (nginx's
# `sndbuf` on `listen` is the same setting). Linux gives every accepted connection its
# listener's setting. The kernel takes memory as it is used: this is a ceiling, not a reserve.
send_buffer_bytes = int(os.environ.get("GUNICORN_SEND_BUFFER", 1 << 20))


def when_ready(server):
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer_bytes)


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
