"""Import in Kalsel habits (issue 12): regions by their usual short forms, suggestions for near
misses, 'Bappeda' read through the region column without a warning, the preview's counts, and
one quota override (with a reason) for a whole file."""
import io
import re

import pytest
from sqlalchemy import select

from rakor.core.tabular import Lookup
from rakor.extensions import db
from rakor.participants import imports
from rakor.participants.models import Participant
from rakor.participants.quotas import set_seats_for_province
from tests.factories import make_meeting, make_quota
from tests.helpers import agency_of, csv_bytes

pytestmark = pytest.mark.usefixtures("kalsel")


def seated_meeting():
    """A meeting where every regency/city planning agency has seats (no quota warnings)."""
    meeting = make_meeting(organizer=agency_of("63"))
    set_seats_for_province(meeting, 10)
    return meeting


def preview(meeting, rows, **kwargs):
    return imports.preview(meeting, csv_bytes(rows), "peserta.csv", 2000, **kwargs)


@pytest.mark.parametrize("written,code", [
    ("Kab. HSU", "63.08"), ("HSU", "63.08"), ("Kabupaten HSS", "63.06"), ("hst", "63.07"),
    ("Kab. Batola", "63.04"), ("Batola", "63.04"), ("Tala", "63.01"), ("Kab. Tanbu", "63.10"),
    ("Kotabaru", "63.02"), ("Banjar", "63.03"), ("Tapin", "63.05"), ("Tabalong", "63.09"),
    ("Balangan", "63.11"), ("Bjm", "63.71"), ("Kota Bjb", "63.72"), ("Banjarbaru", "63.72"),
])
def test_regions_by_their_usual_short_forms(written, code):
    report = preview(seated_meeting(), [["Nama", "Kabupaten/Kota"], ["Budi", written]])
    row = report.rows[0]
    assert row.status == "ok", (row.errors, row.warnings)
    assert row.agency == agency_of(code)


def test_agencies_by_the_short_form_of_their_region():
    report = preview(seated_meeting(), [["Nama", "Instansi"], ["A", "Bappeda HSU"], ["B", "Bappeda Kab. Batola"],
                                      ["C", "Bappelitbang Bjm"]])
    assert [r.agency for r in report.rows] == [agency_of("63.08"), agency_of("63.04"), agency_of("63.71")]
    assert [r.status for r in report.rows] == ["ok", "ok", "ok"]


def test_bappeda_with_the_region_given_is_read_without_a_warning():
    report = preview(seated_meeting(), [["Nama", "Instansi", "Kode Wilayah"], ["A", "Bappeda", "63.08"],
                                      ["B", "bappeda", "Kab. Batola"], ["C", "Bappelitbang", "63.71"]])
    assert [r.agency for r in report.rows] == [agency_of("63.08"), agency_of("63.04"), agency_of("63.71")]
    assert [r.warnings for r in report.rows] == [[], [], []]
    # A guess stays a warning: nothing of "Dinas PU" is in the region's only agency's name.
    report = preview(seated_meeting(), [["Nama", "Instansi", "Kode Wilayah"], ["A", "Dinas PU", "63.08"]])
    assert report.rows[0].agency == agency_of("63.08") and report.rows[0].status == "warning"


def test_a_near_miss_suggests_the_closest_region_or_agency():
    report = preview(make_meeting(), [
        ["Nama", "Instansi", "Kabupaten/Kota"],
        ["A", "", "Kab. Hulu Sungai Utra"],
        ["B", "Bapeda Kabupaten Tanah Lau", ""],
        ["C", "", "Antah Berantah"],
    ])
    a, b, c = report.rows
    assert str(a.errors["region"]) == ("Tidak ada wilayah bernama Kab. Hulu Sungai Utra. "
                                       "Maksud Anda Kabupaten Hulu Sungai Utara?")
    assert "Maksud Anda Bappeda Kabupaten Tanah Laut?" in str(b.errors["agency"])
    assert "Maksud Anda" not in str(c.errors["region"])  # nothing close: no guess offered


def test_lookup_suggests_one_close_name_only():
    items = ["Bappeda Kabupaten Tapin", "Bappeda Kabupaten Tabalong"]
    lookup = Lookup(items, names=lambda i: [i])
    assert lookup.suggest("Bapeda Kabupaten Tapni") == "Bappeda Kabupaten Tapin"
    assert lookup.suggest("Dinas Sosial") is None


# --- the preview's counts ----------------------------------------------------------------------

def upload(client, meeting, rows):
    return client.post(f"/meetings/{meeting.id}/participants/import",
                       data={"file": (io.BytesIO(csv_bytes(rows)), "peserta.csv")},
                       content_type="multipart/form-data")


def test_ready_counts_the_rows_with_warnings_too(client, login_as):
    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    make_quota(meeting, agency_of("63.02"), seats=5)
    db.session.commit()
    html = upload(client, meeting, [["Nama", "Instansi"], ["A", "Bappeda Kab. Kotabaru"],
                                    ["B", "Bappeda Kotabaru"], ["C", "Antah"]]).get_data(as_text=True)
    summary = re.search(r'id="import-summary">(.*?)</div>', html, re.S).group(1)
    assert "3 baris" in summary and "2 siap diimpor" in summary
    assert "1 perlu dicek (peringatan)" in summary and "1 tidak dapat diimpor" in summary
    assert 'class="import-messages"' in html


# --- one quota override for the file ------------------------------------------------------------

OVER_QUOTA = [["Nama", "Instansi"], ["Satu", "Bappeda Kab. Kotabaru"], ["Dua", "Bappeda Kab. Kotabaru"],
              ["Tiga", "Bappeda Kab. Kotabaru"], ["Empat", "Bappeda Kab. Tapin"]]


def test_over_quota_rows_are_errors_without_the_override_and_warnings_with_it():
    meeting = make_meeting()
    make_quota(meeting, agency_of("63.02"), seats=1)
    report = preview(meeting, OVER_QUOTA)
    assert not report.ok and imports.only_over_quota(report)
    assert [r.line for r in report.error_rows] == [3, 4]
    reason = "Disetujui Kepala Bappeda"
    report = preview(meeting, OVER_QUOTA, override_reason=reason)
    assert report.ok
    created = imports.commit(meeting, report, override_reason=reason)
    assert [p.quota_override_reason for p in created] == [None, reason, reason, None]


def test_other_errors_are_not_overridden():
    meeting = make_meeting()
    make_quota(meeting, agency_of("63.02"), seats=1)
    report = preview(meeting, [*OVER_QUOTA, ["Lima", "Antah"]])
    assert not imports.only_over_quota(report)


def token_of(html):
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def test_the_committee_imports_an_over_quota_file_with_one_reason(client, login_as):
    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    make_quota(meeting, agency_of("63.02"), seats=1)
    db.session.commit()
    html = upload(client, meeting, OVER_QUOTA).get_data(as_text=True)
    assert 'id="import-over-quota"' in html and 'id="import-confirm-button"' not in html
    token = token_of(html)
    url = f"/meetings/{meeting.id}/participants/import/confirm"
    # Without the tick, or without a reason: refused, nothing imported.
    response = client.post(url, data={"token": token, "override_offered": "y"})
    assert response.status_code == 400 and "Centang persetujuan" in response.get_data(as_text=True)
    response = client.post(url, data={"token": token, "override_offered": "y", "override": "y",
                                      "override_reason": "  "})
    assert response.status_code == 400 and "Tuliskan alasan" in response.get_data(as_text=True)
    assert db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)).all() == []
    # The plain confirmation of a file that became over quota after its preview: a conflict, and
    # the page now offers the override.
    response = client.post(url, data={"token": token})
    assert response.status_code == 409 and 'id="import-over-quota"' in response.get_data(as_text=True)
    response = client.post(url, data={"token": token, "override_offered": "y", "override": "y",
                                      "override_reason": "Disetujui Kepala Bappeda (nota dinas 12/2024)"})
    assert response.status_code == 302
    reasons = dict(db.session.execute(select(Participant.name, Participant.quota_override_reason)
                                      .where(Participant.meeting_id == meeting.id)).all())
    assert reasons == {"Satu": None, "Dua": "Disetujui Kepala Bappeda (nota dinas 12/2024)",
                       "Tiga": "Disetujui Kepala Bappeda (nota dinas 12/2024)", "Empat": None}
