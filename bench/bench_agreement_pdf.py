"""Agreement record (berita acara kesepakatan) of the demo meeting: render time of the whole
path (context + template + WeasyPrint) against WeasyPrint alone on the same HTML, and the query
counts of the commitment pages. `python bench/bench_agreement_pdf.py [--runs 5]`."""
import argparse
import statistics
import time

from common import bench_app


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_app() as app:
        from sqlalchemy import event, select
        from weasyprint import HTML

        from rakor import demo
        from rakor.auth.models import User
        from rakor.commitments.documents import TEMPLATE, agreement_context, render_agreement
        from rakor.commitments.models import Commitment
        from rakor.documents.pdf import StaticOnlyFetcher, render_html, static_root
        from rakor.extensions import db

        meeting_id = demo.load().meeting_id
        db.session.commit()
        from rakor.meetings.models import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        with app.test_request_context():
            whole, alone = [], []
            html = render_html(TEMPLATE, for_pdf=True, **agreement_context(meeting))
            base = static_root().resolve().as_uri() + "/"
            for _ in range(args.runs):
                start = time.perf_counter()
                pdf = render_agreement(meeting)
                whole.append(time.perf_counter() - start)
                start = time.perf_counter()
                HTML(string=html, base_url=base, url_fetcher=StaticOnlyFetcher(static_root())).write_pdf()
                alone.append(time.perf_counter() - start)
        agreed = db.session.scalar(select(db.func.count(Commitment.id)).where(
            Commitment.meeting_id == meeting_id, Commitment.status == "agreed"))
        print(f"agreement PDF ({agreed} agreed commitments, {len(pdf) // 1024} KiB): median "
              f"{statistics.median(whole):.2f} s; WeasyPrint alone on the same HTML "
              f"{statistics.median(alone):.2f} s; ratio {statistics.median(whole) / statistics.median(alone):.2f} "
              f"({args.runs} runs)")

        committee = db.session.scalar(select(User).where(User.email == "panitia@demo.rakor.id"))
        delegate = db.session.scalar(select(User).where(User.email == "delegasi.kotabaru@demo.rakor.id"))
        first = db.session.scalar(select(Commitment.id).where(Commitment.meeting_id == meeting_id))
        region = db.session.scalar(select(Commitment).where(Commitment.id == first)).agency_id
        from rakor.regions.models import Agency

        region_id = db.session.get(Agency, region).region_id
        from tests.conftest import RequestIsolatedClient

        app.test_client_class = RequestIsolatedClient  # each request its own app context, as in production
        client = app.test_client()
        statements = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]) if a[2].lstrip()[:4].upper() != "SAVE" else None)
        for user in (committee, delegate):
            with client.session_transaction() as sess:
                sess["_user_id"], sess["_fresh"] = user.get_id(), True
            for path in (f"/meetings/{meeting_id}/commitments", f"/meetings/{meeting_id}/commitments?group=topic",
                         f"/meetings/{meeting_id}/commitments/{first}", f"/meetings/{meeting_id}/commitments/new",
                         f"/regions/{region_id}/commitments", f"/meetings/{meeting_id}"):
                statements.clear()
                status = client.get(path).status_code
                print(f"{user.role:<10} {path:<45} {status} {len(statements):>3} queries")


if __name__ == "__main__":
    main()
