"""Documents (PDF, Indonesian government style): `render_pdf(template, **context) -> bytes`, the
letterhead, and the registry of document kinds with their one download route. Features register
their kinds; documents imports none of them."""
from flask import Blueprint

bp = Blueprint("documents", __name__)


def init_app(app):
    """Runs after the features that register kinds (last in rakor.FEATURES), so that each kind
    gets its named endpoints."""
    from flask_login import current_user

    from rakor.documents import registry, views
    from rakor.documents.cli import documents_cli

    app.register_blueprint(bp)
    for kind in registry.kinds():
        views.add_kind_endpoints(app, kind)
    app.add_template_global(lambda meeting: registry.kinds_for(current_user, meeting), "document_kinds")
    app.cli.add_command(documents_cli)
    from rakor.core import metrics
    from rakor.documents import jobs

    if jobs.queue_metrics not in metrics.scrape_collectors:
        metrics.scrape_collectors.append(jobs.queue_metrics)
    from rakor.documents.jobs import RESULTS
    from rakor.storage import references

    # The worker's results are a cache (no rows): the sweep deletes them after DOCUMENT_FILE_TTL.
    references.register(RESULTS + "/", cache_ttl="DOCUMENT_FILE_TTL", what="rendered documents (cache)")
