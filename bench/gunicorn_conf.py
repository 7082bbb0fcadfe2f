"""gunicorn settings for Rakor: `gunicorn -c bench/gunicorn_conf.py wsgi:app` (bench/README.md has
the measurements behind them). Every value can be overridden on the command line."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A 1000-row import or a long attendance PDF takes seconds on a busy machine; 30 s (the
# default) would kill the worker mid-import.
timeout = 120
graceful_timeout = 30
backlog = 2048
