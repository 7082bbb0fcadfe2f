"""Commitment import: headers in Indonesian or English, CSV and XLSX, every row checked by the
domain's rules, all or nothing, references update their commitment; and its pages."""
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from rakor.commitments import imports, services
from rakor.commitments.models import Commitment, CommitmentEvent
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.factories import make_meeting, make_quota
from tests.helpers import csv_bytes, xlsx_bytes

ID_HEADER = ["No", "Instansi", "Topik", "Program/Kegiatan", "Kode Program", "Indikator", "Target",
             "Tanggal Target", "OPD Penanggung Jawab", "Anggaran (Rp)", "Sumber Dana", "Tahun Anggaran"]


def count(meeting):
    return db.session.scalar(select(func.count(Commitment.id)).where(Commitment.meeting_id == meeting.id))


def commitments(meeting):
    return db.session.scalars(select(Commitment).where(Commitment.meeting_id == meeting.id)
                              .order_by(Commitment.id)).all()


def run(cm, rows, *, meeting=None, confirm_direction=False, filename="kesepakatan.csv", by_user=None):
    """Preview `rows` (a list of lists: CSV; bytes: as they are) and commit when valid."""
    content = rows if isinstance(rows, bytes) else csv_bytes(rows)
    report, outcome = imports.import_file(meeting or cm.meeting, content, by_user or cm.committee,
                                          filename=filename, confirm_direction=confirm_direction)
    return report, outcome


def errors(report):
    """{(line, column): message in English}."""
    with force_locale("en"):
        return {(r.line, f): str(m) for r in report.rows for f, m in r.errors.items()}


def test_a_csv_with_indonesian_headers_creates_submitted_commitments(cm):
    report, outcome = run(cm, [
        ID_HEADER,
        ["1", "Bappeda U1", "", "Perluasan jaminan sosial", "1.06.05", "KEMISKINAN", "5,75", "31/12/2024",
         "Dinas Sosial", "Rp 1.250.000.000", "APBD", "2024"],
        ["2", "96.02", "Kawasan Perdesaan", "Penataan desa", "2.13.02", "", "", "2024-12-31",
         "DPMD", "1,25 M", "APBN / DAK", "2024"],
    ])
    assert report.ok, report.problems()
    assert outcome.created == 2
    first, second = commitments(cm.meeting)
    assert first.status == second.status == "submitted"
    assert first.agency_id == cm.agencies[0].id and second.agency_id == cm.agencies[1].id
    assert (first.baseline_value, first.baseline_year) == (Decimal("6.25"), 2023)  # official value
    assert first.target_value == Decimal("5.75") and first.target_date == date(2024, 12, 31)
    assert first.topic_id == cm.poverty and second.topic_id == cm.rural
    assert first.budget == second.budget == Decimal("1250000000")
    assert (first.funding_source, second.funding_source) == ("apbd", "apbn_dak")
    assert first.reference.endswith("-96.01-01")


def test_an_xlsx_with_english_headers_and_a_status_column_creates_agreed_commitments(cm):
    content = xlsx_bytes([
        ["Reference", "Agency", "Programme", "Programme code", "Indicator", "Baseline", "Baseline year",
         "Target", "Target date", "Budget", "Funding source", "Budget year", "Status"],
        ["", "Bappeda Kabupaten Uji 1", "Stunting", "1.02.02", "Stunting prevalence among children under five",
         24.5, 2023, 20, datetime(2024, 12, 31), 750000000, "csr", 2024, "agreed"],
        ["", "Bappeda U2", "IPM", "1.01.02", "IPM", "70,1", "2023", "70,9", "31 Desember 2024", "750 jt",
         "Lainnya", "2024", "Disepakati"],
    ])
    report, outcome = run(cm, content, filename="commitments.xlsx")
    assert report.ok, report.problems()
    assert report.kind == "xlsx" and outcome.created == 2
    first, second = commitments(cm.meeting)
    assert first.status == second.status == "agreed" and first.agreed_at is not None
    assert first.baseline_value == Decimal("24.5") and first.target_value == Decimal("20")
    assert second.baseline_value == Decimal("70.1") and second.target_date == date(2024, 12, 31)
    assert first.budget == second.budget == Decimal("750000000")
    assert (first.funding_source, second.funding_source) == ("csr", "other")
    events = db.session.scalars(select(CommitmentEvent).where(CommitmentEvent.commitment_id == first.id)).all()
    assert [(e.kind, e.to_status, e.user_id) for e in events] == [("created", "agreed", cm.committee.id)]


def test_one_bad_row_and_nothing_is_written(cm):
    report, outcome = run(cm, [
        ID_HEADER,
        ["1", "Bappeda U1", "", "Baik", "1.06.05", "", "", "", "", "", "", ""],
        ["2", "Bappeda U2", "", "Kode salah", "9.99.99", "", "", "", "", "", "", ""],
        ["3", "Bappeda U2", "", "", "1.06.05", "", "", "", "", "", "", ""],
    ])
    assert not report.ok and outcome is None
    assert [r.status for r in report.rows] == ["ok", "error", "error"]
    problems = errors(report)
    assert "9.99.99" in problems[(3, "programme_code")]  # the unknown programme code
    assert (4, "title") in problems
    assert any("Kode Program" in line for line in report.problems())
    assert count(cm.meeting) == 0
    with pytest.raises(ValueError):
        imports.commit(cm.meeting, report, cm.committee)


def test_an_agency_that_is_not_invited_is_an_error_of_its_row(cm):
    report, _outcome = run(cm, [["Instansi", "Program/Kegiatan"], ["Bappeda U3", "Tidak diundang"],
                                ["Dinas Entah", "Tidak ada"]])
    problems = errors(report)
    assert "not invited" in problems[(2, "agency")]
    assert "Dinas Entah" in problems[(3, "agency")]
    assert count(cm.meeting) == 0


@pytest.mark.parametrize("typed", ["1.250.000.000", "1,250,000,000", "Rp 1.250.000.000", "Rp1.250.000.000,00",
                                   "1,25 M", "1250000000", "1250 jt"])
def test_budget_spellings_read_as_the_same_amount(cm, typed):
    report, _outcome = run(cm, [["Instansi", "Program/Kegiatan", "Anggaran"], ["Bappeda U1", "Kegiatan", typed]])
    assert report.ok, report.problems()
    assert commitments(cm.meeting)[0].budget == Decimal("1250000000")


@pytest.mark.parametrize("typed, message", [("banyak", "Rupiah"), ("-5", "negative"),
                                            ("1.25.0", "Rupiah"), ("1.250 jt", "Rupiah")])
def test_a_bad_budget_is_an_error_of_its_row(cm, typed, message):
    report, _outcome = run(cm, [["Instansi", "Program/Kegiatan", "Anggaran"], ["Bappeda U1", "Kegiatan", typed]])
    assert message in errors(report)[(2, "budget")]


def test_bad_values_are_errors_on_their_columns(cm):
    report, _outcome = run(cm, [
        ["Instansi", "Program/Kegiatan", "Indikator", "Target", "Tanggal Target", "Sumber Dana",
         "Tahun Anggaran", "Status", "Mata Acara", "Topik"],
        ["Bappeda U1", "A", "KEMISKINAN", "lima", "", "", "", "", "", ""],
        ["Bappeda U1", "B", "", "", "32/13/2024", "hibah", "dua ribu", "entah", "", ""],
        ["Bappeda U1", "C", "Kawasan Perdesaan", "5", "", "", "", "", "Sesi 9", "Topik Entah"],
        ["Bappeda U1", "D", "KEMISKINAN", "6,25", "", "", "", "", "", ""],
        ["Bappeda U1", "E", "KEMISKINAN", "5", "2024-01-31", "", "", "", "", ""],
    ])
    problems = errors(report)
    assert set(problems) == {(2, "target_value"), (3, "target_date"), (3, "funding_source"),
                             (3, "budget_year"), (3, "status"), (4, "indicator"), (4, "agenda_item"),
                             (4, "topic"), (5, "target_value"), (6, "target_date")}
    assert "equals the baseline" in problems[(5, "target_value")]
    assert "before the meeting" in problems[(6, "target_date")]


def test_status_words_decide_a_new_rows_status(cm):
    report, _outcome = run(cm, [["Instansi", "Program/Kegiatan", "Status"], ["Bappeda U1", "A", "Disepakati"],
                                ["Bappeda U1", "B", "diajukan"], ["Bappeda U1", "C", ""],
                                ["Bappeda U1", "D", "Dikembalikan"], ["Bappeda U1", "E", "Draf"]])
    assert report.ok, report.problems()
    # Issue 19 item 5: "Dikembalikan" (and "Draf") survive a re-import as new rows.
    assert [c.status for c in commitments(cm.meeting)] == ["agreed", "submitted", "submitted", "returned", "draft"]
    assert report.rows[3].status != "warning"
    report, _outcome = run(cm, [["Instansi", "Program/Kegiatan", "Status"], ["Bappeda U1", "E", "Ditarik"]])
    assert (2, "status") in errors(report)


def test_a_target_in_the_worse_direction_needs_the_confirmation(cm):
    rows = [["Instansi", "Program/Kegiatan", "Indikator", "Target"], ["Bappeda U1", "Naik", "KEMISKINAN", "7"]]
    report, outcome = run(cm, rows)
    assert outcome is None and "a lower value is better" in errors(report)[(2, "target_value")]
    assert imports.needs_direction_confirmation(report)
    assert count(cm.meeting) == 0
    report, outcome = run(cm, rows, confirm_direction=True)
    assert report.ok and outcome.created == 1
    assert commitments(cm.meeting)[0].target_value == Decimal("7")


def test_a_reference_of_this_meeting_updates_its_commitment(cm):
    existing = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    other = services.create_commitment(cm.meeting, data(cm, title="Lain"), cm.delegate, submit=True)
    report, outcome = run(cm, [
        ["Referensi", "Program/Kegiatan", "Anggaran"],
        [existing.reference.lower() + " ", "Judul baru", "2 M"],   # any case, stray space
        [other.reference, "Lain", "1.250.000.000"],                  # as it is: unchanged
    ], filename="ubah.csv")
    assert report.ok, report.problems()
    assert [r.action for r in report.rows] == ["update", "unchanged"]
    assert report.rows[0].changes == ["title", "budget"]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert count(cm.meeting) == 2
    db.session.refresh(existing)
    assert existing.title == "Judul baru" and existing.budget == Decimal("2000000000")
    assert existing.programme_code == "1.06.05"  # a column the file does not have keeps its value
    event = db.session.scalars(select(CommitmentEvent).where(CommitmentEvent.commitment_id == existing.id)
                               .order_by(CommitmentEvent.id.desc())).first()
    assert (event.kind, event.note) == ("updated", "Impor berkas ubah.csv")
    assert set(event.changes) == {"title", "budget"}


def test_an_import_amends_agreed_commitments_and_agrees_submitted_ones(cm):
    agreed = services.create_commitment(cm.meeting, data(cm), cm.committee, status="agreed")
    submitted = services.create_commitment(cm.meeting, data(cm, title="Diajukan"), cm.delegate, submit=True)
    report, outcome = run(cm, [["Referensi", "Program/Kegiatan", "Status"],
                               [agreed.reference, "Diubah", "Disepakati"],
                               [submitted.reference, "Diajukan", "Disepakati"]], filename="rapat.xlsx")
    assert report.ok, report.problems()
    assert (outcome.updated, outcome.agreed) == (1, 1)
    kinds = db.session.execute(select(CommitmentEvent.commitment_id, CommitmentEvent.kind, CommitmentEvent.note)
                               .order_by(CommitmentEvent.id)).all()
    assert (agreed.id, "amended", "Impor berkas rapat.xlsx") in kinds
    assert (submitted.id, "agreed", None) in kinds
    assert submitted.status == "agreed"


def test_references_of_other_meetings_unknown_or_repeated_are_refused(cm):
    mine = services.create_commitment(cm.meeting, data(cm), cm.committee)
    elsewhere = make_meeting(title="Rakor Lain")
    make_quota(elsewhere, cm.agencies[0])
    theirs = services.create_commitment(elsewhere, data(cm), cm.committee)
    report, _outcome = run(cm, [["Referensi", "Instansi", "Program/Kegiatan"],
                                [theirs.reference, "Bappeda U1", "A"],
                                ["RK-2024-9999-96.01-01", "Bappeda U1", "B"],
                                [mine.reference, "Bappeda U1", "C"],
                                [mine.reference, "Bappeda U1", "D"],
                                [mine.reference, "Bappeda U2", "E"]])
    problems = errors(report)
    assert "Rakor Lain" in problems[(2, "reference")] and "Clear the reference" in problems[(2, "reference")]
    assert "RK-2024-9999-96.01-01" in problems[(3, "reference")]
    assert "line 4" in problems[(5, "reference")]
    assert report.rows[2].status == "ok"
    assert count(cm.meeting) == 1 and mine.title == "Percepatan penurunan kemiskinan ekstrem"


def test_after_the_final_minutes_only_amendments_of_agreed_commitments_are_imported(cm):
    agreed = services.create_commitment(cm.meeting, data(cm), cm.committee, status="agreed")
    submitted = services.create_commitment(cm.meeting, data(cm, title="Diajukan"), cm.committee, submit=True)
    cm.meeting.status = "minutes_final"
    report, _outcome = run(cm, [["Referensi", "Instansi", "Program/Kegiatan"],
                                [agreed.reference, "", "Diamandemen"],
                                [submitted.reference, "", "Diubah"],
                                ["", "Bappeda U1", "Baru"]])
    assert [r.status for r in report.rows] == ["ok", "error", "error"]
    assert set(errors(report)) == {(3, "row"), (4, "row")}
    report, outcome = run(cm, [["Referensi", "Program/Kegiatan"], [agreed.reference, "Diamandemen"]])
    assert report.ok and outcome.updated == 1 and agreed.title == "Diamandemen"


def test_a_draft_meeting_takes_no_import(cm):
    cm.meeting.status = "draft"
    report, _outcome = run(cm, [["Instansi", "Program/Kegiatan"], ["Bappeda U1", "A"]])
    assert report.file_errors and not report.ok


def test_a_file_without_agency_or_title_column_is_refused_as_a_whole(cm):
    report, _outcome = run(cm, [["Program/Kegiatan", "Anggaran"], ["A", "1"]])
    assert report.file_errors and not report.rows
    report, _outcome = run(cm, [["Instansi", "Anggaran"], ["Bappeda U1", "1"]])
    assert report.file_errors  # no header: the title column is required


def test_the_import_checks_the_file_in_a_fixed_number_of_queries(cm, count_queries):
    def rows(n):
        return [["Instansi", "Program/Kegiatan", "Kode Program", "Indikator", "Target", "Anggaran"]] + [
            ["Bappeda U2", f"Kegiatan {i}", "1.06.05", "IPM", "80", "1 M"] for i in range(n)]

    with count_queries() as few:
        assert imports.preview(cm.meeting, csv_bytes(rows(2))).ok
    with count_queries() as many:
        assert imports.preview(cm.meeting, csv_bytes(rows(12))).ok
    # services.validate asks once per row whether the agency takes part, and for the official
    # baseline when the region has none (IPM here): two queries a row, nothing more.
    assert many() - few() <= 2 * 10


# --- pages ---------------------------------------------------------------------------------

def upload(client, meeting, content, name="kesepakatan.csv", **fields):
    return client.post(f"/meetings/{meeting.id}/commitments/import",
                       data={"file": (io.BytesIO(content), name), **fields}, content_type="multipart/form-data")


def token_of(html):
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def test_upload_preview_confirm(client, login_as, cm):
    login_as("committee")
    db.session.commit()
    page = client.get(f"/meetings/{cm.meeting.id}/commitments/import")
    assert page.status_code == 200 and "program/kegiatan" in page.get_data(as_text=True)
    response = upload(client, cm.meeting, csv_bytes([["Instansi", "Program/Kegiatan", "Anggaran"],
                                                     ["Bappeda U1", "Satu", "1,25 M"],
                                                     ["Bappeda U2", "Dua", ""]]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-confirm-button"' in html
    assert "Rp" in html and "Bappeda Kabupaten Uji 2" in html
    assert count(cm.meeting) == 0  # the preview writes nothing
    token = token_of(html)
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/import/confirm", data={"token": token})
    assert response.status_code == 302 and count(cm.meeting) == 2
    # The same confirmation again (double click, back button) imports nothing more.
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/import/confirm", data={"token": token})
    assert response.status_code == 302 and count(cm.meeting) == 2


def test_the_preview_page_confirms_targets_in_the_worse_direction(client, login_as, cm):
    login_as("committee")
    db.session.commit()
    response = upload(client, cm.meeting, csv_bytes([["Instansi", "Program/Kegiatan", "Indikator", "Target"],
                                                     ["Bappeda U1", "Naik", "KEMISKINAN", "7"]]))
    html = response.get_data(as_text=True)
    assert 'id="import-recheck-button"' in html and 'id="import-confirm-button"' not in html
    token = token_of(html)
    # Confirming without the checkbox is refused; nothing is written.
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/import/confirm", data={"token": token})
    assert response.status_code == 409 and count(cm.meeting) == 0
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/import/preview",
                           data={"token": token, "confirm_direction": "y"})
    html = response.get_data(as_text=True)
    assert 'id="import-confirm-button"' in html and 'name="confirm_direction" value="y"' in html
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/import/confirm",
                           data={"token": token_of(html), "confirm_direction": "y"})
    assert response.status_code == 302 and count(cm.meeting) == 1


def test_a_file_with_errors_offers_no_import(client, login_as, cm):
    login_as("committee")
    db.session.commit()
    response = upload(client, cm.meeting, csv_bytes([["Instansi", "Program/Kegiatan"], ["Bappeda U3", "X"]]))
    html = response.get_data(as_text=True)
    assert 'data-line="2" data-status="error"' in html and 'name="token"' not in html
    assert "tidak diundang" in html
    response = upload(client, cm.meeting, b"%PDF-1.4 bukan tabel")
    assert response.status_code == 400


def test_a_token_works_only_for_its_meeting_and_user(client, login_as, cm, app):
    login_as("committee")
    db.session.commit()
    html = upload(client, cm.meeting, csv_bytes([["Instansi", "Program/Kegiatan"], ["Bappeda U1", "X"]])
                  ).get_data(as_text=True)
    token = token_of(html)
    other = make_meeting()
    db.session.commit()
    response = client.post(f"/meetings/{other.id}/commitments/import/confirm", data={"token": token})
    assert response.status_code == 302 and count(other) == 0
    login_as("committee")  # another committee member
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/import/confirm", data={"token": token})
    assert response.status_code == 302 and count(cm.meeting) == 0


@pytest.mark.parametrize("role", ["delegate", "leadership", "admin"])
def test_only_the_committee_reaches_the_import(client, login_as, cm, role):
    login_as(role, agency=cm.agencies[0] if role == "delegate" else None)
    db.session.commit()
    base = f"/meetings/{cm.meeting.id}/commitments/import"
    assert client.get(base).status_code == 403
    content = csv_bytes([["Instansi", "Program/Kegiatan"], ["Bappeda U1", "X"]])
    assert upload(client, cm.meeting, content).status_code == 403
    for step in ("preview", "confirm"):
        assert client.post(f"{base}/{step}", data={"token": "x" * 43}).status_code == 403
    assert count(cm.meeting) == 0
