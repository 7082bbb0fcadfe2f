"""Participant import speed: `python bench/bench_import.py [--rows 1000] [--runs 5] [--format csv|xlsx]`.

Generates a file of --rows participants over South Kalimantan's 13 regency/city agencies
(data made here, independent of the tests), then imports it --runs times into fresh meetings of
a throw-away SQLite database and prints the median of preview (read + validate) and of the whole
import (preview + register every row + commit)."""
import argparse
import csv
import io
import random
import statistics
import time

from common import bench_app, new_meeting, person, planning_agencies


def make_file(rows, fmt):
    rnd = random.Random(7)
    agencies = planning_agencies()
    header = ["No", "Nama", "NIP", "Jabatan", "Instansi", "No HP", "Email", "L/P"]
    data = []
    for i in range(rows):
        p = person(i, rnd)
        data.append([i + 1, p["name"], p["nip"], p["position"], agencies[i % len(agencies)].name,
                     p["phone"], p["email"], p["gender"]])
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(header)
        for row in data:
            ws.append(row)
            ws.cell(row=ws.max_row, column=3).number_format = "@"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    writer.writerows(data)
    return buf.getvalue().encode("cp1252")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    with bench_app():
        from rakor.extensions import db
        from rakor.participants import imports

        content = make_file(args.rows, args.format)
        previews, totals = [], []
        for _ in range(args.runs):
            meeting = new_meeting()
            db.session.commit()
            start = time.perf_counter()
            report = imports.preview(meeting, content, f"bench.{args.format}", max_rows=args.rows)
            previews.append(time.perf_counter() - start)
            assert report.ok, report.problems()[:5]
            imports.commit(meeting, report)
            db.session.commit()
            totals.append(time.perf_counter() - start)
        print(f"import of {args.rows} rows ({args.format}, {len(content) // 1024} KiB), {args.runs} runs: "
              f"preview median {statistics.median(previews):.2f} s, whole import median "
              f"{statistics.median(totals):.2f} s (min {min(totals):.2f}, max {max(totals):.2f})")


if __name__ == "__main__":
    main()
