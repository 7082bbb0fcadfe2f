"""The columns of a commitment file: what the import recognises (Indonesian or English, any
case and order) and the Indonesian headers the export writes, which the import reads back."""
from flask_babel import lazy_gettext as _l

from rakor.core.tabular import Column, ColumnSpec

# column key -> (label, header the export writes, other headers recognised). The keys of the
# content columns are the names of CommitmentData's fields, so a service's error lands on its
# column; `agency`, `region_*`, `agenda_item`, `topic` and `indicator` are names or codes that
# the validator turns into ids.
COLUMNS = {
    "reference": (_l("Reference"), "Referensi",
                  {"reference", "kode referensi", "no referensi", "nomor referensi", "ref",
                   "kode kesepakatan"}),
    "region_code": (_l("Region code"), "Kode Wilayah",
                    {"region code", "kode daerah", "kode kab/kota", "kode kabupaten/kota",
                     "kode kemendagri", "kode bps"}),
    "region_name": (_l("Regency/city"), None,
                    {"kabupaten/kota", "kab/kota", "wilayah", "region", "daerah", "regency/city"}),
    "agency": (_l("Agency"), "Instansi",
               {"agency", "nama instansi", "instansi pengusul", "pemda", "pemerintah daerah", "lembaga"}),
    "agenda_item": (_l("Agenda item"), "Mata Acara", {"agenda item", "agenda", "acara", "sesi"}),
    "topic": (_l("Topic"), "Topik", {"topic", "tema", "kode topik", "topic code", "isu strategis"}),
    "title": (_l("Programme or activity"), "Program/Kegiatan",
              {"program kegiatan", "program atau kegiatan", "program/kegiatan", "kegiatan", "program",
               "programme", "programme or activity", "programme/activity", "activity", "title", "judul",
               "rencana tindak lanjut", "kesepakatan", "komitmen", "commitment", "rencana aksi"}),
    "description": (_l("Description"), "Uraian",
                    {"description", "deskripsi", "keterangan", "rincian", "uraian kegiatan"}),
    "programme_code": (_l("Programme code"), "Kode Program",
                       {"programme code", "program code", "kode nomenklatur", "kode program/nomenklatur"}),
    "indicator": (_l("Indicator"), "Indikator", {"indicator", "kode indikator", "indicator code"}),
    # Exports before issue 17 wrote "Baseline" and "Tahun Baseline": still read back.
    "baseline_value": (_l("Baseline"), "Nilai Dasar",
                       {"baseline", "nilai baseline", "nilai awal", "kondisi awal", "baseline value"}),
    "baseline_year": (_l("Baseline year"), "Tahun Nilai Dasar",
                      {"baseline year", "tahun baseline", "tahun dasar", "tahun awal", "tahun kondisi awal"}),
    "target_value": (_l("Target"), "Target", {"nilai target", "target value"}),
    "target_date": (_l("Target date"), "Tanggal Target",
                    {"target date", "batas waktu", "tenggat", "tenggat waktu", "waktu target",
                     "target waktu", "deadline", "due date"}),
    "responsible_office": (_l("Responsible office (OPD)"), "OPD Penanggung Jawab",
                           {"opd", "responsible office", "perangkat daerah", "perangkat daerah penanggung jawab",
                            "unit penanggung jawab", "opd pelaksana"}),
    "contact_person": (_l("Contact person"), "Narahubung",
                       {"contact person", "contact", "kontak", "nama kontak", "pic"}),
    "budget": (_l("Budget (Rp)"), "Anggaran (Rp)",
               {"budget", "pagu", "pagu anggaran", "nilai anggaran", "jumlah anggaran", "rupiah", "rp"}),
    "funding_source": (_l("Funding source"), "Sumber Dana",
                       {"funding source", "sumber anggaran", "sumber pendanaan", "funding", "sumber"}),
    "budget_year": (_l("Budget year"), "Tahun Anggaran", {"budget year", "ta"}),
    "status": (_l("Status"), "Status", {"status kesepakatan", "status komitmen"}),
}
# The columns the export writes, in its order (region name: the code says it exactly).
EXPORT_KEYS = tuple(key for key, (_label, header, _aliases) in COLUMNS.items() if header)
EXPORT_HEADERS = {key: COLUMNS[key][1] for key in EXPORT_KEYS}
IGNORED = {"no", "nomor", "no urut", "nomor urut", "#", "number"}
# Errors that concern no single column (the meeting is closed) are reported under "row".
FIELD_LABELS = {"row": _l("Commitment"), "region": _l("Region")}
_FIELDS = {"region_code": "region", "region_name": "region"}


def _too_many_rows(limit):
    return _l("The file has more than %(max)s commitments; at most %(max)s can be imported at "
              "once. Split it into smaller files.", max=limit)


SPEC = ColumnSpec(
    columns=tuple(
        Column(key, label, frozenset(aliases | ({header} if header else set())), field=_FIELDS.get(key, key),
               multiline=key == "description")
        for key, (label, header, aliases) in COLUMNS.items()
    ),
    required=("title",),
    min_columns=2,
    ignore=frozenset(IGNORED),
    labels=FIELD_LABELS,
    no_header=_l("No header row found. The first row must name the columns, for example: "
                 "Instansi, Program/Kegiatan, Kode Program, Indikator, Target, Anggaran."),
    no_rows=_l("The file has column headers but no commitments."),
    too_many_rows=_too_many_rows,
)
