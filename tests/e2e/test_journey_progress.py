"""Browser journey of progress monitoring: a delegate on a phone fills the quarterly table for
its agency with one evidence file and its physical realisation; the committee verifies the
report and issues the numbered monitoring report; leadership opens the dashboard from its home
page, downloads the draft monitoring report (laporan monitoring) and finds the issued one.

Stable selectors: #report-quarter, #report-table, #save-report, #verify-<period>,
[data-review], #panel-progress, #open-progress-dashboard, #dashboard-filters, #progress-matrix,
#download-monitoring, #monitoring-report, #issue-report, #issued-reports."""
import io

from pypdf import PdfReader

from tests.e2e.conftest import REPORT_CSP_VIOLATIONS, is_csp_violation, login
from tests.helpers import PDF

PHONE = {"width": 390, "height": 844}


def _seed(live_app):
    from sqlalchemy import select

    from rakor.extensions import db
    from rakor.meetings.models import Meeting

    with live_app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.is_demo.is_(True)).order_by(Meeting.id))
        db.session.remove()
    return meeting_id


def _reports(live_app, reference):
    from sqlalchemy import select

    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.progress.models import ProgressEvidence, ProgressUpdate

    with live_app.app_context():
        commitment = db.session.scalar(select(Commitment).where(Commitment.reference == reference))
        updates = db.session.scalars(select(ProgressUpdate).where(
            ProgressUpdate.commitment_id == commitment.id, ProgressUpdate.is_current)).all()
        files = db.session.scalars(select(ProgressEvidence.original_filename).where(
            ProgressEvidence.commitment_id == commitment.id)).all()
        result = (commitment.id, {u.period: (u.status, u.review_status) for u in updates}, files)
        db.session.remove()
    return result


def test_delegate_reports_committee_verifies_leadership_downloads(new_context, live_server, live_app):
    meeting_id = _seed(live_app)
    phone = new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    delegate = phone.new_page()
    login(delegate, live_server, "delegasi.kotabaru@demo.rakor.id")
    delegate.goto(f"{live_server}/meetings/{meeting_id}/progress")
    delegate.click("#report-quarter")
    delegate.wait_for_selector("#report-table")
    period = delegate.input_value("#choose-period")
    first = delegate.locator("#report-table fieldset").first
    reference = first.get_attribute("data-reference")
    first.locator("[name$=realised_value]").fill("5,9")
    first.locator("[name$=status]").select_option("on_track")
    first.locator("[name$=budget_realised]").fill("Rp 250.000.000")
    first.locator("[name$=physical_percent]").fill("62,5")
    first.locator("[name$=narrative]").fill("Penyaluran bantuan tahap III selesai.")
    first.locator("[name$=evidence]").set_input_files(
        files=[{"name": "bukti-dukung.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    delegate.click("#save-report")
    delegate.wait_for_selector(".alert-success")
    commitment_id, reports, files = _reports(live_app, reference)
    assert reports[period] == ("on_track", "submitted") and "bukti-dukung.pdf" in files
    phone.close()

    committee_ctx = new_context(locale="id-ID")
    committee = committee_ctx.new_page()
    login(committee, live_server, "panitia@demo.rakor.id")
    committee.wait_for_url(f"{live_server}/")
    committee.goto(f"{live_server}/meetings/{meeting_id}/commitments/{commitment_id}/progress")
    assert "bukti-dukung.pdf" in committee.inner_text(f"#period-{period}")
    committee.click(f"#verify-{period}")
    committee.wait_for_selector(f"#period-{period} [data-review=verified]")
    assert _reports(live_app, reference)[1][period] == ("on_track", "verified")
    committee.goto(f"{live_server}/meetings/{meeting_id}/progress")
    committee.click("#monitoring-report")
    committee.wait_for_selector("#letter-form")
    assert committee.input_value("#signer_nip")  # the demo's signing officer
    committee.on("dialog", lambda dialog: dialog.accept())  # "Terbitkan laporan monitoring sekarang?"
    committee.click("#issue-report")
    committee.wait_for_selector("#issued-reports")
    number = committee.get_attribute("#issued-reports tbody tr", "data-number")
    assert number and number in committee.inner_text(".alert-success")
    committee_ctx.close()

    leadership_ctx = new_context(locale="id-ID", accept_downloads=True)
    leadership_ctx.add_init_script(REPORT_CSP_VIOLATIONS)
    violations = []
    leadership_ctx.on("console", lambda m: is_csp_violation(m.text) and violations.append(m.text))
    leadership = leadership_ctx.new_page()
    login(leadership, live_server, "pimpinan@demo.rakor.id")
    leadership.wait_for_url(f"{live_server}/")
    leadership.click("#panel-progress #open-progress-dashboard")
    leadership.wait_for_selector("#progress-matrix")
    leadership.select_option("#dashboard-filters [name=meeting]", str(meeting_id))
    leadership.click("#dashboard-filters button")
    leadership.wait_for_selector("#download-monitoring")
    assert "Kabupaten Kotabaru" in leadership.inner_text("#progress-matrix")
    assert leadership.get_attribute("#chart-regions", "alt")
    assert leadership.evaluate("document.querySelector('#chart-regions').naturalWidth") > 0  # the SVG drew
    assert violations == []
    with leadership.expect_download() as download:
        leadership.click("#download-monitoring")
    pdf = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "LAPORAN MONITORING KESEPAKATAN" in text and reference in text and "TERLAMBAT LAPOR" in text
    assert "DRAF" in text and "62,5%" in text
    leadership.goto(f"{live_server}/meetings/{meeting_id}/progress/monitoring")
    assert number in leadership.inner_text("#issued-reports")
    leadership_ctx.close()
