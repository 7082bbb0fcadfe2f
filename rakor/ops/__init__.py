"""What operators and machines ask of a host: liveness (`/healthz`), readiness (`/readyz`: the
database, Redis, the object store), Prometheus metrics (`/metrics`), request ids and JSON logs
(deploy/ and README "Production" say how nginx and Prometheus use them). A leaf: nothing imports it.
"""
from flask import Blueprint

bp = Blueprint("ops", __name__)


def init_app(app):
    from rakor.core import request_log
    from rakor.ops import checks, views  # noqa: F401  (routes)

    request_log.configure_logging(app)
    # First of all before_request functions (create_app registers the rest after the features),
    # so that the clock and the request id cover the host check, the page cache and the view.
    app.before_request_funcs.setdefault(None, []).insert(0, request_log.start_request)
    app.after_request(views.observe)
    checks.register_defaults(app)
    app.register_blueprint(bp)
