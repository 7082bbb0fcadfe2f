
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/bench/bare")
def bench_bare():
    return jsonify(ok=True)
