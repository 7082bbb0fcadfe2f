"""The XLSX exports opened and saved by LibreOffice Calc in an Indonesian (id-ID) locale, then
imported again (issue 19 item 4): the participants' NIPs and phones stay text, commitments and
progress keep typed numbers and dates, and every file re-imports: participants into another
meeting, commitments and progress into their own, changing nothing. LibreOffice headless
(`libreoffice-calc-nogui`) is optional; without it the test is skipped with a visible notice.
The CSVs are for other systems (README): a spreadsheet may turn an 18-digit NIP into a number."""
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from rakor.commitments import exports as commitment_exports
from rakor.commitments import imports as commitment_imports
from rakor.participants import exports as participant_exports
from rakor.participants import imports as participant_imports
from rakor.progress import exports as progress_exports
from rakor.progress import imports as progress_imports
from rakor.progress import services, workdays
from tests.factories import make_meeting, make_participant, make_quota
from tests.progress.conftest import TODAY, update

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ID_LOCALE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>id-ID</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>id-ID</value></prop></item>
</oor:items>
"""

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LIBREOFFICE ROUND TRIP SKIPPED: soffice not found "
                                                        "(apt-get install libreoffice-calc-nogui)")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def through_libreoffice(tmp_path, files: dict[str, bytes]) -> dict[str, bytes]:
    """Each file opened and saved again as XLSX by LibreOffice Calc with an id-ID profile."""
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ID_LOCALE, encoding="utf-8")
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name, content in files.items():
        (source / name).write_bytes(content)
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                    *sorted(str(source / name) for name in files)],
                   check=True, capture_output=True, timeout=300)
    return {name: (out / name).read_bytes() for name in files}


def test_the_xlsx_exports_survive_libreoffice_in_an_indonesian_locale(tmp_path, pg):
    meeting = pg.meeting
    nip, phone = "198503302010011002", "081234567890"
    make_participant(meeting, pg.agencies[0], name="Ir. Budi Santoso", nip=nip, phone=phone)
    services.report(pg.poverty_c, update(period="2024-Q3", realised_value=Decimal("6.125"),
                                         budget_realised=Decimal("625000000.50")), pg.committee, today=TODAY)
    services.report(pg.rural_c, update(period="2024-Q3", percent=Decimal("110"), status="done"), pg.committee,
                    confirm_percent=True, today=TODAY)
    saved = through_libreoffice(tmp_path, {
        "peserta.xlsx": participant_exports.export(meeting.id, "xlsx"),
        "kesepakatan.xlsx": commitment_exports.export(meeting, "xlsx"),
        "kemajuan.xlsx": progress_exports.export(meeting.id, "xlsx"),
    })

    people = load_workbook(io.BytesIO(saved["peserta.xlsx"])).worksheets[0]
    header = [c.value for c in people[1]]
    row = {h: c for h, c in zip(header, people[2], strict=False)}
    assert row["NIP"].value == nip and row["NIP"].data_type == "s"
    assert str(row["No HP"].value).lstrip("'") in (phone, "0812-3456-7890") and row["No HP"].data_type == "s"
    other = make_meeting(title="Rakor berikutnya")
    make_quota(other, pg.agencies[0])
    report, outcome = participant_imports.import_file(other, saved["peserta.xlsx"], filename="peserta.xlsx",
                                                     by_user=pg.committee)
    assert report.ok, report.problems()

    sheet = load_workbook(io.BytesIO(saved["kesepakatan.xlsx"])).worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = {h: c for h, c in zip(header, sheet[2], strict=False)}
    assert cells["Anggaran (Rp)"].data_type == "n" and cells["Target"].data_type == "n"
    assert cells["Tanggal Target"].is_date
    report, outcome = commitment_imports.import_file(meeting, saved["kesepakatan.xlsx"], pg.committee,
                                                     filename="kesepakatan.xlsx")
    assert report.ok, report.problems()
    assert outcome.created == outcome.updated == 0

    report, outcome = progress_imports.import_file(saved["kemajuan.xlsx"], pg.committee, filename="kemajuan.xlsx",
                                                   today=TODAY)
    assert report.ok, report.problems()
    assert outcome["unchanged"] == 2 and outcome["create"] == outcome["revise"] == 0
