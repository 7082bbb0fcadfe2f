"""The local-disk backend: files under one folder (UPLOAD_DIR), a key being a relative path."""
import os
from datetime import UTC, datetime
from pathlib import Path

from rakor.storage import ObjectInfo, ObjectMissingError, check_key
from rakor.storage.base import Storage

SCRATCH = ".incoming"


class DiskStorage(Storage):
    name = "disk"

    def __init__(self, root):
        self.root = Path(root)

    def __repr__(self):
        return f"<DiskStorage {self.root}>"

    def path(self, key) -> Path:
        return self.root / check_key(key)

    def scratch_dir(self):
        # On the same file system as the objects, so that put_file is a rename.
        return str(self.root / SCRATCH)

    def put_file(self, key, path, *, move=True):
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            try:
                os.replace(path, target)
                return self.stat(key)
            except OSError:
                pass  # another file system: copy below
        tmp = target.parent / f".part-{os.getpid()}-{target.name}"
        try:
            with open(path, "rb") as src, open(tmp, "wb") as out:
                while chunk := src.read(1024 * 1024):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        if move:
            Path(path).unlink(missing_ok=True)
        return self.stat(key)

    def open(self, key):
        try:
            return open(self.path(key), "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectMissingError(key) from None

    def stat(self, key):
        try:
            st = self.path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectMissingError(key) from None
        if not self.path(key).is_file():
            raise ObjectMissingError(key)
        return ObjectInfo(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def delete(self, key):
        self.path(key).unlink(missing_ok=True)

    def list(self, prefix):
        folder, _slash, _rest = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for filename in filenames:
                if filename.startswith("."):
                    continue  # a file being written (.part-, .upload-): not an object yet
                full = Path(dirpath) / filename
                key = full.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    st = full.stat()
                except FileNotFoundError:
                    continue
                yield ObjectInfo(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def check(self):
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")
