"""Times the progress dashboard and a region's progress page on a database made by
bench/scale/generate.py: median and 90th percentile of the whole request (test client, no
network), the median CPU time of this process (the app's own work, without PostgreSQL's; steadier
than wall time on a busy machine), and the number of SQL statements each request runs.

    .venv/bin/python bench/scale/timing.py --db rk_scale_full --requests 15
    .venv/bin/python bench/scale/timing.py --db rk_scale_tenth --requests 15

The dashboard, the home panel, the region pages and the overdue count read the tallies kept
on write (rakor/progress/tally.py); nothing is remembered between requests.

Pages: the national dashboard (provinces x topics), a meeting's dashboard, a province's and a
regency's progress page, and the overdue list. Signed in as a leadership user it creates."""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402


def make_app(db):
    import config
    from rakor import create_app

    class ScaleConfig(config.Config):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
        SECRET_KEY = "bench-scale"
        RATELIMIT_ENABLED = False

    return create_app(ScaleConfig)


def reader(app):
    from rakor.auth.models import User
    from rakor.auth.services import create_user
    from rakor.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "pimpinan@scale.bench"))
        if user is None:
            user = create_user(email="pimpinan@scale.bench", name="Pimpinan", role="leadership",
                               password="Bench-Scale-2024!x", agency_id=None)
            db.session.commit()
        return user.get_id()


def targets(app):
    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.regions.models import Agency, Region

    with app.app_context():
        regency, province = db.session.execute(
            select(Region.id, Region.parent_id).join(Agency, Agency.region_id == Region.id)
            .join(Commitment, Commitment.agency_id == Agency.id).where(Region.parent_id.is_not(None))
            .group_by(Region.id, Region.parent_id).order_by(func.count(Commitment.id).desc()).limit(1)).one()
        meeting = db.session.scalar(select(Commitment.meeting_id).group_by(Commitment.meeting_id)
                                    .order_by(func.count(Commitment.id).desc()).limit(1))
    return {"dashboard (national)": "/progress", "dashboard (one meeting)": f"/progress?meeting={meeting}",
            "region page (province)": f"/progress/regions/{province}",
            "region page (regency)": f"/progress/regions/{regency}", "overdue list": "/progress/overdue"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rk_scale_full")
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args()
    app = make_app(args.db)
    user_id = reader(app)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
    from rakor.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"{args.db}: {args.requests} requests per page")
    for name, url in targets(app).items():
        assert client.get(url).status_code == 200, url  # warm-up
        times, cpu, counts = [], [], set()
        for _ in range(args.requests):
            statements.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            counts.add(len(statements))
            assert response.status_code == 200
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        print(f"  {name:<26} median {statistics.median(times):7.1f} ms  p90 {p90:7.1f} ms  "
              f"cpu {statistics.median(cpu):6.1f} ms  queries {sorted(counts)}  {url}")


if __name__ == "__main__":
    main()
