"""The columns of a progress file: what the import recognises (Indonesian or English) and the
Indonesian headers the export writes, which the import reads back. Commitments are matched by
their stable reference alone; region, agency and title are there for the reader."""
from flask_babel import lazy_gettext as _l

from rakor.core.tabular import Column, ColumnSpec

# key -> (label, export header, other headers recognised)
COLUMNS = {
    "reference": (_l("Reference"), "Referensi",
                  {"reference", "kode referensi", "no referensi", "kode kesepakatan", "ref"}),
    "region_code": (_l("Region code"), "Kode Wilayah", {"region code", "kode daerah"}),
    "agency": (_l("Agency"), "Instansi", {"agency", "nama instansi", "opd"}),
    "title": (_l("Programme or activity"), "Program/Kegiatan",
              {"programme", "program", "kegiatan", "title", "judul", "kesepakatan", "commitment"}),
    "period": (_l("Period"), "Periode", {"period", "triwulan", "quarter", "periode laporan", "tanggal laporan"}),
    "realised_value": (_l("Realised value"), "Realisasi",
                       {"realised value", "realized value", "nilai realisasi", "realisasi indikator"}),
    "percent": (_l("Percent achieved"), "Persen Capaian",
                {"percent", "percent achieved", "persen", "persentase capaian", "capaian (%)", "% capaian"}),
    "budget_realised": (_l("Budget realised (Rp)"), "Realisasi Anggaran (Rp)",
                        {"budget realised", "budget realized", "realisasi anggaran", "realisasi keuangan",
                         "anggaran terserap", "serapan anggaran"}),
    "physical_percent": (_l("Physical realisation (%)"), "Realisasi Fisik (%)",
                         {"physical realisation", "physical realization", "physical progress", "physical (%)",
                          "physical realisation (%)", "physical realization (%)", "realisasi fisik", "fisik",
                          "fisik (%)", "progres fisik", "kemajuan fisik", "capaian fisik", "% fisik"}),
    "status": (_l("Status"), "Status", {"status kemajuan", "progress status"}),
    "narrative": (_l("What was done"), "Uraian Kemajuan",
                  {"narrative", "uraian", "kemajuan", "keterangan", "progress", "narasi"}),
    "obstacles": (_l("Obstacles (kendala)"), "Kendala", {"obstacles", "hambatan", "permasalahan"}),
    "next_steps": (_l("Next steps"), "Tindak Lanjut", {"next steps", "rencana tindak lanjut", "langkah berikutnya"}),
    "revision": (_l("Revision"), "Revisi", {"revision", "rev"}),
    "reported_at": (_l("Reported"), "Tanggal Lapor", {"reported at", "reported", "dilaporkan"}),
}
EXPORT_KEYS = tuple(COLUMNS)
EXPORT_HEADERS = {key: COLUMNS[key][1] for key in EXPORT_KEYS}
IGNORED = {"no", "nomor", "no urut", "#", "number"}
FIELD_LABELS = {"row": _l("Update")}


def _too_many_rows(limit):
    return _l("The file has more than %(max)s updates; at most %(max)s can be imported at once. Split it "
              "into smaller files.", max=limit)


SPEC = ColumnSpec(
    columns=tuple(Column(key, label, frozenset(aliases | {header}),
                         multiline=key in ("narrative", "obstacles", "next_steps"))
                  for key, (label, header, aliases) in COLUMNS.items()),
    required=("reference", "period"),
    min_columns=3,
    ignore=frozenset(IGNORED),
    labels=FIELD_LABELS,
    no_header=_l("No header row found. The first row must name the columns, for example: Referensi, "
                 "Periode, Realisasi, Status."),
    no_rows=_l("The file has column headers but no updates."),
    too_many_rows=_too_many_rows,
)
