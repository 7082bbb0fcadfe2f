import pytest
from sqlalchemy import select

from rakor.auth.models import User
from rakor.regions.models import Agency
from tests.factories import make_agency, make_province, make_region, make_user

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/agencies", "/admin/agencies/new",
               "/admin/regions"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("role,expected", [("admin", 200), ("committee", 403),
                                           ("delegate", 403), ("leadership", 403)])
def test_admin_pages_by_role(client, login_as, page, role, expected):
    login_as(role)
    assert client.get(page).status_code == expected


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_anonymous_redirect_to_login(client, page):
    response = client.get(page)
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_admin_creates_delegate_with_agency(client, db, login_as):
    login_as("admin")
    agency = make_agency()
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "name": "Delegasi Tapin", "email": "Delegasi@Tapin.go.id", "role": "delegate",
        "agency_id": agency.id, "password": "Banjarmasin-Rapat-77",
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "delegasi@tapin.go.id"))
    assert user.role == "delegate" and user.agency_id == agency.id


def test_create_user_form_errors_keep_input(client, db, login_as):
    login_as("admin")
    make_user(email="taken@example.id")
    db.session.commit()
    html = client.post("/admin/users/new", data={
        "name": "Budi", "email": "taken@example.id", "role": "delegate", "agency_id": "",
        "password": "password",
    }).get_data(as_text=True)
    assert "Pengguna dengan email ini sudah ada." in html
    assert 'value="Budi"' in html
    html = client.post("/admin/users/new", data={
        "name": "Budi", "email": "budi@example.id", "role": "delegate", "agency_id": "",
        "password": "Banjarmasin-Rapat-77",
    }).get_data(as_text=True)
    assert "Delegasi harus terikat pada satu instansi." in html
    html = client.post("/admin/users/new", data={
        "name": "Budi", "email": "budi-at-nowhere", "role": "committee", "agency_id": "",
        "password": "Banjarmasin-Rapat-77",
    }).get_data(as_text=True)
    assert "Alamat email tidak valid." in html
    assert db.session.scalar(select(User).where(User.name == "Budi")) is None


def test_unknown_role_or_agency_is_a_form_error_not_500(client, db, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "name": "X", "email": "x@example.id", "role": "superuser", "agency_id": "abc",
        "password": "Banjarmasin-Rapat-77",
    })
    assert response.status_code == 200
    assert "Pilihan tidak valid." in response.get_data(as_text=True)


def test_admin_edits_role_and_sessions_of_that_user_end(app, client, db, login_as):
    target = make_user(role="committee", email="t@example.id")
    agency = make_agency()
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as sess:
        sess["_user_id"] = target.get_id()
    assert other.get("/").status_code == 200
    login_as("admin")
    response = client.post(f"/admin/users/{target.id}/edit", data={
        "name": target.name, "email": "t@example.id", "role": "delegate", "agency_id": agency.id,
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "delegate"
    assert other.get("/").status_code == 302


def test_admin_disables_user_and_their_session_stops(app, client, db, login_as):
    target = make_user(role="leadership")
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as sess:
        sess["_user_id"] = target.get_id()
    assert other.get("/").status_code == 200
    admin = login_as("admin")
    assert client.get(f"/admin/users/{target.id}/active").status_code == 405
    client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    assert other.get("/").status_code == 302
    # An admin cannot lock themself out.
    html = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in html


def test_agency_create_and_duplicate(client, db, login_as):
    login_as("admin")
    region = make_region()
    db.session.commit()
    data = {"name": "Bappeda Kabupaten Uji", "short_name": "Bappeda Uji", "region_id": region.id}
    assert client.post("/admin/agencies/new", data=data).status_code == 302
    html = client.post("/admin/agencies/new", data=data).get_data(as_text=True)
    assert "Instansi dengan nama ini sudah ada." in html
    assert len(db.session.scalars(select(Agency).where(Agency.name == data["name"])).all()) == 1


def test_regions_filter_by_province(client, db, login_as):
    login_as("admin")
    make_region(parent=make_province("98"), kemendagri_code="98.01", name="Kabupaten Sembilan Delapan")
    make_region(parent=make_province("97"), kemendagri_code="97.01", name="Kabupaten Sembilan Tujuh")
    db.session.commit()
    html = client.get("/admin/regions?province=98").get_data(as_text=True)
    assert "Kabupaten Sembilan Delapan" in html and "Kabupaten Sembilan Tujuh" not in html


def test_missing_object_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999/edit").status_code == 404


@pytest.mark.parametrize("role,shows", [("admin", True), ("committee", False), ("delegate", False),
                                        ("leadership", False)])
def test_reference_data_counters_only_on_the_admin_dashboard(client, login_as, role, shows):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert ('href="/admin/regions"' in html) is shows
