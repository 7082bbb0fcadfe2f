"""A bare Flask app with one route, `/bench/bare` answering "ok": the reference for the meeting
page's share in bench/load.py (the probe's definition of "a bare Flask route"). Its objects are
frozen out of the garbage collector's walks as the app's are (wsgi.py), like for like."""
import gc

from flask import Flask

app = Flask(__name__)


@app.route("/bench/bare")
def bench_bare():
    return "ok"


gc.collect()
gc.freeze()
