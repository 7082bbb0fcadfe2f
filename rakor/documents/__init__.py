"""Documents (PDF, Indonesian government style): `render_pdf(template, **context) -> bytes` and
the registry of document kinds that `flask documents render` and the download pages share."""
from flask import Blueprint

bp = Blueprint("documents", __name__)

from rakor.documents import views  # noqa: E402,F401
from rakor.documents.pdf import render_pdf  # noqa: E402,F401
from rakor.documents.registry import DOCUMENT_KINDS  # noqa: E402,F401
