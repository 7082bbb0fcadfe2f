from flask import Blueprint

bp = Blueprint("participants", __name__)

from rakor.participants import import_views, views  # noqa: E402,F401
