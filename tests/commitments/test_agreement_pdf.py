"""Berita acara kesepakatan: what the PDF says (checked in its text), who signs, what is left out."""
import io
from decimal import Decimal

from pypdf import PdfReader

from rakor.commitments import services
from rakor.commitments.documents import agreement_context, render_agreement
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.factories import make_participant, topic_id


def _text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_agreement_record_lists_agreed_commitments_by_region_with_totals(cm):
    first = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(first, "agreed", cm.committee)
    second = services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[1].id, topic_id=cm.rural,
                                                         indicator_id=topic_id("IDM"), baseline_value=Decimal("0.6512"),
                                                         target_value=Decimal("0.6800"), budget=Decimal("750000000"),
                                                         title="Penataan desa prioritas"),
                                        cm.other_delegate, submit=True)
    services.change_status(second, "agreed", cm.committee)
    pending = services.create_commitment(cm.meeting, data(cm, title="Masih diajukan saja"), cm.delegate,
                                         submit=True)
    make_participant(cm.meeting, cm.agencies[0], name="Ir. H. Penanda Tangan, M.T.", nip="196805121993031007",
                     position="Kepala Bappeda", meeting_role="peserta")
    db.session.flush()
    text = " ".join(_text(render_agreement(cm.meeting)).split())
    assert "BERITA ACARA KESEPAKATAN" in text
    assert "Kamis, 1 Februari 2024" in text
    assert first.reference in text and second.reference in text
    assert pending.reference not in text and "Masih diajukan" not in text
    assert "1.06.05" in text  # the programme code
    assert "6,25 → 5,75% (nilai dasar 2023)" in text  # baseline -> target, Indonesian decimals, no space
    assert "Indeks Desa Membangun (IDM)" in text and "0,6512 → 0,6800" in text
    assert "Nilai Dasar → Target" in text and "Baseline" not in text
    assert "Rp 1.250.000.000" in text and "Rp 750.000.000" in text
    assert "Rp 2.000.000.000" in text  # the overall total
    assert "Ir. H. Penanda Tangan, M.T." in text and "19680512 199303 1 007" in text
    assert "Halaman 1 dari" in text


def test_signatories_edited_before_printing_replace_the_proposal(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    make_participant(cm.meeting, cm.agencies[0], name="Diusulkan Otomatis")
    services.save_signatories(cm.meeting, {cm.agencies[0].id: ("Dra. Hj. Kepala Bappeda", "Kepala Bappeda",
                                                                "197001011990032001", "IV/c")})
    signer = agreement_context(cm.meeting)["regions"][0]["signer"]
    assert (signer.name, signer.position, signer.nip, signer.rank) == (
        "Dra. Hj. Kepala Bappeda", "Kepala Bappeda", "19700101 199003 2 001", "Pembina Utama Muda (IV/c)")
    assert signer.on_behalf == f"Pemerintah {cm.regions[0].name}"
