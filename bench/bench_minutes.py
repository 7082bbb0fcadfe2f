"""Minutes (notulen) benchmarks: `python bench/bench_minutes.py [--runs 3] [--sizes 250,500,1000]
[--downloads 200] [--http gunicorn|client] [--skip render,download,sizes] [--keep DIR]`.

1. render: the seed meeting's minutes (demo data, 52 participants, 65 commitments, 7 agenda
   items). Cold: `--runs` fresh processes (this script with --cold-child on the same database),
   each timing its first render (context + Jinja + WeasyPrint, including Jinja's compilation of
   the template and WeasyPrint's first use of fontconfig, Pango, HarfBuzz and the font files; the
   font files are in the OS page cache, as on a server that has run before) and a second one.
   Warm: in this process, which has already rendered the same minutes (demo.load publishes the
   final PDF), the full render interleaved with WeasyPrint alone on the same HTML, like for like
   (`rakor.documents.pdf.html_to_pdf`: the same PDF/A-3b tagged output, the same GC thresholds
   during the render), medians of wall and CPU time and the ratio full render / WeasyPrint alone;
   and, apart, the same WeasyPrint output with CPython's default GC thresholds (what the GC
   setting gives on its own).
2. download: the stored final PDF over HTTP, signed in as leadership: latency p50/p90/max of
   `GET /meetings/<id>/minutes.pdf` (the bytes are checked identical every time) and of the
   same request with If-None-Match (304). `--http gunicorn` (default) serves the app with
   gunicorn in production mode on PostgreSQL + Redis (bench/server.py); `--http client` uses
   Flask's test client on SQLite when those are not there.
3. sizes: a synthetic meeting with N participants and 2*N agreed commitments (defaults 250, 500,
   1000), render time per size and per 1,000 table rows, to show the growth is linear.
"""
import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from common import ROOT, add_participants, bench_app, new_meeting, planning_agencies

TOPICS = ("KEMISKINAN", "STUNTING", "IPM", "SPM")
PROGRAMMES = {"KEMISKINAN": "1.06.05", "STUNTING": "1.02.02", "IPM": "1.01.02", "SPM": "5.01.02"}


def _median(timings):
    return statistics.median(timings)


def _timed(fn):
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def cold_child(database_uri, meeting_id):
    """Runs in a fresh interpreter (`--cold-child`): the first render of the minutes in a process
    that has rendered nothing yet, then a second one. Prints one line of JSON."""
    import json

    started = time.perf_counter()
    import config
    from rakor import create_app

    class ChildConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_uri
        UPLOAD_DIR = os.environ["RAKOR_BENCH_UPLOAD_DIR"]  # the parent's: the organiser's logo is there

    app = create_app(ChildConfig)
    ready = time.perf_counter() - started
    with app.app_context():
        from rakor.extensions import db
        from rakor.meetings.models import Meeting
        from rakor.minutes import documents, queries

        meeting = db.session.get(Meeting, meeting_id)
        revision = queries.latest_final(meeting_id)
        with app.test_request_context():
            pdf, first, first_cpu = _timed(lambda: documents.render_minutes_pdf(meeting, revision))
            _pdf, second, second_cpu = _timed(lambda: documents.render_minutes_pdf(meeting, revision))
    print(json.dumps({"ready": ready, "first": first, "first_cpu": first_cpu, "second": second,
                      "second_cpu": second_cpu, "size": len(pdf)}))


def _cold_runs(app, meeting_id, runs):
    import json
    import subprocess

    from rakor.extensions import db

    uri = str(db.engine.url)
    results = []
    for _ in range(runs):
        child = subprocess.run([sys.executable, __file__, "--cold-child", uri, str(meeting_id)], cwd=ROOT,
                               capture_output=True, text=True,
                               env={**os.environ, "RAKOR_BENCH_UPLOAD_DIR": app.config["UPLOAD_DIR"]})
        if child.returncode:
            raise RuntimeError(f"the cold render failed:\n{child.stderr[-3000:]}")
        out = child.stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def bench_render(app, runs, keep):
    from weasyprint import HTML

    from rakor import demo
    from rakor.documents.pdf import (
        ARCHIVAL_PDF_OPTIONS,
        StaticOnlyFetcher,
        html_to_pdf,
        render_html,
        static_root,
    )
    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.minutes import documents, queries

    meeting_id = demo.load().meeting_id  # renders and stores the final PDF: this process is warm
    db.session.commit()
    cold = _cold_runs(app, meeting_id, runs)
    meeting = db.session.get(Meeting, meeting_id)
    revision = queries.latest_final(meeting_id)
    with app.test_request_context():
        html = render_html(documents.TEMPLATE, for_pdf=True, **documents.minutes_context(meeting, revision))
        base_url = static_root().resolve().as_uri() + "/"

        def default_gc():  # WeasyPrint on the same HTML, same PDF (PDF/A-3b, tagged), CPython's default GC
            document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher(static_root())).render()
            return document.write_pdf(**ARCHIVAL_PDF_OPTIONS)

        full, full_cpu, same, same_cpu, plain, plain_cpu = [], [], [], [], [], []
        for _ in range(runs):  # interleaved, so that the machine's load hits all alike
            pdf, wall, cpu = _timed(lambda: documents.render_minutes_pdf(meeting, revision))
            full.append(wall)
            full_cpu.append(cpu)
            _pdf, wall, cpu = _timed(lambda: html_to_pdf(html))
            same.append(wall)
            same_cpu.append(cpu)
            _pdf, wall, cpu = _timed(default_gc)
            plain.append(wall)
            plain_cpu.append(cpu)
    if keep:
        (keep / "notulen-seed.pdf").write_bytes(pdf)
    m = _median
    print(f"render, seed meeting ({len(pdf) // 1024} KiB), load average {os.getloadavg()[0]:.1f}:\n"
          f"  cold (a fresh process, its first render: includes Jinja compiling the template and WeasyPrint's "
          f"first use of fontconfig/Pango/HarfBuzz and the fonts; not the imports, {m([c['ready'] for c in cold]):.1f} s "
          f"to create the app): median {m([c['first'] for c in cold]):.2f} s wall, "
          f"{m([c['first_cpu'] for c in cold]):.2f} s CPU over {len(cold)} processes "
          f"(max {max(c['first'] for c in cold):.2f} s); the same process's second render "
          f"{m([c['second'] for c in cold]):.2f} s wall, {m([c['second_cpu'] for c in cold]):.2f} s CPU\n"
          f"  warm (this process rendered it before), medians over {runs} interleaved runs:\n"
          f"    the app's render (context + Jinja + WeasyPrint): {m(full):.2f} s wall, {m(full_cpu):.2f} s CPU\n"
          f"    WeasyPrint alone on the same HTML, like for like (rakor.documents.pdf.html_to_pdf: the same PDF/A-3b "
          f"tagged output and the same GC thresholds during the render): {m(same):.2f} s wall, {m(same_cpu):.2f} s CPU\n"
          f"    RATIO app / WeasyPrint alone, like for like: {m(full) / m(same):.2f}x wall, "
          f"{m(full_cpu) / m(same_cpu):.2f}x CPU (what context + Jinja add)\n"
          f"    (the GC setting on its own: the same WeasyPrint output with CPython's default GC thresholds "
          f"{m(plain):.2f} s wall, {m(plain_cpu):.2f} s CPU, {m(same_cpu) / m(plain_cpu):.2f}x CPU of that. Earlier "
          f"versions of this benchmark compared the app, GC held off, with this default-GC render of a plain, "
          f"untagged PDF: not like for like)")


def _percentiles(timings):
    ordered = sorted(timings)
    return (ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.9)], ordered[-1])


def _report_downloads(how, timings, cached, size):
    p50, p90, worst = _percentiles(timings)
    c50, c90, cworst = _percentiles(cached)
    print(f"download of the stored final PDF ({how}, {size // 1024} KiB, {len(timings)} requests): "
          f"p50 {p50 * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms, max {worst * 1000:.1f} ms; "
          f"with If-None-Match (304): p50 {c50 * 1000:.1f} ms, p90 {c90 * 1000:.1f} ms, max {cworst * 1000:.1f} ms")


def bench_download_gunicorn(count):
    sys.path.insert(0, str(ROOT / "bench"))
    from server import Client, Deployment, Gunicorn

    deployment = Deployment("rakor_bench_minutes")
    try:
        meeting_id = deployment.create()
        with Gunicorn(deployment, args="-w 2") as server:
            client = Client(server.base).login(email="pimpinan@demo.rakor.id")
            path = f"/meetings/{meeting_id}/minutes.pdf"
            status, headers, first = client.get(path)
            assert status == 200 and first.startswith(b"%PDF"), status
            etag = headers["etag"]
            timings, cached = [], []
            for _ in range(count):
                start = time.perf_counter()
                status, _h, body = client.get(path)
                timings.append(time.perf_counter() - start)
                assert status == 200 and body == first
                start = time.perf_counter()
                status, _h, body = client.get(path, headers={"If-None-Match": etag})
                cached.append(time.perf_counter() - start)
                assert status == 304 and body == b""
            assert etag.strip('"') == hashlib.sha256(first).hexdigest()
            _report_downloads("HTTP through gunicorn -w 2, PostgreSQL, production config", timings, cached, len(first))
    finally:
        deployment.drop()


def _isolated_client(app):
    """A test client whose requests each get their own app context (and `g`, and db session), as
    in production, although the benchmark holds an app context of its own."""
    import contextvars

    from flask.globals import _cv_app
    from flask.testing import FlaskClient

    class Isolated(FlaskClient):
        def open(self, *args, **kwargs):
            def run():
                _cv_app.set(None)
                return FlaskClient.open(self, *args, **kwargs)

            return contextvars.copy_context().run(run)

    app.test_client_class = Isolated
    return app.test_client()


def bench_download_client(app, count):
    from sqlalchemy import select

    from rakor import demo
    from rakor.auth.models import User
    from rakor.extensions import db
    from rakor.minutes import queries

    meeting_id = demo.load().meeting_id
    db.session.commit()
    user = db.session.scalar(select(User).where(User.email == "pimpinan@demo.rakor.id"))
    db.session.commit()
    client = _isolated_client(app)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    path = f"/meetings/{meeting_id}/minutes.pdf"
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    first = response.data
    etag = f'"{queries.stored_hash(queries.latest_final(meeting_id).id)}"'
    timings, cached = [], []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.data == first
        start = time.perf_counter()
        response = client.get(path, headers={"If-None-Match": etag})
        cached.append(time.perf_counter() - start)
        assert response.status_code == 304
    _report_downloads("Flask test client, SQLite", timings, cached, len(first))


def _synthetic_meeting(size, seed=2024):
    """A held meeting with `size` participants (3 in 4 present), 7 agenda items with notes, and
    2*size agreed commitments spread over the 13 regencies/cities."""
    from sqlalchemy import select, update

    from rakor.auth.models import User
    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.meetings.models import AgendaItem, Topic
    from rakor.minutes import services
    from rakor.participants.models import Participant
    from rakor.regions.programmes import load_shipped_programmes

    load_shipped_programmes()
    meeting = new_meeting(title=f"Rakor sintetis {size} peserta")
    meeting.chair_name, meeting.minute_taker_name = "Pimpinan Rapat Sintetis", "Notulis Sintetis"
    add_participants(meeting, size, seed=seed)
    db.session.execute(update(Participant).where(Participant.meeting_id == meeting.id, Participant.id % 4 != 0)
                       .values(checked_in_at=meeting.starts_at))
    topics = {t.code: t for t in db.session.scalars(select(Topic))}
    rnd = random.Random(seed)
    agencies = planning_agencies()
    for position in range(1, 8):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=f"Mata acara {position}",
                                  presenter="Bappeda kabupaten/kota"))
    per_agency = {}
    for i in range(2 * size):
        agency = agencies[i % len(agencies)]
        code = TOPICS[i % len(TOPICS)]
        sequence = per_agency[agency.id] = per_agency.get(agency.id, 0) + 1
        db.session.add(Commitment(
            reference=f"RK-2024-{meeting.id:04d}-{agency.region.kemendagri_code}-{sequence:03d}",
            meeting_id=meeting.id, agency_id=agency.id, sequence=sequence, topic_id=topics[code].id,
            indicator_id=topics[code].id, title=f"Program {code.lower()} nomor {i + 1}: intervensi desa lokus",
            programme_code=PROGRAMMES[code], target_value=Decimal(rnd.randint(100, 9000)) / 100,
            target_date=date(2024, 12, 31), responsible_office="Dinas terkait kabupaten/kota",
            budget=Decimal(rnd.randint(1, 400)) * 5_000_000, funding_source="apbd", budget_year=2024,
            status="agreed", version=1))
    db.session.flush()
    meeting.status = "held"
    committee = db.session.scalar(select(User).where(User.role == "committee")) or None
    items = db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)).all()
    notes = "Pembahasan per kabupaten/kota.\n\n" + "\n".join(f"- Butir {n}: kesepakatan dan tindak lanjut."
                                                                for n in range(1, 9))
    revision = services.save(meeting, {"opening": "Rapat dibuka.", "closing": "Rapat ditutup.",
                                       "conclusions": notes,
                                       "items": {str(i): {"discussion": notes, "conclusions": "Disepakati."}
                                                 for i in items}}, committee, None)
    db.session.commit()
    return meeting, revision


def _pages(pdf):
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def bench_sizes(app, sizes, keep):
    from rakor.minutes import documents

    results = []
    for size in sizes:
        meeting, revision = _synthetic_meeting(size)
        with app.test_request_context():
            pdf, took, cpu = _timed(lambda m=meeting, r=revision: documents.render_minutes_pdf(m, r))
        rows = size + 2 * size
        results.append((size, took, cpu))
        if keep:
            (keep / f"notulen-{size}.pdf").write_bytes(pdf)
        pages = _pages(pdf)
        print(f"render, {size:>5} participants + {2 * size:>5} commitments: {took:.1f} s wall, {cpu:.1f} s CPU, "
              f"{cpu / rows * 1000:.1f} s CPU per 1,000 table rows, {len(pdf) // 1024} KiB, {pages} pages", flush=True)
    if len(results) > 1:
        (s0, t0, c0), (s1, t1, c1) = results[0], results[-1]
        print(f"growth from {s0} to {s1} participants: size x{s1 / s0:.1f}, time x{t1 / t0:.1f} wall, x{c1 / c0:.1f} CPU")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="250,500,1000")
    parser.add_argument("--downloads", type=int, default=200)
    parser.add_argument("--http", choices=("gunicorn", "client"), default="gunicorn")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: render,download,sizes")
    parser.add_argument("--keep", type=Path, help="write the rendered PDFs into this folder")
    parser.add_argument("--cold-child", nargs=2, metavar=("DATABASE_URI", "MEETING_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child[0], int(args.cold_child[1]))
        return
    skip = set(filter(None, args.skip.split(",")))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with bench_app() as app:
        if "render" not in skip:
            bench_render(app, args.runs, args.keep)
        if "download" not in skip and args.http == "client":
            bench_download_client(app, args.downloads)
        if "sizes" not in skip:
            bench_sizes(app, [int(s) for s in args.sizes.split(",")], args.keep)
    if "download" not in skip and args.http == "gunicorn":
        bench_download_gunicorn(args.downloads)


if __name__ == "__main__":
    main()
