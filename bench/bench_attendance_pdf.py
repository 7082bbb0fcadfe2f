"""Attendance sheet (daftar hadir) render time: `python bench/bench_attendance_pdf.py [--runs 3]
[--sizes 52,1000] [--keep DIR]`. Prints the median per size; --keep writes the PDFs there."""
import argparse
import statistics
import time
from pathlib import Path

from common import add_participants, bench_app, new_meeting


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="52,1000")
    parser.add_argument("--keep", type=Path, help="write the rendered PDFs into this folder")
    args = parser.parse_args()
    with bench_app() as app:
        from rakor.extensions import db
        from rakor.participants.documents import render_attendance

        for size in [int(s) for s in args.sizes.split(",")]:
            meeting = new_meeting()
            add_participants(meeting, size)
            db.session.commit()
            with app.test_request_context():
                timings, pdf = [], b""
                for _ in range(args.runs):
                    start = time.perf_counter()
                    pdf = render_attendance(meeting)
                    timings.append(time.perf_counter() - start)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"daftar-hadir-{size}.pdf").write_bytes(pdf)
            print(f"attendance PDF, {size:>5} participants: median {statistics.median(timings):.2f} s "
                  f"over {args.runs} runs (min {min(timings):.2f}, max {max(timings):.2f}); "
                  f"{len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
