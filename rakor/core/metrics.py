"""Prometheus metrics (prometheus_client), for one process or for gunicorn's many.

With `PROMETHEUS_MULTIPROC_DIR` set (in the environment before the process starts: gunicorn's
systemd unit, deploy/rakor.env) every process writes its samples to files in that folder and
`/metrics` (rakor/ops) adds them up; gunicorn's `child_exit` hook (deploy/gunicorn.conf.py) calls
`mark_process_dead` so a dead worker's live gauges go. Without it (development, tests) the
samples stay in this process's default registry.

What is measured where:
- requests by endpoint, method and status, with latency histograms: `observe_request` from
  `rakor/ops` (an after_request of the whole app);
- document render times: `rakor.documents.pdf.html_to_pdf` (in the request or in the worker);
- job durations: the document worker (`rakor.documents.jobs.AppContextWorker`);
- mail sends and failures: `rakor.mail.services.send_queued`;
- queue depth and failed mails in the outbox: read when scraped (collectors registered by the
  features on `scrape_collectors`), since they are state, not events.
"""
import os
import time
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

# Latency buckets for pages: most answer in tens of milliseconds, a big import takes seconds.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# WeasyPrint: a one-page invitation ~0.2 s, a 1,000-row attendance sheet tens of seconds.
RENDER_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)

HTTP_REQUESTS = Counter(
    "rakor_http_requests_total", "HTTP requests answered, by Flask endpoint, method and status.",
    ["endpoint", "method", "status"])
HTTP_LATENCY = Histogram(
    "rakor_http_request_duration_seconds", "Time from the first before_request to the response.",
    ["endpoint", "method"], buckets=REQUEST_BUCKETS)
DOCUMENT_RENDER = Histogram(
    "rakor_document_render_seconds", "WeasyPrint HTML-to-PDF time, in a request or in the worker.",
    ["where"], buckets=RENDER_BUCKETS)
JOB_DURATION = Histogram(
    "rakor_job_duration_seconds", "Document worker jobs, from start to end, by outcome.",
    ["queue", "outcome"], buckets=RENDER_BUCKETS)
MAIL_SENDS = Counter(
    "rakor_mail_sends_total", "E-mails handed to the mail server, by outcome (sent, failed).",
    ["outcome"])

# Functions returning iterables of metric families, read on every scrape (state, not events).
scrape_collectors = []


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


class _StateCollector:
    def __init__(self, app):
        self.app = app

    def collect(self):
        for read in scrape_collectors:
            try:
                with self.app.app_context():
                    yield from read()
            except Exception:  # noqa: BLE001 - a scrape never fails for one reading
                self.app.logger.warning("metrics reading %s failed", getattr(read, "__name__", read),
                                        exc_info=True)
                yield GaugeMetricFamily("rakor_metrics_reading_failed",
                                        "A state reading failed during this scrape.", value=1)


def exposition(app) -> tuple[bytes, str]:
    """The text exposition of every metric: the multiprocess files' sum when gunicorn runs us,
    this process's registry otherwise, plus the state readings (queue depth, failed mails)."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    state = CollectorRegistry()
    state.register(_StateCollector(app))
    return body + generate_latest(state), CONTENT_TYPE_LATEST


def serve(app, port, addr="127.0.0.1"):
    """A metrics-only HTTP server in a thread (the document worker, which has no web server): the
    same exposition as `/metrics`, without a token, so bind it to a private address."""
    from prometheus_client import start_http_server

    registry = CollectorRegistry()
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    registry.register(_StateCollector(app))
    return start_http_server(port, addr=addr, registry=registry)


def observe_request(endpoint, method, status, seconds):
    endpoint = endpoint or "unmatched"  # 404s: never the path, which would make a series per URL
    HTTP_REQUESTS.labels(endpoint, method, str(status)).inc()
    HTTP_LATENCY.labels(endpoint, method).observe(seconds)


@contextmanager
def timed(histogram, *labels):
    start = time.perf_counter()
    try:
        yield
    finally:
        histogram.labels(*labels).observe(time.perf_counter() - start)


def mark_process_dead(pid):
    """gunicorn's child_exit hook: drop a dead worker's live gauges from the multiprocess folder."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
