"""The progress dashboard and a region's page keep their content per viewer class, locale and
query while the progress data is unchanged (progress/views/monitoring.py _kept_page), and the
whole page per reader (_whole_for_reader): a report shows on the next visit, a check-in leaves
them kept, a notice of the reader ends the reader's page (the navbar stays the reader's own) but
not the content, another reader of the class gets the page put together from its shell and the
content rendered for the first, two classes of reader never share them, the clock ends them at
the next midnight, a meeting the reader may not see stays not found, and the content reads
nothing its scopes do not cover."""
import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.notices.services import notify
from rakor.participants import services as participant_services
from rakor.progress import dashboard as board
from rakor.progress import services, workdays
from tests.factories import make_participant, make_user
from tests.factories.scenarios import two_organizers
from tests.helpers import client_of, meeting_part_tables, without_csrf_tokens
from tests.progress.conftest import TODAY, update


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return without_csrf_tokens(response.get_data(as_text=True)), response.headers.get("X-Page-Cache")


def figure(html, name):
    return re.search(rf'id="figure-{name}">([^<]*)<', html).group(1)


# What X-Page-Cache says (core/page_cache.py): the reader's whole page, the page put together
# from the reader's shell and the content, the reader's page rendered (its own lookup), and the
# content's lookup.
KEPT = "kept:hit"


def rendered(name, content):
    return f"kept:miss,together:miss,miss,{name}:{content}"


def region_path(cm):
    return f"/progress/regions/{cm.regions[0].id}"


def test_the_dashboard_is_kept_until_a_report_and_then_shows_it(app, db, pg, page_cache_header):
    leadership = client_of(app, pg.leadership)
    first, found = page(leadership, "/progress")
    assert found == rendered("progress", "miss") and figure(first, "reported") == "0"
    again, found = page(leadership, "/progress")
    assert found == KEPT and again == first

    services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY)
    db.session.commit()
    html, found = page(leadership, "/progress")
    assert found == rendered("progress", "miss") and figure(html, "reported") == "1"


def test_a_regions_page_is_kept_until_a_report_of_its_commitments(app, db, pg, page_cache_header):
    leadership = client_of(app, pg.leadership)
    first, found = page(leadership, region_path(pg))
    assert found == rendered("progress-region", "miss") and 'id="region-progress"' in first
    assert page(leadership, region_path(pg)) == (first, KEPT)

    services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY)
    db.session.commit()
    html, found = page(leadership, region_path(pg))
    assert found == rendered("progress-region", "miss") and html != first
    assert leadership.get("/progress/regions/999999").status_code == 404
    assert leadership.get("/progress/regions/999999").status_code == 404  # nothing was kept for it


def test_a_check_in_keeps_them_and_the_navbar_stays_the_readers_own(app, db, pg, page_cache_header):
    now = utcnow()
    pg.meeting.status = "held"
    pg.meeting.starts_at, pg.meeting.ends_at = now - timedelta(hours=1), now + timedelta(hours=6)
    person = make_participant(pg.meeting, pg.agencies[0], name="Rahmadi Hadir")
    db.session.commit()
    leadership = client_of(app, pg.leadership)
    for path in ("/progress", region_path(pg)):
        html, _found = page(leadership, path)
        assert 'id="nav-unread-count"' not in html

    participant_services.check_in(person, by_user=pg.committee)
    db.session.commit()
    for path in ("/progress", region_path(pg)):
        assert page(leadership, path)[1] == KEPT  # a check-in moves nothing these pages show

    notify([pg.leadership], "meeting_cancelled", {"title": pg.meeting.title, "start": now.isoformat(),
                                                  "timezone": pg.meeting.timezone, "meeting_id": pg.meeting.id},
           meeting_id=pg.meeting.id)
    db.session.commit()
    for path, name in (("/progress", "progress"), (region_path(pg), "progress-region")):
        html, found = page(leadership, path)
        assert found == rendered(name, "hit")  # the reader's notice ended its page and shell
        assert re.search(r'id="nav-unread-count">1<', html)  # the layout is rendered for this request


def test_another_reader_of_the_class_gets_the_page_put_together(app, db, pg, page_cache_header):
    """After a report every reader's page lapses; the first reader of the class renders the
    content, the others' pages are put together from their shells and it, as a render would be."""
    second = make_user("leadership", agency=pg.leadership.agency, name="Pimpinan Kedua")
    db.session.commit()
    first_reader, second_reader = client_of(app, pg.leadership), client_of(app, second)
    for path in ("/progress", region_path(pg)):
        page(first_reader, path)
        page(second_reader, path)
    services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY)
    db.session.commit()
    put_together = {}
    for path, name in (("/progress", "progress"), (region_path(pg), "progress-region")):
        assert page(first_reader, path)[1] == rendered(name, "miss")
        together, found = page(second_reader, path)
        assert found == "kept:miss,together:hit"
        assert "Pimpinan Kedua" in together and pg.leadership.name not in together
        assert page(second_reader, path) == (together, KEPT)  # kept whole again
        put_together[path] = together
    app.extensions["rakor.page_cache"].values.clear()
    for path, name in (("/progress", "progress"), (region_path(pg), "progress-region")):
        assert page(second_reader, path) == (put_together[path], rendered(name, "miss"))  # as a render is


def test_two_classes_of_reader_never_share_the_content(app, db, page_cache_header):
    """A leadership account of regency A's organizer and one of the province see different
    meetings: each gets its own content, even with the same query."""
    from rakor.regions.programmes import load_shipped_programmes
    from tests.factories import commitment_data, make_commitment, make_update, topic_id

    load_shipped_programmes()
    two = two_organizers("93")
    theirs = make_commitment(two.meeting_b, two.committee_b,
                             commitment_data(two.office_b, topic_id("KEMISKINAN"), title="Komitmen milik B"))
    make_update(theirs, two.committee_b, percent=Decimal("50"))
    db.session.commit()
    province = client_of(app, two.leadership_p)
    regency_a = client_of(app, two.leadership_a)
    query = f"/progress?meeting={two.meeting_b.id}"
    assert page(province, query)[1] == rendered("progress", "miss")
    assert page(province, query)[1] == KEPT
    store = app.extensions["rakor.page_cache"]
    kept = {key for key in store.values if key.startswith("progress:")}
    assert regency_a.get(query).status_code == 404  # not the province's kept content
    assert {key for key in store.values if key.startswith("progress:")} == kept  # nothing kept for a refusal
    assert regency_a.get(query).status_code == 404
    assert figure(page(province, "/progress")[0], "total") != figure(page(regency_a, "/progress")[0], "total")


def test_the_content_is_kept_until_the_next_midnight_at_most(app, db, pg, monkeypatch):
    store = app.extensions["rakor.page_cache"]
    store.values.clear()
    soon = utcnow() + timedelta(seconds=45)
    monkeypatch.setattr(board, "lapses_at", lambda: soon)
    page(client_of(app, pg.leadership), "/progress")
    kept = [v for k, v in store.values.items() if k.startswith("progress:")]
    assert len(kept) == 3  # the content, the reader's page and its shell
    for _value, expires in kept:
        assert 0 < expires - time.monotonic() <= 45
    assert app.config["PAGE_CACHE_TTL"] >= 60  # else the bound above proves nothing


def test_by_default_the_content_lapses_at_the_reporting_zones_next_midnight():
    assert board.lapses_at() == workdays.next_midnight()


def _tables(statements):
    found = set()
    for statement in statements:
        found |= {m.group(2).lower() for m in re.finditer(r"\b(FROM|JOIN)\s+\"?(\w+)\"?", statement, re.I)}
    return found


@pytest.mark.parametrize("path", ["/progress", "/progress?region=all", "region"])
def test_the_content_reads_only_what_its_scopes_cover(app, db, pg, count_queries, path):
    """By table read while the content renders: a meeting part's tables need that part's
    site-wide scope, any other table with a meeting's id (and the meeting itself) `meetings`."""
    from flask import render_template
    from flask_login import login_user

    from rakor.progress.views import monitoring

    services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY)
    db.session.commit()
    meeting_tables = {t.name for t in _db.metadata.sorted_tables if "meeting_id" in t.c} | {"meeting"}
    url = region_path(pg) if path == "region" else path
    with app.test_request_context(url):
        login_user(pg.leadership)
        with count_queries() as log:
            if path == "region":
                region = _db.session.get(type(pg.regions[0]), pg.regions[0].id)
                render_template("progress/_region_content.html", region=region, **monitoring._region_content(region))
            else:
                render_template("progress/_dashboard_content.html", **monitoring._dashboard_content())
    read = _tables(log.statements)
    assert "progress_tally" in read or "commitment" in read  # not vacuous
    declared = set(board.READS)
    for part, tables in meeting_part_tables().items():
        if page_cache.all_meetings_scope(part) not in declared:
            assert not read & set(tables), f"{path} reads {part} without its scope"
    others = read & meeting_tables - {t for tables in meeting_part_tables().values() for t in tables}
    if others:
        assert page_cache.ALL_MEETINGS in declared, f"{path} reads {sorted(others)} undeclared"
