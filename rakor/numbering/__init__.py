"""Numbering of outgoing official documents (penomoran naskah dinas) and their register (buku
agenda surat keluar).

Each organizer agency has a numbering scheme: a template per document kind with the archive
classification code (kode klasifikasi arsip, Permendagri 83/2022), the sequence, the unit code
and the year, e.g. `000.1.5/{seq}/Bappeda/{year}`. A document gets its number when it becomes
final (the invitation letter when sent, the minutes at finalisation, the berita acara when the
commitments are closed, the monitoring report when issued), from `services.reserve_number`; or
the committee types the number the agency's central mail office gave (`services.record_number`).
Every number is a line of the register and is never given twice.

Layer: above documents and auth (it names the user who reserved), below meetings (meetings,
participants, commitments, minutes and progress call it; it refers to a meeting by id only).
"""
from flask import Blueprint

bp = Blueprint("numbering", __name__)


def init_app(app):
    from rakor.numbering import rules, views  # noqa: F401  (policy rules, routes)

    app.register_blueprint(bp)
