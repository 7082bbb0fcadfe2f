"""Document downloads (filled in by the documents feature)."""
