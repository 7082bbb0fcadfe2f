"""Programme commitments: what each region commits to at a meeting, agreed by the committee."""
from flask import Blueprint

bp = Blueprint("commitments", __name__)

from rakor.commitments import import_views, rules, views  # noqa: E402,F401
