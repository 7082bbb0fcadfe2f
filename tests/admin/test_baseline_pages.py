"""The admin's baseline values: the table (filters, region-code order), the edit of a value and
the upload through the shared import flow (preview, all or nothing). Nobody else reaches them."""
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.commitments.models import IndicatorBaseline
from rakor.extensions import db
from tests.factories import make_region, topic_id
from tests.helpers import xlsx_bytes

BASE = "/admin/indicators/baselines"


def add(region, code, year, value, source="BPS"):
    baseline = IndicatorBaseline(region_id=region.id, topic_id=topic_id(code), year=year, value=Decimal(value),
                                 source=source)
    db.session.add(baseline)
    return baseline


def upload(client, content, name="baseline.csv"):
    return client.post(f"{BASE}/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def token_of(html):
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def total():
    return db.session.scalar(select(func.count(IndicatorBaseline.id)))


def test_the_table_is_in_region_code_order_and_filters_by_indicator_and_year(client, login_as):
    login_as("admin")
    late, early = make_region(kemendagri_code="98.10", name="Kota Akhir"), make_region(kemendagri_code="98.02",
                                                                                        name="Kabupaten Awal")
    add(late, "IPM", 2023, "71.25")
    add(early, "IPM", 2023, "68.5")
    add(early, "KEMISKINAN", 2022, "4.37")
    db.session.commit()
    html = client.get(BASE).get_data(as_text=True)
    assert html.index('data-region="98.02"') < html.index('data-region="98.10"')
    assert "68,50" in html and "4,37" in html  # Indonesian decimals, the indicator's decimals
    html = client.get(f"{BASE}?indicator={topic_id('IPM')}").get_data(as_text=True)
    assert 'data-indicator="KEMISKINAN"' not in html and html.count('data-indicator="IPM"') == 2
    html = client.get(f"{BASE}?year=2022").get_data(as_text=True)
    assert 'data-year="2023"' not in html and 'data-year="2022"' in html
    assert client.get(f"{BASE}?year=abc&indicator=%27").status_code == 200


def test_the_indicator_page_links_to_the_baselines_instead_of_the_command_line(client, login_as):
    login_as("admin")
    html = client.get("/admin/indicators").get_data(as_text=True)
    assert f'href="{BASE}"' in html and "baris perintah" not in html


def test_edit_a_value_with_errors_in_indonesian_that_keep_the_input(client, login_as):
    login_as("admin")
    baseline = add(make_region(kemendagri_code="98.03"), "KEMISKINAN", 2023, "4.37")
    db.session.commit()
    url = f"{BASE}/{baseline.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="4,37' in page
    response = client.post(url, data={"value": "empat koma", "source": "BPS Kalsel"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tulis angka" in html
    assert 'value="empat koma"' in html and 'value="BPS Kalsel"' in html
    html = client.post(url, data={"value": "", "source": ""}).get_data(as_text=True)
    assert "Nilai wajib diisi." in html
    html = client.post(url, data={"value": "1", "source": "x" * 201}).get_data(as_text=True)
    assert "is-invalid" in html
    response = client.post(f"{url}?year=2023", data={"value": "4,12", "source": "BPS Kalsel"})
    assert response.status_code == 302 and response.location.endswith(f"{BASE}?year=2023")
    db.session.expire_all()
    assert (baseline.value, baseline.source) == (Decimal("4.12"), "BPS Kalsel")
    assert client.get(f"{BASE}/999999/edit").status_code == 404


def test_upload_preview_then_confirm_loads_every_row(client, login_as):
    login_as("admin")
    region = make_region(kemendagri_code="98.04", bps_code="9804")
    db.session.commit()
    assert "kode indikator" in client.get(f"{BASE}/import").get_data(as_text=True)
    response = upload(client, b"kode wilayah;kode indikator;tahun;nilai;sumber\n98.04;IPM;2023;70,47;BPS\n"
                              b"9804;STUNTING;2022;24,9;SSGI\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-confirm-button"' in html
    assert 'data-line="3" data-status="ok" data-action="create"' in html
    assert total() == 0  # the preview writes nothing
    response = client.post(f"{BASE}/import/confirm", data={"token": token_of(html)})
    assert response.status_code == 302 and response.location.endswith(BASE)
    assert total() == 2
    page = client.get(BASE).get_data(as_text=True)
    assert "2 baru" in page and "70,47" in page and "24,90" in page or "24,9" in page
    assert db.session.scalar(select(IndicatorBaseline.value).where(
        IndicatorBaseline.region_id == region.id, IndicatorBaseline.year == 2022)) == Decimal("24.9")


def test_upload_xlsx(client, login_as):
    login_as("admin")
    make_region(kemendagri_code="98.05", bps_code="9805")
    db.session.commit()
    html = upload(client, xlsx_bytes([["Kode Wilayah", "Kode Indikator", "Tahun", "Nilai"], ["98.05", "SPM", 2024, 88.5]]),
                  "nilai.xlsx").get_data(as_text=True)
    client.post(f"{BASE}/import/confirm", data={"token": token_of(html)})
    assert total() == 1


def test_one_bad_row_imports_nothing_and_the_preview_names_it(client, login_as):
    login_as("admin")
    make_region(kemendagri_code="98.06", bps_code="9806")
    db.session.commit()
    response = upload(client, b"kode wilayah;kode indikator;tahun;nilai\n98.06;IPM;2023;70\n98.99;IPM;2023;70\n")
    html = response.get_data(as_text=True)
    assert 'data-line="3" data-status="error"' in html and "98.99" in html and "tidak dikenal" in html
    assert 'name="token"' not in html and 'id="import-errors"' in html
    assert total() == 0
    response = upload(client, b"%PDF-1.4 bukan tabel", "nilai.pdf")
    assert response.status_code == 400 and total() == 0


@pytest.mark.parametrize("role", ["committee", "delegate", "leadership"])
def test_only_the_admin_reaches_the_baselines(client, login_as, role):
    baseline = add(make_region(kemendagri_code="98.07"), "IPM", 2023, "70")
    db.session.commit()
    login_as(role)
    for url in (BASE, f"{BASE}/{baseline.id}/edit", f"{BASE}/import"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{BASE}/{baseline.id}/edit", data={"value": "1"}).status_code == 403
    assert upload(client, b"kode wilayah;kode indikator;tahun;nilai\n98.07;IPM;2022;1\n").status_code == 403
    assert client.post(f"{BASE}/import/confirm", data={"token": "x" * 43}).status_code == 403
    db.session.expire_all()
    assert total() == 1 and baseline.value == Decimal(70)
