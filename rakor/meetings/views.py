"""Meeting pages (filled in by the meetings feature)."""
