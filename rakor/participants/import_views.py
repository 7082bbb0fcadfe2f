"""Bulk import and export of participants (filled in by the import/export feature)."""
