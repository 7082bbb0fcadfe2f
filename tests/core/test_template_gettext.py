"""Templates' `_()`/`ngettext()` and Flask-Babel's lazy strings read the request's catalog once
per request and locale (rakor/__init__.py `_install_template_gettext`): they must still follow
the locale of the moment (force_locale, a language switch) and escape as Jinja's newstyle
gettext does: in an HTML template the translation is markup and its variables are escaped,
in a text template (mails) nothing is escaped."""
from flask import render_template_string
from flask_babel import force_locale, lazy_gettext


def test_underscore_escapes_variables_in_html_only(app):
    with app.test_request_context("/"):
        text = app.jinja_env.overlay(autoescape=False).from_string(  # as a .txt mail template
            "{{ _('Meetings') }} {{ _('%(x)s', x='<b>') }} {{ _('100%%') }}")
        assert text.render() == "Rapat <b> 100%"
        assert render_template_string("{{ _('%(x)s', x='<b>') }}|{{ _('100%%') }}") == "&lt;b&gt;|100%"


def test_ngettext_sets_num(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ ngettext('%(num)d item', '%(num)d items', 3) }}") == "3 items"


def test_catalog_follows_the_locale_of_the_moment(app):
    label = lazy_gettext("Meetings")
    with app.test_request_context("/"):
        assert str(label) == "Rapat" and render_template_string("{{ _('Meetings') }}") == "Rapat"
        with force_locale("en"):
            assert str(label) == "Meetings" and render_template_string("{{ _('Meetings') }}") == "Meetings"
        assert str(label) == "Rapat" and render_template_string("{{ _('Meetings') }}") == "Rapat"



def test_registry_order_follows_registrations():
    from rakor.core.registry import Registry

    reg = Registry("test")
    reg.register("b", order=2)
    assert [e.key for e in reg] == ["b"]
    reg.register("a", order=1)
    assert [e.key for e in reg] == ["a", "b"]
    reg.unregister("b")
    assert [e.key for e in reg] == ["a"]
