"""`flask --app wsgi storage ...`: check, sweep, migrate, backup, restore (rakor/storage/maintenance.py)."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rakor.storage import current, maintenance
from rakor.storage.disk import DiskStorage

storage_cli = AppGroup("storage", help="Files: the storage backend (disk or S3), sweep, migrate, backups.")


@storage_cli.command("check")
def check_command():
    """Say which backend is in use and whether it answers."""
    store = current()
    try:
        store.check()
    except Exception as error:  # any backend's failure, reported as such
        click.echo(f"{store!r}: NOT usable: {error}", err=True)
        sys.exit(1)
    click.echo(f"{store!r}: ok")


@storage_cli.command("sweep")
@click.option("--grace", type=int, default=None,
              help="Seconds an object without a row is kept (default STORAGE_SWEEP_GRACE).")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
def sweep_command(grace, dry_run):
    """Delete objects no row names (older than the grace age) and expired rendered documents;
    list rows whose object is missing (exit status 1 if there are any)."""
    report = maintenance.sweep(grace_seconds=grace, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    for key in report.deleted:
        click.echo(f"{verb} {key}")
    for key in report.missing:
        click.echo(f"MISSING: a row names {key}, which is not in the storage", err=True)
    click.echo(f"Sweep: {len(report.deleted)} {verb}, {report.referenced} named by rows, {report.young} "
               f"without a row but younger than the grace age, {report.scratch} partial uploads removed, "
               f"{len(report.missing)} missing.")
    if report.missing:
        sys.exit(1)


@storage_cli.command("migrate")
@click.option("--from-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder the files are in now (default UPLOAD_DIR).")
def migrate_command(from_dir):
    """Copy every stored file from the disk to the configured object store, checking each
    SHA-256 against its row. Idempotent; the disk copy stays (delete it once satisfied)."""
    target = current()
    source = DiskStorage(from_dir or current_app.config["UPLOAD_DIR"])
    if isinstance(target, DiskStorage) and target.root.resolve() == source.root.resolve():
        click.echo("The storage is that folder already (STORAGE_BACKEND=disk): set STORAGE_BACKEND=s3 "
                   "and the S3_* settings first.", err=True)
        sys.exit(2)
    report = maintenance.migrate(source, target)
    for key in report.missing:
        click.echo(f"MISSING at the source: {key}", err=True)
    for key in report.mismatched:
        click.echo(f"SHA-256 MISMATCH (not copied or copy differs): {key}", err=True)
    click.echo(f"Migrate {source!r} -> {target!r}: {report.copied} copied and verified, {report.already} "
               f"already there, {report.from_database} final documents moved from the database, "
               f"{len(report.missing)} missing, {len(report.mismatched)} mismatched.")
    if report.missing or report.mismatched:
        sys.exit(1)


@storage_cli.command("backup")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder that holds the backups (one sub-folder each).")
@click.option("--keep", type=int, default=7, show_default=True, help="How many backups to keep.")
def backup_command(target, keep):
    """pg_dump of the database and a copy of every stored object, with a SHA-256 manifest;
    older backups beyond --keep are deleted."""
    folder = maintenance.backup(target, keep=keep)
    import json

    manifest = json.loads((folder / maintenance.MANIFEST).read_text())
    click.echo(f"Backup {folder}: database dump and {len(manifest['objects'])} objects.")


@storage_cli.command("restore")
@click.option("--from", "source", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A backup folder, or the folder of backups (then its newest).")
@click.option("--database-url", required=True, help="An EMPTY PostgreSQL database to restore into.")
@click.option("--bucket", default=None, help="Restore the objects into this bucket (S3) instead of S3_BUCKET.")
@click.option("--upload-dir", default=None, help="Restore the objects into this folder (disk) instead of UPLOAD_DIR.")
def restore_command(source, database_url, bucket, upload_dir):
    """Restore a backup into a new database and a new bucket (or folder), checking every SHA-256."""
    folder = source if (source / maintenance.MANIFEST).is_file() else maintenance.latest_backup(source)
    if folder is None:
        click.echo(f"No complete backup in {source}.", err=True)
        sys.exit(2)
    overrides = {}
    if bucket:
        overrides["S3_BUCKET"] = bucket
    if upload_dir:
        overrides["UPLOAD_DIR"] = upload_dir
    store = maintenance.store_for(overrides)
    report = maintenance.restore(folder, database_url=database_url, store=store)
    click.echo(f"Restored {folder.name}: database {report.database}, {report.objects} objects into {store!r}, "
               "every SHA-256 checked.")
