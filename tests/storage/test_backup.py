"""Backup and restore (deploy/backup.md): `flask storage backup` (pg_dump + every stored object,
with a SHA-256 manifest and retention) and `flask storage restore` into a NEW database and a NEW
bucket (or folder). After the restore every final minutes PDF has the SHA-256 of its record and
every evidence file downloads, through an app running on the restored copy.

PostgreSQL only (pg_dump/pg_restore): skipped with a notice without TEST_DATABASE_URL. The
source and the target are databases of their own, made and dropped here."""
import hashlib
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

import config
from rakor import create_app
from rakor.extensions import db
from rakor.minutes.documents import publish_final_pdf
from rakor.minutes.models import MinutesPdf
from rakor.progress import services as progress
from rakor.progress.models import ProgressEvidence
from rakor.storage import maintenance
from tests.conftest import _postgres_server, database_url, is_postgres
from tests.factories import (
    commitments_meeting,
    first_agency_commitment,
    make_commitment,
    make_final_minutes,
    make_meeting,
    update_data,
)
from tests.factories.meetings import SIGNING_OFFICERS
from tests.helpers import PDF, client_of

BACKUP_SKIP = "BACKUP TEST SKIPPED"
pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason=f"{BACKUP_SKIP}: pg_dump/pg_restore need PostgreSQL "
                                                 "(set TEST_DATABASE_URL)"),
]


@pytest.fixture
def two_databases():
    """(source URL, target URL): two empty databases beside the suite's, dropped afterwards."""
    base = make_url(config._database_url(database_url()))
    names = [f"{base.database}_bk_src", f"{base.database}_bk_dst"]

    def run(*statements):
        server = _postgres_server(base)
        try:
            with server.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            server.dispose()

    run(*[f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names],
        *[f'CREATE DATABASE "{n}"' for n in names])
    yield [base.set(database=n).render_as_string(hide_password=False) for n in names]
    run(*[f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names])


def app_on(url, storage_config):
    settings = {"SQLALCHEMY_DATABASE_URI": url, **storage_config}
    return create_app(type("BackupTestConfig", (config.TestConfig,), settings))


def fill(app):
    """A meeting with a final (stored) minutes PDF and a commitment with two evidence files."""
    with app.app_context():
        upgrade()
        setting = commitments_meeting()
        commitment = make_commitment(setting.meeting, setting.committee, first_agency_commitment(setting))
        report = progress.report(commitment, update_data("2024-Q3", realised_value=Decimal("6"),
                                                         budget_realised=Decimal("625000000")),
                                 setting.delegate, today=date(2024, 11, 28))
        for name in ("surat-bupati.pdf", "foto.pdf"):
            progress.add_evidence(report.update, io.BytesIO(PDF + name.encode()), name, setting.delegate)
        held = make_meeting(title="Rakor yang diarsipkan", status="held", **SIGNING_OFFICERS)
        revision = make_final_minutes(held, setting.committee)
        publish_final_pdf(held, revision)
        db.session.commit()
        counts = (db.session.scalar(select(db.func.count()).select_from(MinutesPdf)),
                  db.session.scalar(select(db.func.count()).select_from(ProgressEvidence)))
        db.session.remove()
    return counts


def storage_target(backend_config, request, tmp_path):
    """Where the restore puts the objects: a NEW bucket (s3) or a NEW folder (disk)."""
    if backend_config["STORAGE_BACKEND"] == "s3":
        bucket = request.getfixturevalue("seaweedfs").make_bucket(f"restored{datetime.now(UTC):%H%M%S%f}")
        return ["--bucket", bucket], {**backend_config, "S3_BUCKET": bucket}
    folder = str(tmp_path / "restored-uploads")
    return ["--upload-dir", folder], {**backend_config, "UPLOAD_DIR": folder}


def test_a_restore_into_a_new_database_and_bucket_keeps_every_final_pdf_and_evidence_file(
        request, backend_config, two_databases, tmp_path):
    source_url, target_url = two_databases
    source = app_on(source_url, backend_config)
    minutes_pdfs, evidence_files = fill(source)
    assert minutes_pdfs >= 1 and evidence_files == 2

    backups = tmp_path / "backups"
    # Each command inside the source app's context: the CLI runs in the context it finds.
    with source.app_context():
        result = source.test_cli_runner().invoke(args=["storage", "backup", "--to", str(backups), "--keep", "3"])
    assert result.exit_code == 0, result.output
    assert f"{evidence_files + minutes_pdfs} objects" in result.output

    where, restored_config = storage_target(backend_config, request, tmp_path)
    with source.app_context():
        result = source.test_cli_runner().invoke(
            args=["storage", "restore", "--from", str(backups), "--database-url", target_url, *where])
    assert result.exit_code == 0, (result.output, repr(result.exception))
    assert f"{evidence_files + minutes_pdfs} objects" in result.output

    restored = app_on(target_url, restored_config)
    with restored.app_context():
        pdfs = db.session.scalars(select(MinutesPdf)).all()
        assert len(pdfs) == minutes_pdfs
        for stored in pdfs:  # every final minutes PDF still verifies: the SHA-256 of its record
            content = stored.content
            assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == stored.sha256
            assert len(content) == stored.size
        items = db.session.scalars(select(ProgressEvidence)).all()
        assert len(items) == evidence_files
        from rakor.auth.models import User
        from rakor.commitments.models import Commitment

        committee = db.session.scalar(select(User).where(User.role == "committee"))
        for item in items:  # every evidence file opens, through the restored app
            meeting_id = db.session.get(Commitment, item.commitment_id).meeting_id
            client = client_of(restored, committee)
            with client.get(f"/meetings/{meeting_id}/progress/evidence/{item.id}") as response:
                assert response.status_code == 200, response.status_code
                body = response.get_data()
            assert hashlib.sha256(body).hexdigest() == item.sha256 and body.startswith(b"%PDF")
        db.session.remove()

    with source.app_context():  # a second restore into the same database is refused
        with pytest.raises(RuntimeError, match="not empty"):
            maintenance.restore(maintenance.latest_backup(backups), database_url=target_url,
                                store=maintenance.store_for(restored_config))
        db.session.remove()
    for app in (source, restored):
        with app.app_context():
            db.engine.dispose()


def test_backups_beyond_the_retention_are_deleted_and_a_partial_one_never_counts(
        backend_config, two_databases, tmp_path):
    if backend_config["STORAGE_BACKEND"] == "s3":
        pytest.skip("retention is about the backup folder; the S3 half of backups is tested above")
    source = app_on(two_databases[0], backend_config)
    with source.app_context():
        upgrade()
        root = tmp_path / "backups"
        (root / ".partial-rakor-20240101T000000Z").mkdir(parents=True)  # a backup that died
        made = [maintenance.backup(root, keep=2, now=datetime(2024, 1, day, tzinfo=UTC)) for day in (2, 3, 4)]
        kept = sorted(p.name for p in root.glob("rakor-*"))
        assert kept == [made[1].name, made[2].name]
        assert maintenance.latest_backup(root) == made[2]
        db.session.remove()
        db.engine.dispose()
