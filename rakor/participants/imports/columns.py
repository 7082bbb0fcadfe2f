"""The columns of a participant list: what the import recognises and what the export and the
template write (Indonesian headers, as offices use them)."""
from flask_babel import lazy_gettext as _l

from rakor.core.tabular import Column, ColumnSpec

# Canonical fields, in the order of the export and the template.
FIELDS = ("name", "nip", "position", "rank", "agency", "region", "phone", "email", "gender", "meeting_role")
# The headers our export and template write.
EXPORT_HEADERS = {
    "name": "Nama", "nip": "NIP", "position": "Jabatan", "rank": "Pangkat/Golongan", "agency": "Instansi",
    "region": "Kode Wilayah", "phone": "No HP", "email": "Email", "gender": "Jenis Kelamin",
    "meeting_role": "Peran",
}
FIELD_LABELS = {
    "name": _l("Name"), "nip": _l("NIP"), "position": _l("Position"), "rank": _l("Rank/grade"),
    "agency": _l("Agency"),
    "region": _l("Region code"), "phone": _l("Phone"), "email": _l("Email"),
    "gender": _l("Gender"), "meeting_role": _l("Role"),
}
# Header aliases after `norm_header` (lower case, no dots/colons/asterisks/parentheses). The
# region is given by its code or by its name: two columns feeding one field.
HEADER_ALIASES = {
    "name": {"nama", "name", "nama lengkap", "nama peserta", "full name", "nama dan gelar",
             "nama lengkap dan gelar", "nama lengkap gelar", "participant", "peserta"},
    "nip": {"nip", "nip baru", "no nip", "nomor nip", "nomor induk pegawai", "nip pegawai"},
    "position": {"jabatan", "position", "posisi", "jabatan/posisi", "job title", "jabatan peserta",
                 "jabatan/pangkat"},
    "rank": {"pangkat/golongan", "pangkat golongan", "pangkat", "golongan", "pangkat/gol",
             "pangkat gol", "gol", "golongan/ruang", "gol/ruang", "pangkat/golongan ruang",
             "pangkat/gol ruang", "pangkat, golongan", "rank", "grade", "rank/grade", "rank and grade"},
    "agency": {"instansi", "agency", "asal instansi", "nama instansi", "unit kerja", "opd", "skpd",
               "instansi/opd", "instansi/unit kerja", "organisation", "organization", "asal",
               "lembaga", "instansi asal"},
    "region_code": {"kode wilayah", "kode", "kode kab/kota", "kode kabupaten/kota", "kode daerah",
                    "region code", "kode kemendagri", "kode bps", "kode wil"},
    "region_name": {"kabupaten/kota", "kab/kota", "kabupaten", "kota", "wilayah", "region",
                    "daerah", "asal daerah", "kab/kota asal", "provinsi/kabupaten/kota", "regency/city"},
    "phone": {"no hp", "hp", "telepon", "telp", "phone", "no telp", "no telepon", "nomor hp",
              "no hp/wa", "hp/wa", "wa", "no wa", "whatsapp", "nomor telepon", "handphone", "mobile",
              "phone number", "telepon/hp", "no telp/hp", "nomor hp/wa", "kontak", "no kontak",
              "telp/hp", "nomor whatsapp"},
    "email": {"email", "e-mail", "surel", "alamat email", "email address", "e-mail address",
              "alamat e-mail", "surat elektronik"},
    "gender": {"jenis kelamin", "gender", "jk", "l/p", "sex", "kelamin", "jenis kelamin l/p"},
    "meeting_role": {"peran", "role", "peran dalam rapat", "sebagai", "peran rapat", "meeting role"},
    "_ignore": {"no", "nomor", "no urut", "nomor urut", "#", "ttd", "tanda tangan", "paraf",
                "signature", "number"},
}
_COLUMN_FIELDS = {"region_code": "region", "region_name": "region"}


def _too_many_rows(limit):
    return _l("The file has more than %(max)s participant rows; at most %(max)s can be imported at "
              "once. Split it into smaller files.", max=limit)


SPEC = ColumnSpec(
    columns=tuple(
        Column(key, FIELD_LABELS[_COLUMN_FIELDS.get(key, key)], frozenset(aliases),
               field=_COLUMN_FIELDS.get(key, key))
        for key, aliases in HEADER_ALIASES.items() if key != "_ignore"
    ),
    # The header names the participant and at least one more known column.
    required=("name",),
    min_columns=2,
    ignore=frozenset(HEADER_ALIASES["_ignore"]),
    labels=FIELD_LABELS,
    no_header=_l("No header row found. The first row must name the columns, for example: "
                 "Nama, NIP, Jabatan, Instansi, No HP, Email."),
    no_rows=_l("The file has column headers but no participants."),
    too_many_rows=_too_many_rows,
)
