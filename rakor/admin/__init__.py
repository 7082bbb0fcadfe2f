"""Administration: user accounts, regions and agencies."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app):
    from rakor.admin import baselines, contacts, dashboard, indicators, offices, views  # noqa: F401  (routes)
    from rakor.admin.forms import ROLE_LABELS
    from rakor.main.dashboard import panels

    panels.register("reference_data", template=dashboard.TEMPLATE, loader=dashboard.reference_data_panel,
                    order=90)
    app.add_template_filter(lambda role: ROLE_LABELS.get(role, role), "role_label")
    app.register_blueprint(bp)
    from rakor.regions import logos
    from rakor.storage import references

    # The administrator sets the agencies' letterhead logos (the sweep's view of logos/).
    references.register(logos.PREFIX, loader=logos.stored_keys, what="agency logos")
