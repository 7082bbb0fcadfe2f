"""Pieces of the layout (templates/base.html) that show nothing but the code, the configuration
and what their key names: the stylesheet and script tags, the menu of a role on a section, the
user menu's fixed links. Each is rendered once per worker and key, then reused:

    {% call layout_piece("menu", current_locale, current_user.role, section) %}...{% endcall %}

The layout built about 20 URLs, looked up 15 translations and called its link macro up to ten
times on every request, kept page or not: a sixth of a kept page's CPU. A piece's key is what
the template passes (it names what the piece shows besides the code) plus the request's script
root (the URLs are relative to it). Nothing a piece shows comes from the database, so this is
not a kept copy of data (rakor/core/page_cache.py): the reader's name, unread notices, CSRF
tokens and flashed messages stay outside the pieces, rendered on every request.
"""
from flask import current_app, request

_EXTENSION = "rakor.layout_pieces"
# Keys are few (pieces x locales x roles x sections); the bound only guards against a key that
# was given something unbounded by mistake.
LIMIT = 512


def layout_piece(name, *key, caller):
    """The HTML `caller()` renders (a `{% call %}` block), rendered once per app and key."""
    pieces = current_app.extensions.setdefault(_EXTENSION, {})
    full_key = (name, request.script_root, *key)
    html = pieces.get(full_key)
    if html is None:
        html = caller()
        if len(pieces) >= LIMIT:
            pieces.clear()
        pieces[full_key] = html
    return html


def init_app(app):
    app.jinja_env.globals["layout_piece"] = layout_piece
