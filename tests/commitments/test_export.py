"""Commitment export: the columns the import reads, values that read back exactly, formulas
neutralised; round trips into the same meeting (nothing changes) and into another one (the
same commitments); who may download it."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from rakor.commitments import exports, imports, services
from rakor.commitments.models import Commitment, CommitmentEvent
from rakor.commitments.services import CommitmentData
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.factories import make_agenda_item, make_meeting, make_quota

FORMULAS = ['=HYPERLINK("http://contoh.invalid","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


def demo_like(cm):
    """Commitments in every status, with the awkward values: an agenda item, a multi-line
    description, three decimals, cents, no indicator, no budget, formula-like titles."""
    item = make_agenda_item(cm.meeting, title="Penanggulangan Kemiskinan", topic_id=cm.poverty)
    committee, delegate = cm.committee, cm.delegate
    agreed = services.create_commitment(cm.meeting, data(cm, agenda_item_id=item.id, contact_person="Ibu Sari",
                                                         description="Baris satu\nBaris dua"),
                                        committee, status="agreed")
    ipm = services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[1].id, indicator_id=cm.ipm,
                                                      baseline_value=Decimal("70.125"), baseline_year=2023,
                                                      target_value=Decimal("71"), budget=Decimal("1250000.50"),
                                                      funding_source="apbn_dak", programme_code="1.01.02"),
                                     cm.other_delegate, submit=True)
    returned = services.create_commitment(cm.meeting, data(cm, title="Penataan desa", indicator_id=None,
                                                           target_value=None, topic_id=cm.rural, budget=None,
                                                           funding_source=None, target_date=None),
                                          delegate, submit=True)
    services.change_status(returned, "returned", committee, note="Lengkapi OPD.")
    draft = services.create_commitment(cm.meeting, data(cm, title="Masih draf"), delegate)
    withdrawn = services.create_commitment(cm.meeting, data(cm, title="Ditarik"), delegate)
    services.change_status(withdrawn, "withdrawn", delegate)
    tricky = [services.create_commitment(cm.meeting, data(cm, title=title, indicator_id=None, target_value=None),
                                         committee, status="agreed") for title in FORMULAS]
    return [agreed, ipm, returned, draft, *tricky], withdrawn


def csv_rows(content):
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def events():
    return db.session.scalar(select(func.count(CommitmentEvent.id)))


def test_the_csv_has_the_reference_first_indonesian_headers_and_re_importable_values(cm):
    kept, withdrawn = demo_like(cm)
    rows = csv_rows(exports.export(cm.meeting, "csv"))
    header = rows[0]
    assert header[:3] == ["Referensi", "Kode Wilayah", "Instansi"]
    assert {"Program/Kegiatan", "Kode Program", "Indikator", "Nilai Dasar", "Target", "Anggaran (Rp)",
            "Sumber Dana", "Tahun Anggaran", "Status"} <= set(header)
    by_ref = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert withdrawn.reference not in by_ref and len(by_ref) == len(kept)
    agreed, ipm = by_ref[kept[0].reference], by_ref[kept[1].reference]
    assert (agreed["Nilai Dasar"], agreed["Target"], agreed["Tanggal Target"]) == ("6,25", "5,75", "2024-12-31")
    assert (agreed["Anggaran (Rp)"], agreed["Sumber Dana"], agreed["Status"]) == ("1250000000", "APBD", "Disepakati")
    assert agreed["Mata Acara"] == "Penanggulangan Kemiskinan" and agreed["Uraian"] == "Baris satu\nBaris dua"
    assert (ipm["Nilai Dasar"], ipm["Anggaran (Rp)"], ipm["Sumber Dana"]) == ("70,1250", "1250000,50", "APBN/DAK")
    assert ipm["Kode Wilayah"] == "96.02" and ipm["Instansi"] == "Bappeda Kabupaten Uji 2"
    assert by_ref[kept[2].reference]["Status"] == "Dikembalikan"


def test_formula_cells_are_neutralised_in_csv_and_xlsx(cm):
    kept, _withdrawn = demo_like(cm)
    titles = {r[5] for r in csv_rows(exports.export(cm.meeting, "csv"))[1:]}
    assert {"'" + f for f in FORMULAS} <= titles
    sheet = load_workbook(io.BytesIO(exports.export(cm.meeting, "xlsx"))).worksheets[0]
    cells = [row[5] for row in sheet.iter_rows(min_row=2)]
    tricky = [c for c in cells if c.value.lstrip("'") in FORMULAS]
    assert len(tricky) == 4 and all(c.data_type == "s" and c.value.startswith("'") for c in tricky)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_the_same_meeting_changes_nothing(cm, fmt):
    kept, _withdrawn = demo_like(cm)
    before = [(CommitmentData.of(c), c.status, c.version) for c in kept]
    written = events()
    report, outcome = imports.import_file(cm.meeting, exports.export(cm.meeting, fmt), cm.committee,
                                          filename=f"kesepakatan.{fmt}")
    assert report.ok, report.problems()
    assert [r.action for r in report.rows] == ["unchanged"] * len(kept)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, len(kept))
    assert events() == written
    for c in kept:
        db.session.refresh(c)
    assert [(CommitmentData.of(c), c.status, c.version) for c in kept] == before


def _without_references(content, fmt):
    """The file with its reference column emptied, as a person adding the rows elsewhere would."""
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content))
        for (cell,) in book.worksheets[0].iter_rows(min_row=2, max_col=1):
            cell.value = None
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    rows = csv_rows(content)
    buf = io.StringIO()
    csv.writer(buf).writerows([rows[0]] + [["", *row[1:]] for row in rows[1:]])
    return buf.getvalue().encode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_another_meeting_gives_the_same_commitments(cm, fmt):
    kept, _withdrawn = demo_like(cm)
    follow_up = make_meeting(title="Rakor Lanjutan")
    for agency in cm.agencies[:2]:
        make_quota(follow_up, agency)
    item = make_agenda_item(follow_up, title="Penanggulangan Kemiskinan")
    content = exports.export(cm.meeting, fmt)

    # As exported, every row names a commitment of the first meeting: refused, nothing written.
    report, outcome = imports.import_file(follow_up, content, cm.committee)
    assert outcome is None and all("reference" in r.errors for r in report.rows)

    cleared = _without_references(content, fmt)
    report, outcome = imports.import_file(follow_up, cleared, cm.committee)
    assert report.ok, report.problems()
    assert outcome.created == len(kept)
    copies = db.session.scalars(select(Commitment).where(Commitment.meeting_id == follow_up.id)
                                .order_by(Commitment.id)).all()

    def content_of(c, agenda_item_id):
        d = CommitmentData.of(c)
        d.agenda_item_id = agenda_item_id
        return d

    originals = sorted(kept, key=lambda c: (c.agency.region.kemendagri_code, c.agency.name, c.sequence))
    assert [content_of(c, None) for c in copies] == [content_of(c, None) for c in originals]
    assert [c.agenda_item_id for c in copies].count(item.id) == 1
    # Every status comes back, "Dikembalikan" and "Draf" too (issue 19 item 5).
    assert [c.status for c in copies] == [c.status for c in originals]
    assert "returned" in [c.status for c in copies]
    assert {c.title for c in copies} >= set(FORMULAS)  # typed again as they were


def test_the_export_runs_in_a_fixed_number_of_queries(cm, count_queries):
    services.create_commitment(cm.meeting, data(cm), cm.committee)
    with count_queries() as few:
        exports.export(cm.meeting, "xlsx")
    demo_like(cm)
    with count_queries() as many:
        exports.export(cm.meeting, "xlsx")
    assert few() == many() == 2


# --- the download --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["committee", "leadership"])
def test_committee_and_leadership_download_csv_and_xlsx(client, login_as, cm, role):
    services.create_commitment(cm.meeting, data(cm, target_date=date(2024, 6, 30)), cm.committee)
    login_as(role)
    response = client.get(f"/meetings/{cm.meeting.id}/commitments/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="kesepakatan-2024-02-01-rakor-kesepakatan-uji.csv"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "2024-06-30" in response.get_data(as_text=True)
    response = client.get(f"/meetings/{cm.meeting.id}/commitments/export.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get(f"/meetings/{cm.meeting.id}/commitments/export.pdf").status_code == 404


@pytest.mark.parametrize("role", ["delegate", "admin"])
def test_delegates_and_admins_cannot_download_the_export(client, login_as, cm, role):
    services.create_commitment(cm.meeting, data(cm), cm.committee)
    login_as(role, agency=cm.agencies[0] if role == "delegate" else None)
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/meetings/{cm.meeting.id}/commitments/export.{fmt}").status_code == 403


@pytest.mark.parametrize("role, links", [
    ("committee", ["link-commitments-import", "link-commitments-csv", "link-commitments-xlsx"]),
    ("leadership", ["link-commitments-csv", "link-commitments-xlsx"]),
    ("delegate", []),
])
def test_the_list_links_to_import_and_export_for_those_who_may(client, login_as, cm, role, links):
    login_as(role, agency=cm.agencies[0] if role == "delegate" else None)
    html = client.get(f"/meetings/{cm.meeting.id}/commitments").get_data(as_text=True)
    shown = [i for i in ("link-commitments-import", "link-commitments-csv", "link-commitments-xlsx")
             if f'id="{i}"' in html]
    assert shown == links
