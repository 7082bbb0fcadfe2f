"""Peak memory of the minutes (notulen) PDF: `python bench/bench_minutes_memory.py [--sizes 1000]
[--runs 1]`.

For each size N, a synthetic held meeting with N participants (3 in 4 present) and 2*N agreed
commitments (the same generator as bench/bench_minutes.py "sizes", SQLite) is made once in this
process; then each render runs in a fresh interpreter (`--child`) that creates the app, loads the
meeting and its final... draft revision, reads its resident set size (VmRSS) just before the
render, renders the PDF with `rakor.minutes.documents.render_minutes_pdf` (the one renderer of
minutes: PDF/A-3b, tagged), and reports the process's peak resident set size (`ru_maxrss`,
which on Linux is the high-water mark of the whole process, VmHWM), the pages and the time.
Target (issue 20): the 1,000-participant minutes under 300 MB peak.

`--parts` also renders, each in a fresh process, the same minutes without the attendance annex
and with the annex alone (no commitments, no agenda notes): where the memory goes. These use
`minutes_context` with rows left out and `render_html` + `html_to_pdf`, the steps
`render_minutes_pdf` takes.

`--single` also renders the minutes whole in one WeasyPrint document, as before issue 20's parts
(PDF_PARTS_FROM set out of reach): before and after in the same run.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

from common import ROOT, bench_app


def _rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(database_uri, meeting_id, part="whole"):
    import config
    from rakor import create_app

    class ChildConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_uri

    if part == "single":  # rendered whole, as before rakor/documents/parts.py
        ChildConfig.PDF_PARTS_FROM = 10**9
    app = create_app(ChildConfig)
    with app.app_context():
        from rakor.extensions import db
        from rakor.meetings.models import Meeting
        from rakor.minutes import documents, queries

        meeting = db.session.get(Meeting, meeting_id)
        revision = queries.current_revision(meeting_id)
        with app.test_request_context():
            before = _rss_mb()
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            cpu_started = cpu.ru_utime + cpu.ru_stime
            started = time.perf_counter()
            if part in ("whole", "single"):
                pdf = documents.render_minutes_pdf(meeting, revision)
            else:
                from rakor.documents.pdf import html_to_pdf, render_html

                context = documents.minutes_context(meeting, revision)
                if part == "no-annex":
                    context["attendance"] = []
                else:  # annex-only
                    context["regions"], context["items"] = [], []
                pdf = html_to_pdf(render_html(documents.TEMPLATE, for_pdf=True, **context))
            took = time.perf_counter() - started
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            cpu_took = cpu.ru_utime + cpu.ru_stime - cpu_started
    import io

    from pypdf import PdfReader

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"before_mb": round(before, 1), "peak_mb": round(peak, 1), "seconds": round(took, 2), "cpu_seconds": round(cpu_took, 2),
                      "pages": len(PdfReader(io.BytesIO(pdf)).pages), "bytes": len(pdf)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per size (default 1)")
    parser.add_argument("--parts", action="store_true", help="also without the annex, and the annex alone")
    parser.add_argument("--single", action="store_true", help="also rendered whole, in one WeasyPrint document")
    parser.add_argument("--child", nargs=3, metavar=("DATABASE_URI", "MEETING_ID", "PART"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return
    from bench_minutes import _synthetic_meeting

    with bench_app():
        from rakor.extensions import db

        uri = str(db.engine.url)
        for size in (int(s) for s in args.sizes.split(",")):
            meeting, _revision = _synthetic_meeting(size)
            parts = ("whole",) + (("single",) if args.single else ()) + (("no-annex", "annex-only") if args.parts else ())
            for part in parts * args.runs:
                load = os.getloadavg()[0]
                out = subprocess.run([sys.executable, __file__, "--child", uri, str(meeting.id), part], cwd=ROOT,
                                     capture_output=True, text=True, check=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                what = {"whole": "", "single": ", whole in one WeasyPrint document (before parts)",
                        "no-annex": ", without the annex", "annex-only": ", the annex alone"}[part]
                print(f"minutes, {size:>5} participants + {2 * size:>5} commitments{what}: peak RSS {r['peak_mb']:.0f} MB "
                      f"(RSS {r['before_mb']:.0f} MB before the render), {r['seconds']:.1f} s ({r['cpu_seconds']:.1f} s CPU), "
                      f"{r['pages']} pages, "
                      f"{r['bytes'] // 1024} KiB; load average {load:.1f}", flush=True)


if __name__ == "__main__":
    main()
