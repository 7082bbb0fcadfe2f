"""pygal against matplotlib's SVG backend for the same chart (13 horizontal bars, 0-100 %):
median drawing time, import time, SVG size, whether text stays text and whether a script is
left. Why rakor/progress/charts.py uses pygal. matplotlib is not a dependency of Rakor:
`pip install matplotlib` into a scratch virtualenv to run its half; without it, it is skipped.

    .venv/bin/python bench/scale/charts.py [--runs 20]"""
import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LABELS = [f"Kabupaten Uji {i}" for i in range(13)]
VALUES = [max(0, min(100, (i * 37) % 120 - 5)) for i in range(13)]


def import_time(module):
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def with_pygal():
    from rakor.progress import charts

    charts._achievement_bars.cache_clear()
    return charts._achievement_bars.__wrapped__(tuple((label, v, 1) for label, v in zip(LABELS, VALUES, strict=True)), "", "id")


def with_matplotlib():
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.8))
    ax.barh(LABELS[::-1], VALUES[::-1])
    ax.set_xlim(0, 100)
    for y, v in enumerate(VALUES[::-1]):
        ax.text(v, y, f" {v} %", va="center")
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue().encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import config
    from rakor import create_app

    with create_app(config.TestConfig).test_request_context():
        for name, module, draw in (("pygal", "pygal", with_pygal), ("matplotlib", "matplotlib.pyplot", with_matplotlib)):
            try:
                svg = draw()
            except ImportError:
                print(f"{name:<11} not installed: skipped")
                continue
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                svg = draw()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:<11} median {statistics.median(times):6.1f} ms  import {import_time(module):5.2f} s  "
                  f"{len(svg):6d} bytes  text as <text>: {b'<text' in svg}  script: {b'<script' in svg}")


if __name__ == "__main__":
    main()
