#!/bin/sh
# Rakor backup: pg_dump of the database + a copy of every stored object (disk or S3), with a
# SHA-256 manifest, into a new folder under BACKUP_DIR; keeps the newest BACKUP_KEEP. Then, if
# BACKUP_REMOTE is set, copies the backup folder off the machine with rsync.
# deploy/backup.md explains it, the restore, and how to test a restore.
#
#   deploy/backup.sh                          # from cron or a systemd timer, as the rakor user
#   RAKOR_ENV_FILE=/etc/rakor/rakor.env BACKUP_DIR=/srv/backups/rakor BACKUP_KEEP=14 deploy/backup.sh
set -eu

APP_DIR=${APP_DIR:-/srv/rakor/app}
RAKOR_ENV_FILE=${RAKOR_ENV_FILE:-/etc/rakor/rakor.env}
BACKUP_DIR=${BACKUP_DIR:-/srv/backups/rakor}
BACKUP_KEEP=${BACKUP_KEEP:-7}
BACKUP_REMOTE=${BACKUP_REMOTE:-}          # e.g. backup@vault.internal:/backups/rakor/ (rsync over ssh)

if [ -r "$RAKOR_ENV_FILE" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$RAKOR_ENV_FILE"
    set +a
fi

cd "$APP_DIR"
umask 077                                  # the dump holds personal data: readable by this user only
mkdir -p "$BACKUP_DIR"
"$APP_DIR/.venv/bin/flask" --app wsgi storage backup --to "$BACKUP_DIR" --keep "$BACKUP_KEEP"

if [ -n "$BACKUP_REMOTE" ]; then
    # --delete: the remote keeps what the local retention keeps; a partial backup is never sent.
    rsync -a --delete --exclude '.partial-*' "$BACKUP_DIR"/ "$BACKUP_REMOTE"
fi
