"""A new account starts with the least access: delegate, which also needs an agency (issue 12)."""
from sqlalchemy import select

from rakor.auth.models import User
from tests.factories import make_agency


def test_new_user_form_preselects_delegate_and_lists_roles_least_access_first(client, login_as):
    login_as("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    select_html = html[html.index('name="role"'):]
    select_html = select_html[:select_html.index("</select>")]
    assert '<option selected value="delegate">' in select_html
    order = [select_html.index(f'value="{r}"') for r in ("delegate", "leadership", "committee", "admin")]
    assert order == sorted(order)


def test_a_new_user_posted_without_a_role_is_a_delegate_and_needs_an_agency(client, db, login_as):
    login_as("admin")
    agency = make_agency()
    db.session.commit()
    data = {"name": "Tanpa Peran", "email": "tanpa.peran@example.id", "password": "Panjang-sekali-2024"}
    html = client.post("/admin/users/new", data={**data, "agency_id": ""}).get_data(as_text=True)
    assert "Delegasi harus terikat pada satu instansi." in html
    assert db.session.scalar(select(User).where(User.email == "tanpa.peran@example.id")) is None
    assert client.post("/admin/users/new", data={**data, "agency_id": agency.id}).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "tanpa.peran@example.id"))
    assert user.role == "delegate" and user.agency_id == agency.id
