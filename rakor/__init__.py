"""Rakor: coordination meetings of regional planning agencies, from invitation to follow-up."""
import os
from pathlib import Path

from flask import Flask, request, session
from flask_login import current_user
from sqlalchemy import event

from rakor import (
    admin,
    api,
    auth,
    commitments,
    documents,
    main,
    meetings,
    minutes,
    notices,
    numbering,
    ops,
    participants,
    progress,
)
from rakor.core import security
from rakor.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
# In init order: features lower in the layers first; the documents host last (see _init_features).
FEATURES = (auth, main, notices, admin, numbering, meetings, participants, commitments, minutes, progress, documents,
            api, ops)


class Rakor(Flask):
    """Flask, with `ensure_sync`'s answer kept per function: Flask asks it of every hook and
    view on every request (about 20 times a request here, each an `inspect` walk), and a
    function's being a coroutine function does not change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_functions = {}

    def ensure_sync(self, func):
        try:
            return self._sync_functions[func]
        except KeyError:
            synced = self._sync_functions[func] = super().ensure_sync(func)
            return synced
        except TypeError:  # not hashable: asked each time, as Flask does
            return super().ensure_sync(func)


def create_app(config=None):
    app = Rakor(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    import config as config_module

    config_class = config or config_module.config_from_env()
    app.config.from_object(config_class() if isinstance(config_class, type) else config_class)
    _refuse_insecure_production(app, config_module.DEV_SECRET_KEY)
    from rakor.core.sessions import CookieSessions

    app.session_interface = CookieSessions()
    from rakor.core.urls import refuse_untrusted_host, trusted_hosts

    # Rakor's own check rather than Flask's TRUSTED_HOSTS: Flask's refuses before the URL adapter
    # exists, so the 400 page (which builds links) could not render.
    app.config["ALLOWED_HOSTS"] = trusted_hosts(app.config)
    app.before_request(refuse_untrusted_host)  # first: nothing runs for a forged Host
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from rakor.core.urls import IdConverter

    app.url_map.converters["int"] = IdConverter
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("UPLOAD_DIR"):
        os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)

    _init_extensions(app)
    from rakor import storage
    from rakor.core import files

    files.provide(app, storage.current)  # core's imports stage files in the app's storage
    security.init_app(app)
    from rakor.core import page_cache

    page_cache.init_app(app)
    _init_features(app)
    _register_template_helpers(app)
    from rakor import mail

    mail.init_app(app)

    from rakor import errors, policy

    errors.register(app)
    from rakor.core.urls import refuse_nul_characters

    app.before_request(refuse_nul_characters)
    app.before_request(policy.enforce_endpoint_access)

    from rakor.cli import register_cli

    register_cli(app)
    return app


def _refuse_insecure_production(app, dev_key):
    security.refuse_insecure_production(app, dev_key)


def _init_extensions(app):
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        # The connection handed back last is the one handed out next: a request then finds the
        # statements it prepared before (rakor/core/read_transactions.py) instead of a pool that
        # rotates through connections first-in first-out, and a connection left idle by a burst
        # can time out (SQLAlchemy's recommendation for pool_use_lifo).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                                                   "pool_use_lifo": True}
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_transactions(db.engine)
        else:
            from rakor.core import idle_ping, lazy_description, lone_reads, read_transactions

            lazy_description.install(db.engine)
            idle_ping.install(db.engine)
            read_transactions.install(app, db.engine)
            lone_reads.install(app, db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["TZ"])
    _install_template_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")

    from rakor.auth import loading

    @login_manager.user_loader
    def load_user(alternative_id):
        user_id, _sep, token = alternative_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        return loading.signed_in_user(int(user_id), token)


def _sqlite_transactions(engine):
    """pysqlite's own transaction handling breaks SAVEPOINTs and SELECT-then-write; let
    SQLAlchemy emit BEGIN itself (the recipe in SQLAlchemy's SQLite dialect docs)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def _install_template_gettext(app):
    """Templates translate through the request's catalog, looked up once per request and
    locale. Flask-Babel's own callables look it up on every `_()` (the meeting page has ~90),
    through its context, domain and the locale's name: about a tenth of the page's CPU."""
    from flask.globals import _cv_app
    from flask_babel import Domain, get_locale
    from jinja2 import pass_context
    from markupsafe import Markup

    class RequestDomain(Domain):
        """Flask-Babel's default domain, its catalog looked up once per request and locale as
        for templates: the lazy strings (status labels, tab names; 20-50 on a page) each
        looked it up through its context (three proxies), its locale and the locale's name."""

        def get_translations(self):
            return translations(self)

    domain = babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)

    def translations(domain=domain):
        # Flask-Babel's Locale of this context, read from `g` without its proxies (a list
        # page calls this ~250 times); force_locale and refresh() give another Locale.
        app_ctx = _cv_app.get(None)
        if app_ctx is None:  # no app: Flask-Babel's own answer (no translation)
            return Domain.get_translations(domain)
        found = app_ctx.g.__dict__
        ns = found.get("_flask_babel")
        locale = ns.__dict__.get("babel_locale") if ns is not None else None
        if locale is None:
            locale = get_locale()
        cached = found.get("_rakor_translations")
        if cached is None or cached[0] is not locale:
            cached = found["_rakor_translations"] = (locale, Domain.get_translations(domain))
        return cached[1]

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

    # `_()` and `ngettext()` as Jinja's newstyle callables above do it (escaped in an HTML
    # template, always %-formatted), without their two extra layers: `_` resolved `gettext`
    # from the context and called it through the context, which called our function through
    # the context again (a page has 60-250 of them; ~40 Python calls each, now ~10).
    @pass_context
    def gettext(context, string, **variables):
        rv = translations().ugettext(string)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        rv = translations().ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def _select_locale():
    from flask import current_app, g

    # The API answers in the language of Accept-Language (rakor/api/auth.py sets it).
    lang = (g.get("rakor_locale") or session.get("lang")) if request else None
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_features(app):
    """Each feature registers everything it adds (blueprint, CLI, sections, tabs, panels, document
    kinds, template helpers) in its own init_app; importing a feature registers nothing. The
    hosts that serve what others registered come last (documents names each kind's endpoints)."""
    from rakor import models  # noqa: F401  (every model known to Alembic and relationships)

    for feature in FEATURES:
        feature.init_app(app)
    from rakor.api import rate_limit

    rate_limit.note_idle_hooks(app)  # every blueprint and its limits are known now


def _register_template_helpers(app):
    from flask_babel import get_locale

    from rakor.core import formatting
    from rakor.policy import can

    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.add_extension("jinja2.ext.do")
    from rakor.core import layout_pieces

    layout_pieces.init_app(app)

    @app.context_processor
    def inject():
        user = current_user._get_current_object()  # once, not through the proxy per call
        return {
            "current_locale": str(get_locale() or "id"),
            "can": lambda action, obj=None: can(user, action, obj),
            "languages": app.config["LANGUAGES"],
        }
