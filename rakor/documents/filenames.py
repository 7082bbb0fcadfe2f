"""Deprecated: download names live in `rakor.core.downloads`. Kept while
participants/import_views.py still imports `meeting_filename` from here."""
from rakor.core.downloads import meeting_filename, slugify  # noqa: F401
