"""Hostile or broken import files cost little and answer with a message, never a 500; imported
text obeys the same rule as forms (issue 8, defects 3 and 10)."""
import functools
import io
import zipfile

import pytest
from sqlalchemy import func, select

from rakor.core.tabular import XLSX_MAX_PART_BYTES
from rakor.extensions import db
from rakor.participants import imports
from rakor.participants.models import Participant
from tests.factories import make_meeting
from tests.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.usefixtures("kalsel")


def messages(report):
    return "\n".join(report.problems())


def long_field_csv(size):
    """A header line whose last cell is `size` characters long, then a normal row."""
    return ("Nama,Instansi,Catatan\r\nBudi,Bappeda Kabupaten Kotabaru,\"" + "x" * size + "\"\r\n").encode()


def unclosed_quote_csv(size):
    """A quote opened on line 2 and never closed: the rest of the file is one 'cell'."""
    return ("Nama,Instansi\r\n\"Budi,Bappeda Kabupaten Kotabaru\r\n" + "Ani,Bappeda\r\n" * (size // 12)).encode()


def first_line_field_csv(size):
    return ("\"" + "x" * size + "\"\r\nNama,Instansi\r\nBudi,Bappeda Kabupaten Kotabaru\r\n").encode()


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


@functools.cache
def xlsx_bomb(part_bytes):
    """A valid participant workbook plus a shared-strings part (declared in the content types and
    the workbook's relations, so openpyxl loads it) that inflates to `part_bytes` from a few
    hundred KB of zip."""
    plain = xlsx_bytes([["Nama", "Instansi"], ["Budi", "Bappeda Kabupaten Kotabaru"]])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    + SST_TYPE + b'" /></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="' + SST_REL
                                    + b'" Target="sharedStrings.xml" /></Relationships>')
            dst.writestr(info, data)
        with dst.open("xl/sharedStrings.xml", "w") as part:
            part.write(SST)
            chunk = b"A" * (1024 * 1024)
            for _ in range(part_bytes // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return buf.getvalue()


@pytest.mark.parametrize("content", [
    long_field_csv(140_000),  # over csv's own field limit (128 KB): _csv.Error in sniffing before
    long_field_csv(40_000),  # over what an Excel cell holds
    first_line_field_csv(200_000),
    unclosed_quote_csv(300_000),
], ids=["header-140k", "row-40k", "title-200k", "unclosed-quote"])
def test_a_csv_cell_over_the_bound_is_refused_with_a_message(content):
    report = imports.preview(make_meeting(), content, "peserta.csv", 100)
    assert not report.ok and report.rows == []
    assert "lebih panjang dari 32.767 karakter" in messages(report)


def test_an_xlsx_part_that_inflates_beyond_the_bound_is_refused_before_parsing():
    content = xlsx_bomb(XLSX_MAX_PART_BYTES + 1024 * 1024)
    assert len(content) < 400_000
    report = imports.preview(make_meeting(), content, "peserta.xlsx", 100)
    assert not report.ok and report.rows == []
    assert "xl/sharedStrings.xml" in messages(report) and "32 MB" in messages(report)


def test_bounds_answer_400_with_the_message_through_the_upload_page(client, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    for content, name, text in [
        (long_field_csv(140_000), "peserta.csv", "32.767 karakter"),
        (xlsx_bomb(XLSX_MAX_PART_BYTES + 1024 * 1024), "peserta.xlsx", "xl/sharedStrings.xml"),
    ]:
        response = client.post(f"/meetings/{meeting.id}/participants/import",
                               data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert response.status_code == 400
        assert text in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id)) == 0


def test_imported_text_obeys_the_form_rule_no_control_bidi_or_zero_width_characters():
    content = csv_bytes([
        ["Nama", "Jabatan", "Instansi"],
        ["Budi\x1b Santoso\u202e", "Kepala\nBidang", "Bappeda\u200b Kabupaten Kotabaru"],
        ["Noe\u0308l", "Staf\x7f", "Bappeda Kabupaten Kotabaru"],
    ])
    report = imports.preview(make_meeting(), content, "peserta.csv", 100)
    assert report.ok, messages(report)
    first, second = (r.data for r in report.rows)
    assert first.name == "Budi Santoso" and first.position == "Kepala Bidang"
    assert report.rows[0].agency.name == "Bappeda Kabupaten Kotabaru"
    assert second.name == "No\u00ebl" and second.position == "Staf"  # NFC, DEL removed


def test_xlsx_text_cells_are_cleaned_too():
    content = xlsx_bytes([["Nama", "Instansi"], ["\u2066Ani\u2069 Lestari", "Bappeda Kabupaten Kotabaru"]])
    report = imports.preview(make_meeting(), content, "peserta.xlsx", 100)
    assert report.ok, messages(report)
    assert report.rows[0].data.name == "Ani Lestari"


def test_a_neutralised_cell_reads_back_as_typed():
    content = csv_bytes([["Nama", "Jabatan", "Instansi"],
                         ["'-Ahmad", "'=Kepala", "Bappeda Kabupaten Kotabaru"],
                         ["'Ani", "-", "Bappeda Kabupaten Kotabaru"]])
    report = imports.preview(make_meeting(), content, "peserta.csv", 100)
    assert report.ok, messages(report)
    assert [(r.data.name, r.data.position) for r in report.rows] == [("-Ahmad", "=Kepala"), ("'Ani", "-")]
