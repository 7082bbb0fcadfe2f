"""The administrator sets an agency's letterhead: address, phone, website and a logo checked by
its content (PNG or JPEG that opens as an image)."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.regions import logos
from rakor.regions.models import Agency
from rakor.regions.services import AgencyData, save_agency
from tests.factories import make_agency, make_region


def image(fmt="PNG", size=(60, 80)):
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 110, 60)).save(buf, fmt)
    return buf.getvalue()


def data_of(agency, **changes):
    return AgencyData(**{"name": agency.name, "short_name": agency.short_name, "region_id": agency.region_id,
                         **changes})


@pytest.mark.parametrize("content,message", [
    (b"", "kosong"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "tidak dapat dibaca"),  # looks like a PNG, is not one
    (image("GIF"), "PNG atau JPEG"),
    (b"%PDF-1.4\n", "PNG atau JPEG"),
    (image(size=(5000, 10)), "piksel"),
])
def test_only_real_png_or_jpeg_logos(app, db, content, message):
    with pytest.raises(DomainError) as err:
        logos.check_logo(content)
    assert message in str(err.value.message) and err.value.field == "logo"


def test_saving_a_logo_stores_it_under_a_server_name_and_replacing_returns_the_old_one(app, db):
    agency = make_agency()
    save_agency(agency, data_of(agency, website="bappeda.example.go.id"), logo=image("JPEG"))
    first = agency.logo_stored_name
    assert first.endswith(".jpg") and logos.logo_bytes(first)[1] == "image/jpeg"
    assert logos.logo_data_url(first).startswith("data:image/jpeg;base64,")
    _agency, obsolete = save_agency(agency, data_of(agency), logo=image())
    assert obsolete == first and agency.logo_stored_name.endswith(".png")
    _agency, obsolete = save_agency(agency, data_of(agency), remove_logo=True)
    assert agency.logo_stored_name is None and obsolete.endswith(".png")
    assert logos.stored_key("../../config.py") is None and logos.logo_data_url("nope.png") is None


def test_a_website_must_look_like_an_address(app, db):
    agency = make_agency()
    with pytest.raises(DomainError) as err:
        save_agency(agency, data_of(agency, website="javascript:alert(1)"))
    assert err.value.field == "website"


def test_admin_agency_form_sets_the_letterhead(client, login_as, app):
    login_as("admin")
    region = make_region()
    db.session.commit()
    response = client.post("/admin/agencies/new", content_type="multipart/form-data", data={
        "name": "Bappeda Kabupaten Uji Kop", "short_name": "Bappeda Uji", "region_id": region.id,
        "address": "Jl. Ahmad Yani Km. 6", "phone": "(0511) 123456", "website": "bappeda.uji.go.id",
        "logo": (io.BytesIO(image()), "logo.png")})
    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.name == "Bappeda Kabupaten Uji Kop"))
    assert (agency.address, agency.phone, agency.website) == ("Jl. Ahmad Yani Km. 6", "(0511) 123456",
                                                             "bappeda.uji.go.id")
    stored = agency.logo_stored_name
    assert (Path(app.config["UPLOAD_DIR"]) / "logos" / stored).is_file()
    html = client.get(f"/admin/agencies/{agency.id}/edit").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html and "Kop surat dokumen" in html
    # A fake image is a form error; nothing changes.
    response = client.post(f"/admin/agencies/{agency.id}/edit", content_type="multipart/form-data", data={
        "name": agency.name, "short_name": agency.short_name, "region_id": region.id,
        "logo": (io.BytesIO(b"\x89PNG\r\n\x1a\nnot really"), "logo.png")})
    assert response.status_code == 200 and "Logo tidak dapat dibaca sebagai gambar." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Agency, agency.id).logo_stored_name == stored
    # Removing the logo deletes its file after the commit.
    response = client.post(f"/admin/agencies/{agency.id}/edit", data={
        "name": agency.name, "short_name": agency.short_name, "region_id": region.id, "remove_logo": "y"})
    assert response.status_code == 302 and not (Path(app.config["UPLOAD_DIR"]) / "logos" / stored).exists()
