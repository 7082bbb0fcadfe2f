from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from rakor.auth import bp, services
from rakor.auth.forms import ChangePasswordForm, LoginForm
from rakor.core.errors import DomainError
from rakor.core.forms import add_domain_error
from rakor.core.urls import is_safe_next
from rakor.extensions import db, limiter
from rakor.policy import authenticated, public


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            form.form_errors.append(_("Email or password is not correct, or the account is disabled."))
        else:
            db.session.commit()
            # A fresh session at login: nothing set before authentication survives it.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@authenticated
def logout():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@authenticated
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, e)
        else:
            db.session.commit()
            # The token rotated: every other session is now signed out; keep this one.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other sessions were signed out."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
