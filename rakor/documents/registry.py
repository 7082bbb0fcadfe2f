"""Document kinds by name: `flask documents render MEETING_ID KIND` and the download pages use
this one table. Later features add their kinds (minutes, agreement record, monitoring report)."""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str  # Indonesian, as the document calls itself
    filename_prefix: str
    render: Callable  # (meeting) -> PDF bytes


def _attendance(meeting):
    from rakor.documents.attendance import render_attendance

    return render_attendance(meeting)


DOCUMENT_KINDS = {
    "attendance": DocumentKind("attendance", "Daftar Hadir", "daftar-hadir", _attendance),
}
