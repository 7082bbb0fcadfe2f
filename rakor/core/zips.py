"""How far an Office file (a zip: XLSX, DOCX, PPTX) may unpack, for every zip Rakor accepts:
the participant/commitment/progress imports before openpyxl reads a workbook, and meeting
materials and progress evidence before they are stored for others to download (a 1 MB file
that unpacks to 1 GB hurts whoever opens it). Checked on the zip's directory, never unpacked.
A real document stays far below: a 20 MB presentation's parts are mostly already-compressed
pictures, stored at about their own size."""
import zipfile

MAX_PART_BYTES = 32 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024


def oversized_part(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """The first part that unpacks to more than MAX_PART_BYTES, or None."""
    return next((i for i in infos if i.file_size > MAX_PART_BYTES), None)


def too_large_in_total(infos: list[zipfile.ZipInfo]) -> bool:
    return sum(i.file_size for i in infos) > MAX_UNCOMPRESSED


def expands_too_far(infos: list[zipfile.ZipInfo]) -> bool:
    return oversized_part(infos) is not None or too_large_in_total(infos)
