"""A file and its row never disagree: objects are written first under a new key, rows commit
after, and `flask storage sweep` removes what a dead process left. Both backends."""
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from rakor.extensions import db
from rakor.meetings import materials
from rakor.meetings.models import Material, Meeting
from rakor.regions.models import Agency
from rakor.storage import maintenance
from tests.factories import make_meeting
from tests.helpers import PDF, delete_regions

ROOT = Path(__file__).resolve().parents[2]
LATER = timedelta(hours=2)  # past the default grace age (STORAGE_SWEEP_GRACE, an hour)


def test_the_sweep_keeps_named_and_young_files_and_deletes_old_orphans(app, app_storage):
    meeting = make_meeting()
    kept = materials.add_material(meeting, io.BytesIO(PDF), "paparan.pdf")
    orphan = "materials/" + "0" * 32 + ".pdf"
    app_storage.put_bytes(orphan, PDF)
    young = maintenance.sweep()
    assert orphan not in young.deleted and young.young >= 1 and app_storage.exists(orphan)
    report = maintenance.sweep(now=datetime.now(UTC) + LATER)
    assert orphan in report.deleted and not app_storage.exists(orphan)
    assert app_storage.exists(f"materials/{kept.stored_name}")
    assert f"materials/{kept.stored_name}" not in report.missing


def test_a_row_whose_object_is_gone_is_reported_missing(app, app_storage):
    meeting = make_meeting()
    material = materials.add_material(meeting, io.BytesIO(PDF), "paparan.pdf")
    app_storage.delete(f"materials/{material.stored_name}")
    assert f"materials/{material.stored_name}" in maintenance.sweep().missing


def test_dry_run_deletes_nothing(app, app_storage):
    orphan = "evidence/" + "1" * 32 + ".png"
    app_storage.put_bytes(orphan, b"x")
    report = maintenance.sweep(now=datetime.now(UTC) + LATER, dry_run=True)
    assert orphan in report.deleted and app_storage.exists(orphan)


def test_rendered_documents_expire_after_their_ttl(app, app_storage):
    app_storage.put_bytes("documents/qrakor-documents/" + "a" * 64 + ".pdf", PDF)
    assert maintenance.sweep().deleted == []
    later = datetime.now(UTC) + timedelta(seconds=app.config["DOCUMENT_FILE_TTL"] + 60)
    assert maintenance.sweep(now=later).deleted == ["documents/qrakor-documents/" + "a" * 64 + ".pdf"]


def test_a_refused_upload_leaves_nothing_and_a_failed_row_takes_its_file_along(app, app_storage):
    from rakor.core.errors import DomainError

    meeting = make_meeting()
    with pytest.raises(DomainError):
        materials.add_material(meeting, io.BytesIO(b"MZ not a pdf"), "paparan.pdf")
    assert list(app_storage.list("materials/")) == []
    with pytest.raises(RuntimeError), materials.removed_unless_committed() as stored:
        stored.append(materials.add_material(meeting, io.BytesIO(PDF), "paparan.pdf").stored_name)
        raise RuntimeError("the commit failed")
    assert stored and not app_storage.exists(f"materials/{stored[0]}")


# -- a process killed between the object and the row ------------------------------------------

CHILD = r"""
import io, json, os, sys
import config
from rakor import create_app
settings = json.loads(sys.argv[1])
Config = type("ChildConfig", (config.TestConfig,), settings["config"])
app = create_app(Config)
with app.app_context():
    from rakor.extensions import db
    from rakor.meetings import materials
    from rakor.meetings.models import Meeting
    meeting = db.session.get(Meeting, settings["meeting_id"])
    material = materials.add_material(meeting, io.BytesIO(settings["pdf"].encode("latin-1")), "paparan.pdf")
    print(material.stored_name, flush=True)
    if settings["die"]:
        os._exit(9)  # killed after the object was written and the row flushed, before the commit
    db.session.commit()
"""


@pytest.fixture
def committed_meeting(app):
    meeting = make_meeting(title="Uji proses mati")
    db.session.commit()
    ids = (meeting.id, meeting.organizer_agency_id, db.session.get(Agency, meeting.organizer_agency_id).region_id)
    db.session.rollback()  # nothing open while the child processes write (SQLite locks the file)
    yield ids[0]
    db.session.rollback()
    db.session.execute(delete(Material).where(Material.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id == ids[1]))
    delete_regions([ids[2]])
    db.session.commit()


def run_child(app, backend_config, meeting_id, *, die):
    settings = {"config": {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **backend_config},
                "meeting_id": meeting_id, "pdf": PDF.decode("latin-1"), "die": die}
    result = subprocess.run([sys.executable, "-c", CHILD, json.dumps(settings)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "RAKOR_ENV": "test"})
    assert result.returncode == (9 if die else 0), result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.committing
def test_a_process_killed_between_object_and_row_leaves_an_orphan_the_sweep_removes(
        app, app_storage, backend_config, committed_meeting):
    dead = run_child(app, backend_config, committed_meeting, die=True)
    alive = run_child(app, backend_config, committed_meeting, die=False)
    rows = set(db.session.scalars(select(Material.stored_name).where(Material.meeting_id == committed_meeting)))
    assert rows == {alive}  # the killed process's row never committed...
    assert app_storage.exists(f"materials/{dead}")  # ...its object is there, named by nothing

    assert dead in {k.rsplit("/", 1)[1] for k in (i.key for i in app_storage.list("materials/"))}
    report = maintenance.sweep()  # within the grace age: it might be an upload in progress
    assert f"materials/{dead}" not in report.deleted
    report = maintenance.sweep(now=datetime.now(UTC) + LATER)
    assert report.deleted == [f"materials/{dead}"]
    assert not app_storage.exists(f"materials/{dead}") and app_storage.exists(f"materials/{alive}")
    for name in rows:  # no row points at a missing object
        assert f"materials/{name}" not in report.missing and app_storage.exists(f"materials/{name}")


# -- migrate: disk -> object store ---------------------------------------------------------------

def test_migrate_copies_every_named_file_checks_its_sha256_and_is_idempotent(app, app_storage, tmp_path):
    from rakor.storage.disk import DiskStorage

    if app_storage.name == "disk":
        target = DiskStorage(tmp_path / "target")  # disk -> another folder: the same checks
    else:
        target = app_storage
    source = DiskStorage(tmp_path / "source")
    meeting = make_meeting()
    names = []
    for n in range(3):
        name = f"{n:032x}.pdf"
        content = PDF + str(n).encode()
        source.put_bytes(f"materials/{name}", content)
        import hashlib

        db.session.add(Material(meeting_id=meeting.id, original_filename=f"{n}.pdf", stored_name=name,
                                content_type="application/pdf", size=len(content),
                                sha256=hashlib.sha256(content).hexdigest()))
        names.append(name)
    db.session.flush()
    mine = {f"materials/{n}" for n in names}

    def only_mine(report):
        return ([k for k in report.missing if k in mine], [k for k in report.mismatched if k in mine])

    first = maintenance.migrate(source, target)
    assert only_mine(first) == ([], []) and first.copied >= 3
    assert all(target.read(k) == source.read(k) for k in mine)
    second = maintenance.migrate(source, target)
    assert second.copied == 0 and second.already >= 3
    source.put_bytes(f"materials/{names[0]}", b"changed on disk")  # not what its row says
    target.delete(f"materials/{names[0]}")
    third = maintenance.migrate(source, target)
    assert only_mine(third) == ([], [f"materials/{names[0]}"]) and not target.exists(f"materials/{names[0]}")


def test_migrate_moves_final_documents_stored_in_the_database_into_the_storage(app, app_storage, tmp_path):
    import hashlib

    from rakor.commitments.models import AgreementRecord
    from rakor.storage.disk import DiskStorage

    meeting = make_meeting()
    data = PDF + b"berita acara"
    record = AgreementRecord(meeting_id=meeting.id, verification_code=f"bk{meeting.id:010d}",
                             verification_url="http://localhost/v/x", sha256=hashlib.sha256(data).hexdigest(),
                             size=len(data), inline_content=data)  # a row made before the storage held them
    db.session.add(record)
    db.session.flush()
    assert record.storage_key is None and record.content == data
    report = maintenance.migrate(DiskStorage(tmp_path / "empty"), app_storage)
    assert report.from_database >= 1
    db.session.refresh(record)
    assert record.storage_key.startswith("final/agreements/") and record.inline_content is None
    assert record.content == data and app_storage.sha256(record.storage_key)[0] == record.sha256
    assert maintenance.migrate(DiskStorage(tmp_path / "empty"), app_storage).from_database == 0
