from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from rakor.core.downloads import send_bytes
from rakor.core.urls import is_safe_next
from rakor.extensions import db
from rakor.main import bp
from rakor.main.dashboard import render_panels
from rakor.policy import authenticated, public
from rakor.regions import logos
from rakor.regions.models import Agency


@bp.route("/")
@authenticated
def index():
    return render_template("main/dashboard.html", panels=render_panels(current_user))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))


@bp.route("/agencies/<int:agency_id>/logo")
@authenticated
def agency_logo(agency_id):
    """An agency's letterhead logo for pages that show it many times (a sheet of badges), by URL
    rather than as a data: URL per badge. Stored names are random, so a long cache is safe."""
    agency = db.get_or_404(Agency, agency_id)
    path = logos.stored_path(agency.logo_stored_name)
    if path is None or not path.is_file():
        abort(404)
    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    return send_bytes(path.read_bytes(), f"logo{path.suffix}", mime, inline=True,
                      cache="private, max-age=86400")
