"""One CSV dialect for every export (issue 19 item 3): ';' separated, as the participant export
(an Indonesian-locale spreadsheet, whose list separator is ';', opens a ',' file as one column),
UTF-8 with BOM; decimals keep their comma inside a cell without quotes."""
import csv
import io
from decimal import Decimal

from rakor.commitments import exports as commitment_exports
from rakor.core import tabular
from rakor.participants import exports as participant_exports
from rakor.progress import exports as progress_exports
from rakor.progress import services, stats
from tests.progress.conftest import TODAY, update


def lines(content):
    assert content.startswith(b"\xef\xbb\xbf")
    return content[3:].decode("utf-8").split("\r\n")


def test_every_csv_export_is_semicolon_separated(pg):
    services.report(pg.ipm_c, update(period="2024-Q1", realised_value=Decimal("71.22")), pg.committee, today=TODAY)
    files = {
        "participants": participant_exports.export(pg.meeting.id, "csv"),
        "commitments": commitment_exports.export(pg.meeting, "csv"),
        "progress": progress_exports.export(pg.meeting.id, "csv"),
        "overdue": progress_exports.overdue_file(stats.Filters(), TODAY, "csv"),
        "links": tabular.to_csv([tabular.ExportColumn("Instansi"), tabular.ExportColumn("Tautan")], [["A", "B"]]),
    }
    for name, content in files.items():
        header = lines(content)[0]
        assert "," not in header and header.count(";") >= 1, (name, header)
        rows = list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))
        assert all(len(row) == len(rows[0]) for row in rows if row), name
    progress = lines(files["progress"])
    assert any(";71,22;" in line for line in progress), progress  # the decimal comma, unquoted
