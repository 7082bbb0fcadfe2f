"""Pangkat/golongan of a participant (issue 17): taken from the import (Indonesian or English
headers), the committee's form and the delegate's form, exported; and a row copied twice in one
file left out unless ticked (issue 18), so that nobody is printed twice."""
import pytest
from sqlalchemy import select

from rakor.extensions import db
from rakor.participants import exports, imports
from rakor.participants.models import Participant
from tests.factories import make_meeting, make_quota
from tests.helpers import agency_of, csv_bytes

pytestmark = pytest.mark.usefixtures("kalsel")


def preview(meeting, rows):
    return imports.preview(meeting, csv_bytes(rows), "peserta.csv", 100)


@pytest.mark.parametrize("header", ["Pangkat/Golongan", "Pangkat / Gol.", "Golongan", "Rank/grade", "Rank"])
def test_the_import_reads_the_rank_under_indonesian_or_english_headers(header):
    meeting = make_meeting(organizer=agency_of("63"))
    report = preview(meeting, [["Nama", "NIP", "Jabatan", header, "Instansi"],
                               ["Ir. H. Rahmadi, M.T.", "196801011995031001", "Kepala Bappeda", "IV/c", "Bappeda Kab. Tanah Laut"],
                               ["Siti Aminah, S.Kom.", "", "Analis Perencanaan", "", "Bappeda Kab. Tanah Laut"]])
    assert report.ok, report.problems()
    assert [r.data.rank for r in report.rows] == ["Pembina Utama Muda (IV/c)", None]
    created = imports.commit(meeting, report)
    assert created[0].rank == "Pembina Utama Muda (IV/c)"
    export = exports.export(meeting.id, "csv").decode("utf-8-sig")
    assert "Pangkat/Golongan" in export.splitlines()[0] and "Pembina Utama Muda (IV/c)" in export


def test_a_row_copied_twice_in_one_file_is_left_out_unless_ticked():
    """Issue 17: the copy was only a warning, both rows were registered, and the minutes printed
    the same person twice as present. Issue 18: it was then refused, holding back the whole
    file; now the copy is left out and the rest imported, unless the committee ticks it."""
    meeting = make_meeting(organizer=agency_of("63"))
    row = ["Noor Hidayati, S.T., M.Si.", "Kepala Bidang PPM", "Bappeda Kab. Tanah Laut"]
    copy = ["NOOR HIDAYATI, S.T. M.Si", "Kepala Bidang PPM", "Bappeda Kab. Tanah Laut"]  # the same, normalised
    rows = [["Nama", "Jabatan", "Instansi"], row, ["Ahmad Fauzan", "Perencana", "Bappeda Kab. Tanah Laut"], copy]
    report = preview(meeting, rows)
    assert report.ok, report.problems()
    assert [r.line for r in imports.left_out(report)] == [4]
    assert "baris 2" in str(report.rows[2].duplicate)
    created = imports.commit(meeting, report)
    assert [p.name for p in created] == ["Noor Hidayati, S.T., M.Si.", "Ahmad Fauzan"]


def test_a_ticked_probable_duplicate_is_imported():
    meeting = make_meeting(organizer=agency_of("63"))
    row = ["Noor Hidayati", "Bappeda Kab. Tanah Laut"]
    report = imports.preview(meeting, csv_bytes([["Nama", "Instansi"], row, row]), "peserta.csv", 100,
                             keep_lines={3})
    assert report.ok and not imports.left_out(report) and report.rows[1].keep
    assert len(imports.commit(meeting, report, keep_lines={3})) == 2


def test_a_person_already_registered_is_left_out_unless_ticked():
    from rakor.participants.services import clean_participant, register_participant

    meeting = make_meeting(organizer=agency_of("63"))
    tanah_laut = agency_of("63.01")
    register_participant(meeting, clean_participant({"name": "Noor Hidayati", "email": "noor@tala.go.id"},
                                                    tanah_laut.id).data)
    rows = [["Nama", "Email", "Instansi"], ["noor  hidayati", "", "Bappeda Kab. Tanah Laut"],
            ["Noor Hidayati", "noor.lain@tala.go.id", "Bappeda Kab. Tanah Laut"],  # told apart: a namesake
            ["Ahmad Fauzan", "", "Bappeda Kab. Tanah Laut"]]
    ticked = imports.preview(meeting, csv_bytes(rows), "peserta.csv", 100, keep_lines={2})
    # Line 2 ticked: line 3 (an e-mail, line 2 none) is not told apart from it any more.
    assert ticked.ok and [r.line for r in imports.left_out(ticked)] == [3]
    ticked = imports.preview(meeting, csv_bytes(rows), "peserta.csv", 100, keep_lines={2, 3})
    assert ticked.ok and not imports.left_out(ticked)
    report = preview(meeting, rows)
    assert report.ok and [r.line for r in imports.left_out(report)] == [2]
    assert report.rows[1].duplicate is None and report.rows[1].warnings
    assert len(imports.commit(meeting, report)) == 2


def test_real_errors_still_refuse_the_whole_file_with_duplicates_in_it():
    meeting = make_meeting(organizer=agency_of("63"))
    row = ["Noor Hidayati", "Bappeda Kab. Tanah Laut"]
    report = preview(meeting, [["Nama", "Instansi"], row, row, ["Budi", "Dinas Antah Berantah"]])
    assert not report.ok and [r.line for r in report.error_rows] == [4]
    assert db.session.scalar(select(Participant.id).where(Participant.meeting_id == meeting.id)) is None


def test_namesakes_told_apart_by_their_nips_are_both_imported_with_a_warning():
    meeting = make_meeting(organizer=agency_of("63"))
    report = preview(meeting, [["Nama", "NIP", "Instansi"],
                               ["Ahmad Fauzi", "198001012005011001", "Bappeda Kab. Tanah Laut"],
                               ["Ahmad Fauzi", "198502022010011002", "Bappeda Kab. Tanah Laut"]])
    assert report.ok, report.problems()
    assert report.rows[1].warnings and not report.rows[1].errors


def test_the_committee_form_and_the_delegate_form_take_the_rank(client, login_as):
    meeting = make_meeting(organizer=agency_of("63"))
    tanah_laut = agency_of("63.01")
    make_quota(meeting, tanah_laut)
    login_as("committee")
    response = client.post(f"/meetings/{meeting.id}/participants/new", data={
        "name": "Ir. H. Rahmadi, M.T.", "nip": "196801011995031001", "position": "Kepala Bappeda",
        "rank": "pembina utama muda iv/c", "agency_id": str(tanah_laut.id), "phone": "", "email": "",
        "gender": "L", "meeting_role": "peserta"})
    assert response.status_code == 302
    p = db.session.scalar(select(Participant).where(Participant.meeting_id == meeting.id))
    assert p.rank == "Pembina Utama Muda (IV/c)"
    edit = client.get(f"/meetings/{meeting.id}/participants/{p.id}/edit").get_data(as_text=True)
    assert 'name="rank"' in edit and 'value="Pembina Utama Muda (IV/c)"' in edit
    # Too long: refused on its field, what was typed is kept, nothing is stored.
    response = client.post(f"/meetings/{meeting.id}/participants/new", data={
        "name": "Noor Hidayati", "rank": "x" * 101, "agency_id": str(tanah_laut.id), "meeting_role": "peserta"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Noor Hidayati"' in page and "100" in page
    assert len(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)).all()) == 1
