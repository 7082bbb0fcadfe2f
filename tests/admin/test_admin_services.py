"""Admin reads and writes outside the pages: the escaped user search, agency create/update."""
import pytest

from rakor.core.errors import DomainError
from rakor.regions import services as region_services
from tests.factories import make_region, make_user


def test_user_search_takes_percent_and_underscore_literally(client, db, login_as):
    """'%' or '_' typed in the search box used to match any text (an unescaped LIKE)."""
    login_as("admin")
    make_user(name="Budi 100% Hadir", email="budi@example.id")
    make_user(name="Siti Rahma", email="siti_rahma@example.id")
    make_user(name="Rudi Hartono", email="rudixrahma@example.id")
    db.session.commit()
    html = client.get("/admin/users?q=%25").get_data(as_text=True)
    assert "budi@example.id" in html and "siti_rahma@example.id" not in html
    assert "rudixrahma@example.id" not in html
    html = client.get("/admin/users?q=i_r").get_data(as_text=True)
    assert "siti_rahma@example.id" in html and "rudixrahma@example.id" not in html


def test_agency_service_refuses_a_duplicate_name_and_an_unknown_region(db):
    region = make_region()
    agency = region_services.create_agency("Bappeda Kabupaten Uji", "Bappeda Uji", region.id)
    assert agency.id is not None and agency.region_id == region.id
    with pytest.raises(DomainError) as refused:
        region_services.create_agency("Bappeda Kabupaten Uji", "Lain", region.id)
    assert refused.value.field == "name"
    with pytest.raises(DomainError) as refused:
        region_services.create_agency("Bappeda Lain", "Lain", 999999)
    assert refused.value.field == "region_id"
    # Saving an agency under its own name is not a duplicate.
    assert region_services.update_agency(agency, "Bappeda Kabupaten Uji", "Bappeda U.", region.id) is agency
    assert agency.short_name == "Bappeda U."
