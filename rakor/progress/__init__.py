"""Progress monitoring: quarterly updates on agreed commitments with evidence, overdue flags,
the dashboard with its charts, and the monitoring report (laporan monitoring)."""
from flask import Blueprint

bp = Blueprint("progress", __name__)


def init_app(app):
    app.register_blueprint(bp)
