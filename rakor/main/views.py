from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from rakor.core.urls import is_safe_next
from rakor.main import bp
from rakor.main.dashboard import render_dashboard
from rakor.policy import authenticated, public


@bp.route("/")
@authenticated
def index():
    return render_dashboard(current_user)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))

