"""The production app plus one benchmark-only route, `/bench/bare` (public, answers "ok"),
so that bench/load.py can compare the meeting page with a bare route of the same app under the
same gunicorn. Production code is unchanged: `gunicorn bench.bench_wsgi:app` only in benchmarks."""
from rakor import create_app
from rakor.core.gc_tuning import freeze_startup_objects
from rakor.policy import public

app = create_app()


@app.route("/bench/bare")
@public
def bench_bare():
    return "ok"


freeze_startup_objects()  # as wsgi.py does (after the route above is added)
