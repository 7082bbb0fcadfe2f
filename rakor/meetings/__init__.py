from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from rakor.meetings import dashboard, follow_up, rules, views  # noqa: E402,F401
