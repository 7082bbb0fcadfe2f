"""What an operator runs on the storage: the orphan sweep, the move from disk to an object
store, backups and restores (`flask --app wsgi storage ...`, rakor/storage/cli.py).

The sweep
    For every prefix that features registered (`references.register`), it lists the objects
    FIRST and reads the keys rows name SECOND: an upload whose row commits in between is then
    named by a row, and one whose row has not committed yet is younger than the grace age (an
    object is written before its row), so the sweep never deletes a file a committed row names.
    Objects older than the grace age that no row names are deleted; rows whose object is missing
    are reported. A cache prefix (the worker's documents) loses objects older than its TTL.
"""
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

from rakor.storage import CHUNK, ObjectMissingError, build, current, references, sha256_of


@dataclass
class SweepReport:
    deleted: list = field(default_factory=list)  # orphans (and expired cache files) removed
    young: int = 0  # orphans younger than the grace age, kept for now
    referenced: int = 0  # objects a row names
    missing: list = field(default_factory=list)  # keys rows name whose object is missing
    scratch: int = 0  # abandoned partial uploads removed (disk)


def referenced_keys(entry) -> dict:
    """{key: sha256 or None} of the rows behind a registered prefix."""
    found = entry.loader()
    return found if isinstance(found, dict) else dict.fromkeys(found)


def sweep(*, grace_seconds=None, now=None, dry_run=False, store=None) -> SweepReport:
    store = store or current()
    now = now or datetime.now(UTC)
    grace = timedelta(seconds=current_app.config["STORAGE_SWEEP_GRACE"] if grace_seconds is None
                      else grace_seconds)
    report = SweepReport()
    for entry in references:
        objects = list(store.list(entry.key))  # first the objects, then the rows (see above)
        ttl = entry.extra.get("cache_ttl")
        if ttl:
            limit = timedelta(seconds=current_app.config[ttl] if isinstance(ttl, str) else ttl)
            for info in objects:
                if now - info.modified > limit:
                    report.deleted.append(info.key)
                    if not dry_run:
                        store.delete(info.key)
            continue
        named = referenced_keys(entry)
        present = set()
        for info in objects:
            present.add(info.key)
            if info.key in named:
                report.referenced += 1
            elif now - info.modified <= grace:
                report.young += 1
            else:
                report.deleted.append(info.key)
                if not dry_run:
                    store.delete(info.key)
        report.missing.extend(sorted(k for k in named if k not in present))
    report.scratch = store.sweep_scratch(now - grace, dry_run=dry_run)
    return report


@dataclass
class MigrateReport:
    copied: int = 0
    already: int = 0  # in the target with the right SHA-256 (a second run copies nothing)
    missing: list = field(default_factory=list)  # rows whose file is not in the source
    mismatched: list = field(default_factory=list)  # source or copy whose SHA-256 is not the row's
    from_database: int = 0  # final documents whose bytes moved from the database into the storage


def migrate(source, target=None) -> MigrateReport:
    """Copy every file rows name from `source` (the disk) to `target` (the app's storage),
    checking the SHA-256 of the copy as read back from the target against the row's. Idempotent:
    a file already in the target with the right hash is left alone. The source is not touched."""
    target = target or current()
    report = MigrateReport()
    for entry in references:
        if entry.extra.get("cache_ttl"):
            continue  # a cache: rendered again on demand
        for key, expected in sorted(referenced_keys(entry).items()):
            try:
                have = target.sha256(key)[0]
            except ObjectMissingError:
                have = None
            if have is not None and (expected is None or have == expected):
                report.already += 1
                continue
            try:
                with source.open(key) as f:
                    digest, _size = sha256_of(f)
            except ObjectMissingError:
                report.missing.append(key)
                continue
            if expected is not None and digest != expected:
                report.mismatched.append(key)  # the source is not what the row says: not copied
                continue
            with source.open(key) as f:
                target.put_stream(key, f)
            if target.sha256(key)[0] != digest:
                report.mismatched.append(key)
                continue
            report.copied += 1
    from rakor.storage.columns import move_inline_content

    for entry in references:  # final documents made before the storage held them
        model = entry.extra.get("model")
        if model is not None:
            moved, bad = move_inline_content(model)
            report.from_database += moved
            report.mismatched.extend(f"{model.__tablename__} row {ident}" for ident in bad)
    return report


# -- backups ---------------------------------------------------------------------------------

MANIFEST = "manifest.json"


def _pg_url(url):
    """A libpq URL (pg_dump, pg_restore) of a SQLAlchemy one."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def backup(target_root, *, keep=7, database_url=None, store=None, now=None) -> Path:
    """A backup folder under `target_root`, named by its UTC time: `database.dump` (pg_dump
    custom format), `objects/<key>` (every object of the storage) and `manifest.json` (each
    object's size and SHA-256, the database dump's SHA-256). Written as `.partial-<name>` and
    renamed when complete, so a half-made backup never counts. Afterwards only the `keep` newest
    complete backups stay. Returns the new backup's folder."""
    store = store or current()
    database_url = database_url or current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not database_url.startswith("postgresql"):
        raise RuntimeError("backups need PostgreSQL (pg_dump); this database is "
                           + database_url.split(":", 1)[0])
    root = Path(target_root)
    root.mkdir(parents=True, exist_ok=True)
    name = (now or datetime.now(UTC)).strftime("rakor-%Y%m%dT%H%M%SZ")
    partial = root / f".partial-{name}"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "objects").mkdir(parents=True)
    try:
        dump = partial / "database.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}",
                        _pg_url(database_url)], check=True, capture_output=True, text=True)
        manifest = {"made_at": name, "database": {"file": dump.name, "sha256": _file_sha256(dump)},
                    "storage": store.name, "objects": {}}
        # The objects after the dump: every row in the dump had its object committed before it,
        # so each is there (orphans made meanwhile come along too, harmlessly).
        for info in store.list(""):
            if info.key.startswith("documents/"):
                continue  # the worker's cache: rendered again on demand
            path = partial / "objects" / info.key
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with store.open(info.key) as src, open(path, "wb") as out:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            manifest["objects"][info.key] = {"size": path.stat().st_size, "sha256": digest.hexdigest()}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        final = root / name
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    prune(root, keep)
    return final


def prune(root, keep) -> list[Path]:
    """Delete all but the `keep` newest complete backups in `root`; returns what was deleted."""
    complete = sorted(p for p in Path(root).glob("rakor-*") if (p / MANIFEST).is_file())
    gone = complete[:-keep] if keep > 0 else []
    for path in gone:
        shutil.rmtree(path)
    return gone


def latest_backup(root) -> Path | None:
    complete = sorted(p for p in Path(root).glob("rakor-*") if (p / MANIFEST).is_file())
    return complete[-1] if complete else None


@dataclass
class RestoreReport:
    objects: int = 0
    database: str = ""


def restore(folder, *, database_url, store) -> RestoreReport:
    """Restore the backup in `folder` into an EMPTY database (`database_url`) and into `store`
    (a fresh bucket or folder), checking every file's SHA-256 against the manifest before and
    after the copy. Refuses a database that already has tables."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    dump = folder / manifest["database"]["file"]
    if _file_sha256(dump) != manifest["database"]["sha256"]:
        raise RuntimeError(f"{dump} does not have the SHA-256 the manifest gives: the backup is damaged")
    for key, meta in manifest["objects"].items():
        if _file_sha256(folder / "objects" / key) != meta["sha256"]:
            raise RuntimeError(f"objects/{key} does not have the SHA-256 the manifest gives")
    url = _pg_url(database_url)
    tables = subprocess.run(["psql", "-Atqc", "select count(*) from pg_tables where schemaname = 'public'", url],
                            check=True, capture_output=True, text=True).stdout.strip()
    if tables != "0":
        raise RuntimeError("the target database is not empty: restore into a new database")
    report = RestoreReport(database=url.rsplit("/", 1)[-1])
    for key, meta in sorted(manifest["objects"].items()):
        store.put_file(key, folder / "objects" / key, move=False)
        if store.sha256(key)[0] != meta["sha256"]:
            raise RuntimeError(f"{key}: the restored copy's SHA-256 differs")
        report.objects += 1
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={url}", str(dump)],
                   check=True, capture_output=True, text=True)
    return report


def store_for(config_overrides) -> object:
    """A backend built from the app's config with some names changed (another bucket, another
    folder): the target of a restore or the source of a migration."""
    return build({**current_app.config, **config_overrides})


def _file_sha256(path) -> str:
    with open(path, "rb") as f:
        return sha256_of(f)[0]

