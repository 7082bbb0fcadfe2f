"""Leadership reads the dashboard by regency: without a region chosen the matrix's rows are the
regencies and cities of the reader's province, under the province as a whole; "All regions"
gives one row per province. "Progress dashboard" is in the top menu and the home panel's link
says so."""
from decimal import Decimal

from rakor.extensions import db
from rakor.progress import services
from tests.helpers import sign_in
from tests.progress.conftest import TODAY, update


def test_the_matrix_shows_regencies_under_the_province_by_default(client, pg):
    services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY)
    db.session.commit()
    sign_in(client, pg.leadership)
    html = client.get("/progress").get_data(as_text=True)
    assert 'id="matrix-province"' in html
    assert 'data-region="96.01"' in html and 'data-region="96.02"' in html
    assert html.index('id="matrix-province"') < html.index('data-region="96.01"')
    national = client.get("/progress?region=all").get_data(as_text=True)
    assert 'id="matrix-province"' not in national and 'data-region="96.01"' not in national
    assert '<tr data-region="96">' in national


def test_the_menu_and_the_home_panel_name_the_progress_dashboard(client, pg):
    services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY)
    db.session.commit()
    sign_in(client, pg.leadership)
    home = client.get("/").get_data(as_text=True)
    assert 'id="nav-progress"' in home
    panel = home.split('id="open-progress-dashboard"')[1].split("</a>")[0]
    assert "Dasbor kemajuan" in panel
    sign_in(client, pg.delegate)
    assert 'id="nav-progress"' not in client.get("/").get_data(as_text=True)
