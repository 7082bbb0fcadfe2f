"""The layout's fixed pieces (rakor/core/layout_pieces.py) are rendered once per key and reused,
and never shown to a reader their key does not fit: another role's menu, another section's
highlight, another language's labels, another mount point's URLs. The reader's own parts (name,
unread notices, CSRF tokens) stay rendered per request."""
import re

from rakor.core import layout_pieces
from tests.factories import make_user
from tests.helpers import client_of


def menu(html):
    return html.split('<ul class="navbar-nav me-auto">')[1].split("</ul>")[0]


def active(html):
    return re.findall(r'class="nav-link active" id="nav-(\w+)"', html)


def pieces(app):
    return app.extensions.get("rakor.layout_pieces", {})


def test_each_role_gets_its_own_menu_from_the_same_worker(app, db):
    admin, committee, delegate = make_user("admin"), make_user("committee"), make_user("delegate")
    db.session.commit()
    pieces(app).clear()
    admin_menu = menu(client_of(app, admin).get("/").get_data(as_text=True))
    committee_html = client_of(app, committee).get("/").get_data(as_text=True)
    delegate_menu = menu(client_of(app, delegate).get("/").get_data(as_text=True))
    assert 'id="nav-users"' in admin_menu and 'id="nav-progress"' in admin_menu
    assert 'id="nav-users"' not in menu(committee_html) and 'id="nav-contacts"' in menu(committee_html)
    assert 'id="nav-progress"' not in delegate_menu and 'id="nav-meetings"' in delegate_menu
    # The user menu's fixed links are a piece too: the administrator's extra ones stay its own.
    assert "/webhooks" not in committee_html.split('id="user-menu"')[1]
    assert committee.name in committee_html and admin.name not in committee_html


def test_a_piece_is_rendered_once_per_key_then_reused(app, db, monkeypatch):
    committee = make_user("committee")
    db.session.commit()
    pieces(app).clear()
    client = client_of(app, committee)
    first = client.get("/").get_data(as_text=True)
    kept = dict(pieces(app))
    assert {key[0] for key in kept} == {"head", "brand", "menu", "user-menu", "scripts"}
    rendered = []
    real = layout_pieces.layout_piece

    def counting(name, *key, caller):
        return real(name, *key, caller=lambda: rendered.append(name) or caller())

    monkeypatch.setitem(app.jinja_env.globals, "layout_piece", counting)
    again = client.get("/").get_data(as_text=True)
    assert rendered == [] and menu(again) == menu(first)
    client.get("/meetings/")  # another section: its own menu (the highlight moves), nothing else
    assert rendered == ["menu"]


def test_the_highlight_follows_the_section(app, db):
    committee = make_user("committee")
    db.session.commit()
    client = client_of(app, committee)
    assert active(client.get("/").get_data(as_text=True)) == ["dashboard"]
    assert active(client.get("/meetings/").get_data(as_text=True)) == ["meetings"]
    assert active(client.get("/progress").get_data(as_text=True)) == ["progress"]
    assert active(client.get("/").get_data(as_text=True)) == ["dashboard"]


def test_each_language_gets_its_own_labels(app, db):
    committee = make_user("committee")
    db.session.commit()
    client = client_of(app, committee)
    assert ">Rapat</a>" in menu(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert ">Meetings</a>" in menu(english) and ">Sign out<" in english and 'lang="en"' in english
    indonesian = client_of(app, committee).get("/").get_data(as_text=True)
    assert ">Rapat</a>" in menu(indonesian)


def test_an_app_mounted_under_a_prefix_gets_its_own_urls(app, db):
    committee = make_user("committee")
    db.session.commit()
    client = client_of(app, committee)
    plain = client.get("/").get_data(as_text=True)
    mounted = client.get("/", base_url="http://localhost/rakor").get_data(as_text=True)
    assert 'href="/meetings/"' in menu(plain)
    assert 'href="/rakor/meetings/"' in menu(mounted) and 'href="/rakor/static/css/rakor.css' in mounted
    assert 'href="/static/css/rakor.css' in client.get("/").get_data(as_text=True)


def test_the_sign_in_page_clears_the_desk_store_and_other_pages_only_expired_entries(app, db, client):
    assert 'data-clear="all"' in client.get("/login").get_data(as_text=True)
    committee = make_user("committee")
    db.session.commit()
    assert 'data-clear="expired"' in client_of(app, committee).get("/").get_data(as_text=True)
    assert 'data-clear="all"' in client.get("/login").get_data(as_text=True)
