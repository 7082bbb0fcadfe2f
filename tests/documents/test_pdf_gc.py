"""rakor.documents.pdf renders with fewer GC passes and gives the thresholds back afterwards."""
import gc

import pytest

from rakor.documents import pdf


def test_a_render_raises_the_gen0_threshold_and_restores_it_even_nested_or_failing():
    before = gc.get_threshold()
    with pdf.fewer_gc_pauses():
        assert gc.get_threshold()[0] >= pdf.RENDER_GC_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        with pdf.fewer_gc_pauses():  # html_to_pdf around _document
            assert gc.get_threshold()[0] >= pdf.RENDER_GC_THRESHOLD
        assert gc.get_threshold()[0] >= pdf.RENDER_GC_THRESHOLD  # the outer render is not over
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), pdf.fewer_gc_pauses():
        raise RuntimeError("WeasyPrint failed")
    assert gc.get_threshold() == before


def test_html_to_pdf_still_makes_a_pdf(app):
    with app.test_request_context():
        out = pdf.html_to_pdf('<link rel="stylesheet" href="css/documents.css"><p>Notulen</p>')
    assert out.startswith(b"%PDF") and gc.isenabled()
