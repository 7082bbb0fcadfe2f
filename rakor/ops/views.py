import hmac

from flask import abort, current_app, jsonify, request

from rakor.core import metrics, request_log
from rakor.ops import bp, checks
from rakor.policy import public


def any_host(view):
    """Reached by address (nginx's upstream, Prometheus scraping each host), so the Host header
    names the host's own address, not BASE_URL: the host check lets these through. They build no
    link and show nothing a forged Host could change."""
    view._rakor_any_host = True
    return view


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
@public
@any_host
def healthz():
    """Liveness: this process answers. Touches neither the database nor Redis, so a database
    outage does not make a supervisor restart every host."""
    return _no_store(jsonify(status="ok"))


@bp.route("/readyz")
@public
@any_host
def readyz():
    """Readiness: the database, Redis and (with STORAGE_BACKEND=s3) the object store answer.
    503 with the failing check named when one does not; a load balancer or an operator's probe
    takes the host out until it answers again."""
    results = checks.run_all()
    ready = all(r["ok"] for r in results.values())
    response = jsonify(status="ready" if ready else "not ready", checks=results)
    response.status_code = 200 if ready else 503
    return _no_store(response)


@bp.route("/metrics")
@public
@any_host
def metrics_view():
    """Prometheus text exposition, only with `Authorization: Bearer <METRICS_TOKEN>`; without a
    configured token the endpoint does not exist (404). nginx also refuses /metrics from outside
    (deploy/nginx/rakor.conf): Prometheus scrapes every host directly."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = current_app.response_class("unauthorized\n", status=401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition(current_app._get_current_object())
    return _no_store(current_app.response_class(body, mimetype=None, content_type=content_type))


def observe(response):
    """after_request of the app: the request's metrics and access log line, the id echoed."""
    seconds = request_log.seconds_since_start()
    metrics.observe_request(request.endpoint, request.method, response.status_code, seconds)
    return request_log.finish_request(response, seconds)
