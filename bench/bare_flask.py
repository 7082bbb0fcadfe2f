"""A bare Flask app with one route, `/bench/bare` answering "ok": the reference for the meeting
page's share in bench/load.py (the probe's definition of "a bare Flask route")."""
from flask import Flask

app = Flask(__name__)


@app.route("/bench/bare")
def bench_bare():
    return "ok"
