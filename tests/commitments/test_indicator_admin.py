"""The administrator manages indicators: names, unit, direction, decimals, source."""
from sqlalchemy import select

from rakor.extensions import db
from rakor.meetings.models import Topic


def test_the_admin_lists_and_edits_indicators(client, login_as):
    login_as("admin")
    page = client.get("/admin/indicators").get_data(as_text=True)
    assert 'data-code="KEMISKINAN"' in page and "BPS (Susenas)" in page
    topic = db.session.scalar(select(Topic).where(Topic.code == "IPM"))
    response = client.post(f"/admin/indicators/{topic.id}/edit", data={
        "code": "IPM", "name": "Indeks Pembangunan Manusia", "name_en": "Human Development Index",
        "is_indicator": "y", "unit": "poin", "direction": "higher", "decimals": "2",
        "default_source": "BPS"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).name_en == "Human Development Index"


def test_a_numeric_indicator_needs_a_unit_and_direction_and_a_free_code(client, login_as):
    login_as("admin")
    base = {"code": "AKB", "name": "Angka kematian bayi", "is_indicator": "y", "unit": "per 1.000",
            "direction": "", "decimals": "1"}
    page = client.post("/admin/indicators/new", data=base).get_data(as_text=True)
    assert "is-invalid" in page and "Angka kematian bayi" in page
    assert client.post("/admin/indicators/new", data={**base, "code": "ipm", "direction": "lower"}).status_code == 200
    assert client.post("/admin/indicators/new", data={**base, "direction": "lower"}).status_code == 302
    assert db.session.scalar(select(Topic.direction).where(Topic.code == "AKB")) == "lower"


def test_only_the_admin_manages_indicators(client, login_as):
    login_as("committee")
    assert client.get("/admin/indicators").status_code == 403
