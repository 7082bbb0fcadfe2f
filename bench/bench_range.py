"""What passing a Range to the object store saves: the last 64 KiB of a 32 MiB object through the
S3 backend's download (`Storage.send`, get_object with Range), against the whole object, and
against skipping to the range in the object's stream (what a range cut out of a stream that
cannot seek costs: Werkzeug's range wrapper reads and drops the bytes before it).

    SEAWEEDFS_TEST_PORT_BASE=8200 .venv/bin/python -m bench.bench_range [--runs 7] [--mib 32]

Starts its own SeaweedFS on loopback (ten ports from the base) and stops it. Prints the median of
each, and the ratios in the same run; give `uptime`'s load average beside them (the machine is
shared)."""
import argparse
import os
import statistics
import tempfile
import time

from flask import Flask

from rakor.storage.s3 import S3Storage
from tests.seaweedfs import start_seaweedfs

TAIL = 64 * 1024


def _timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mib", type=int, default=32)
    args = parser.parse_args()
    server = start_seaweedfs(tempfile.mkdtemp(prefix="rakor-bench-range-"),
                             int(os.environ.get("SEAWEEDFS_TEST_PORT_BASE", "8600")))
    try:
        store = S3Storage(endpoint_url=server.endpoint_url, bucket=server.bucket, access_key=server.access_key,
                          secret_key=server.secret_key)
        size = args.mib * 1024 * 1024
        key = "materials/bench-range.pdf"
        store.put_bytes(key, os.urandom(size))
        app = Flask(__name__)

        def download(headers):
            with app.test_request_context(headers=headers):
                response = store.send(key, mimetype="application/pdf", download_name="x.pdf")
                body = b"".join(response.response)
                response.close()
            return response.status_code, len(body)

        assert download({"Range": f"bytes=-{TAIL}"}) == (206, TAIL)
        assert download({}) == (200, size)

        def skip_in_stream():
            with store.open(key) as f:
                left = size - TAIL
                while left:
                    left -= len(f.read(min(left, 1024 * 1024)))
                assert len(f.read()) == TAIL

        ranged = _timed(lambda: download({"Range": f"bytes=-{TAIL}"}), args.runs)
        whole = _timed(lambda: download({}), args.runs)
        skipped = _timed(skip_in_stream, args.runs)
        print(f"object {args.mib} MiB on SeaweedFS, last {TAIL // 1024} KiB, median of {args.runs}:")
        print(f"  Range passed to get_object : {ranged * 1000:8.1f} ms")
        print(f"  whole object               : {whole * 1000:8.1f} ms  ({whole / ranged:.0f}x the range)")
        print(f"  range cut from the stream  : {skipped * 1000:8.1f} ms  ({skipped / ranged:.0f}x the range)")
        print(f"  load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
