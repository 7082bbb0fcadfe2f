"""`flask commitments import|export`: the participant import's exit codes (0 imported, 1
nothing imported, 2 wrong arguments), --dry-run writes nothing, --confirm-direction."""
from sqlalchemy import func, select

from rakor.commitments import services
from rakor.commitments.models import Commitment, CommitmentEvent
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.helpers import csv_bytes


def count(meeting):
    return db.session.scalar(select(func.count(Commitment.id)).where(Commitment.meeting_id == meeting.id))


def write(tmp_path, rows, name="kesepakatan.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def test_dry_run_then_import_then_export(app, cm, tmp_path):
    runner = app.test_cli_runner()
    existing = services.create_commitment(cm.meeting, data(cm), cm.committee, submit=True)
    db.session.commit()  # the command's rollback must not take the test's data with it
    path = write(tmp_path, [["Referensi", "Instansi", "Program/Kegiatan", "Anggaran", "Status"],
                            [existing.reference, "", "Judul baru", "1,25 M", "Disepakati"],
                            ["", "Bappeda U2", "Baru", "Rp 500.000.000", ""]])
    result = runner.invoke(args=["commitments", "import", str(cm.meeting.id), str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 new, 1 changed, 0 unchanged; nothing was written" in result.output
    assert count(cm.meeting) == 1 and existing.title != "Judul baru"

    result = runner.invoke(args=["commitments", "import", str(cm.meeting.id), str(path)])
    assert result.exit_code == 0, result.output
    assert count(cm.meeting) == 2
    db.session.refresh(existing)
    assert (existing.title, existing.status) == ("Judul baru", "agreed")
    # The command acts as the committee without an account: its history names no user.
    last = db.session.scalars(select(CommitmentEvent).where(CommitmentEvent.commitment_id == existing.id)
                              .order_by(CommitmentEvent.id.desc())).first()
    assert (last.kind, last.user_id) == ("agreed", None)

    out = tmp_path / "ekspor.xlsx"
    result = runner.invoke(args=["commitments", "export", str(cm.meeting.id), "-o", str(out)])
    assert result.exit_code == 0 and "2 commitments" in result.output and out.read_bytes()[:2] == b"PK"
    out = tmp_path / "ekspor.csv"
    assert runner.invoke(args=["commitments", "export", str(cm.meeting.id), "-o", str(out)]).exit_code == 0
    result = runner.invoke(args=["commitments", "import", str(cm.meeting.id), str(out)])
    assert result.exit_code == 0 and "0 new, 0 changed, 2 unchanged" in result.output
    assert runner.invoke(args=["commitments", "export", str(cm.meeting.id), "-o", str(tmp_path / "x.pdf")]
                         ).exit_code == 2
    assert runner.invoke(args=["commitments", "export", "999999", "-o", str(out)]).exit_code == 2


def test_a_bad_file_exits_1_and_writes_nothing(app, cm, tmp_path):
    runner = app.test_cli_runner()
    db.session.commit()
    path = write(tmp_path, [["Instansi", "Program/Kegiatan", "Kode Program"], ["Bappeda U1", "Baik", "1.06.05"],
                            ["Bappeda U3", "Tidak diundang", ""], ["Bappeda U1", "Kode salah", "9.99.99"]])
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(args=["commitments", "import", str(cm.meeting.id), str(path), *extra])
        assert result.exit_code == 1, result.output
        assert "line     3  ERROR" in result.output and "line     4  ERROR" in result.output
        assert "Nothing was imported." in result.output
    assert count(cm.meeting) == 0
    assert runner.invoke(args=["commitments", "import", "999999", str(path)]).exit_code == 2


def test_targets_in_the_worse_direction_need_the_option(app, cm, tmp_path):
    runner = app.test_cli_runner()
    db.session.commit()
    path = write(tmp_path, [["Instansi", "Program/Kegiatan", "Indikator", "Target"],
                            ["Bappeda U1", "Naik", "KEMISKINAN", "7"]])
    result = runner.invoke(args=["commitments", "import", str(cm.meeting.id), str(path)])
    assert result.exit_code == 1 and "--confirm-direction" in result.output
    assert count(cm.meeting) == 0
    result = runner.invoke(args=["commitments", "import", str(cm.meeting.id), str(path), "--confirm-direction"])
    assert result.exit_code == 0, result.output
    assert count(cm.meeting) == 1
