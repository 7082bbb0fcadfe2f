"""What archiving and signing cost (#17): the demo meeting's final notulen as WeasyPrint's plain
PDF, as the PDF/A-3b tagged file every document now is, and as the stored signed file (PDF/A +
PAdES signature with its stamp, demo CA); median wall time of each, interleaved, and the sizes.
`python bench/bench_final_pdf.py [--runs 5]`."""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import bench_app


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_app() as app:
        from rakor import demo
        from rakor.documents import pdf, signing
        from rakor.documents.demo_certificates import ensure_demo_identity
        from rakor.extensions import db
        from rakor.meetings.models import Meeting
        from rakor.minutes import documents, queries

        app.config["DEMO_SIGNING_DIR"] = tempfile.mkdtemp(prefix="rakor-bench-pki-")
        with app.test_request_context():
            meeting = db.session.get(Meeting, demo.load().meeting_id)
            db.session.commit()
            revision = queries.latest_final(meeting.id)
            html, _rows = documents.minutes_pdf_html(meeting, revision)
            pki = ensure_demo_identity(app.config["DEMO_SIGNING_DIR"], "Bappeda Bench")
            identity = signing._load(pki.pkcs12_path, pki.passphrase, demo=True)

            def plain():
                return pdf._document(html).write_pdf()

            def archival():
                return pdf.html_to_pdf(html)

            def signed():
                return signing.finish_final_pdf(pdf.html_to_pdf(html), identity,
                                                verification_url=revision.verification_url,
                                                timezone=meeting.timezone).content

            cases = {"plain WeasyPrint": plain, "PDF/A-3b + tags": archival, "PDF/A + signature": signed}
            times = {name: [] for name in cases}
            sizes = {}
            for _ in range(args.runs):
                for name, work in cases.items():
                    start = time.perf_counter()
                    sizes[name] = len(work())
                    times[name].append(time.perf_counter() - start)
            base = statistics.median(times["plain WeasyPrint"])
            for name in cases:
                median = statistics.median(times[name])
                print(f"{name:20} median {median:6.2f} s  ({median / base:4.2f}x)  {sizes[name]:>9,} bytes")
            Path(tempfile.gettempdir(), "rakor-bench-final.pdf").write_bytes(signed())


if __name__ == "__main__":
    main()
