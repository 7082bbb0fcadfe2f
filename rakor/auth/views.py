from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from rakor.auth import bp, links, services, throttle
from rakor.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from rakor.core.errors import DomainError
from rakor.core.urls import is_safe_next
from rakor.core.web import domain_action
from rakor.extensions import db, limiter
from rakor.policy import authenticated, public


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit():
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _fresh_session():
    """Nothing set before a sign-in or sign-out survives it, except the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        minutes = throttle.minutes_locked(email)
        if minutes:
            # Checked before the password, so a locked address cannot be guessed at; the same
            # words whether or not an account has this address.
            form.form_errors.append(_(
                "Too many failed sign-ins with this email address. "
                "Wait %(minutes)d minutes and try again.", minutes=minutes))
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(email, form.password.data)
        if user is None:
            db.session.rollback()
            throttle.record_failure(email)
            form.form_errors.append(_("Email or password is not correct, or the account is disabled."))
        else:
            db.session.commit()
            throttle.forget(email)
            _fresh_session()
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@authenticated
def logout():
    with domain_action():
        services.sign_out_everywhere(current_user)
    # Clear first: logout_user() leaves the instruction to delete the remember cookie in the
    # session, and clearing after it lost that instruction (the browser signed straight back in).
    _fresh_session()
    logout_user()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@authenticated
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            services.change_own_password(current_user, form.current_password.data, form.new_password.data)
        if done.ok:
            # The token rotated: every other session is now signed out; keep this one.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other sessions were signed out."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def forgot_password():
    """"Forgot password": a reset link by e-mail. The answer is the same whether or not an
    account has the address (and whether or not the per-address limit held the mail back)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data
        if throttle.reset_link_allowed(email):
            with domain_action():
                services.request_password_reset(email)
        flash(_("If an account has the address %(email)s, a link to choose a new password is on its way. "
                "It works once and for %(hours)d hours; look in the spam folder too.",
                email=email, hours=current_app.config["PASSWORD_RESET_HOURS"]), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def set_password(token):
    """The page a password link opens: a new account's first password, or a reset."""
    form = SetPasswordForm()
    try:
        user, purpose = links.user_of_token(token)
    except DomainError as error:
        return render_template("auth/set_password.html", form=None, problem=error.message), 410
    if form.validate_on_submit():
        with domain_action(form) as done:
            services.set_password_from_link(token, form.new_password.data)
        if done.ok:
            if current_user.is_authenticated:
                _fresh_session()
                logout_user()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    response = render_template("auth/set_password.html", form=form, user=user, purpose=purpose, problem=None)
    return response, 200, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
