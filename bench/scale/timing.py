"""Times the progress dashboard and a region's progress page on a database made by
bench/scale/generate.py: median and 90th percentile of the whole request (test client, no
network), the median CPU time of this process (the app's own work, without PostgreSQL's; steadier
than wall time on a busy machine), and the number of SQL statements each request runs.

    .venv/bin/python bench/scale/timing.py --db rk_scale_full --requests 15
    .venv/bin/python bench/scale/timing.py --db rk_scale_tenth --requests 15

The dashboard, the home panel, the region pages and the overdue count read the tallies kept
on write (rakor/progress/tally.py); nothing is remembered between requests.

Pages: the national dashboard (provinces x topics), a meeting's dashboard, a province's and a
regency's progress page, and the overdue list. Signed in as a leadership user it creates:
instance-wide (no agency), or with --scoped the leadership of the planning agency of the province
with the most commitments, which sees only the meetings of its agency and those below it
(tenancy, issue 22: the tallies summed over the organizers it sees).

The write cost of the tallies (--writes N, default 15; 0 leaves it out): a progress update of the
current quarter through `rakor.progress.services.report` (as the form and the import post it),
flushed, on N agreed commitments of the largest meeting, each timed twice, paired: with the
tallies kept on write (rakor/progress/tally.py's flush listeners, as in production) and with the
listeners removed for that write (what the update costs without the precomputed tallies). Each
write is rolled back, so the database and its tallies stay as generated; the time is the
service call and its flush (SQL included), not the COMMIT, which is one round trip either way.
Reports the median and p90 of each, the statements each runs, and the difference."""
import argparse
import os
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


def reader(app, scoped=False):
    from rakor.auth.models import User
    from rakor.auth.services import create_user
    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.regions.models import Agency, Region

    with app.app_context():
        agency_id, email = None, "pimpinan@scale.bench"
        if scoped:
            province = db.session.scalar(
                select(func.coalesce(Region.parent_id, Region.id)).join(Agency, Agency.region_id == Region.id)
                .join(Commitment, Commitment.agency_id == Agency.id)
                .group_by(func.coalesce(Region.parent_id, Region.id)).order_by(func.count(Commitment.id).desc()).limit(1))
            agency_id = db.session.scalar(select(Agency.id).where(Agency.region_id == province,
                                                                  Agency.is_planning_agency.is_(True)).limit(1))
            email = "pimpinan.provinsi@scale.bench"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(email=email, name="Pimpinan", role="leadership",
                               password="Bench-Scale-2024!x", agency_id=agency_id)
            db.session.commit()
        return user.get_id()


def targets(app, user_id):
    from rakor.auth.models import User
    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.meetings.queries import visible_condition
    from rakor.regions.models import Agency, Region

    with app.test_request_context():
        seen = select(Meeting.id).where(visible_condition(db.session.get(User, int(user_id.split(":")[0]))))
        regency, province = db.session.execute(
            select(Region.id, Region.parent_id).join(Agency, Agency.region_id == Region.id)
            .join(Commitment, Commitment.agency_id == Agency.id).where(Region.parent_id.is_not(None))
            .group_by(Region.id, Region.parent_id).order_by(func.count(Commitment.id).desc()).limit(1)).one()
        meeting = db.session.scalar(select(Commitment.meeting_id).where(Commitment.meeting_id.in_(seen))
                                    .group_by(Commitment.meeting_id).order_by(func.count(Commitment.id).desc()).limit(1))
    return {"dashboard (national)": "/progress", "dashboard (one meeting)": f"/progress?meeting={meeting}",
            "region page (province)": f"/progress/regions/{province}",
            "region page (regency)": f"/progress/regions/{regency}", "overdue list": "/progress/overdue"}


def write_cost(app, count, statements):
    """A progress update's latency with and without the tallies kept on write (see the docstring)."""
    from decimal import Decimal

    from flask_sqlalchemy.session import Session  # the class progress's init_app installs them on
    from sqlalchemy import event as sa_event

    from rakor.auth.models import User
    from rakor.auth.services import create_user
    from rakor.commitments.models import Commitment
    from rakor.core.types import utcnow
    from rakor.extensions import db
    from rakor.progress import periods, services, tally, workdays

    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == "panitia@scale.bench"))
        if user is None:
            user = create_user(email="panitia@scale.bench", name="Panitia", role="committee",
                               password="Bench-Scale-2024!x", agency_id=None)
            db.session.commit()
        meeting = db.session.scalar(select(Commitment.meeting_id).where(Commitment.status == "agreed")
                                    .group_by(Commitment.meeting_id).order_by(func.count(Commitment.id).desc())
                                    .limit(1))
        ids = db.session.scalars(select(Commitment.id).where(Commitment.meeting_id == meeting,
                                                             Commitment.status == "agreed")
                                 .order_by(Commitment.id).limit(count)).all()
        label = periods.quarter_of(workdays.today()).label()
        timings = {"with tallies": [], "without tallies": []}
        counts = {"with tallies": set(), "without tallies": set()}

        def one(commitment_id, n):
            commitment = db.session.get(Commitment, commitment_id)
            if services.measurable(commitment):
                middle = (commitment.baseline_value + commitment.target_value) / 2
                data = services.UpdateData(period=label, status="on_track", realised_value=middle + Decimal(n) / 1000)
            else:
                data = services.UpdateData(period=label, status="on_track", percent=Decimal(40 + n % 50))
            data.narrative = f"Bench write {n} at {utcnow().isoformat()}"
            statements.clear()
            started = time.perf_counter()
            services.report(commitment, data, user, confirm_percent=True)
            db.session.flush()
            took = (time.perf_counter() - started) * 1000
            count = len(statements)
            db.session.rollback()
            return took, count

        one(ids[0], 0)  # warm-up
        for n, commitment_id in enumerate(ids, start=1):
            for mode in (("with tallies", "without tallies") if n % 2 else ("without tallies", "with tallies")):
                if mode == "without tallies":
                    sa_event.remove(Session, "before_flush", tally._before_flush)
                    sa_event.remove(Session, "after_flush", tally._after_flush)
                try:
                    took, count = one(commitment_id, n)
                finally:
                    if mode == "without tallies":
                        tally.install(Session)
                timings[mode].append(took)
                counts[mode].add(count)
    print(f"  a progress update (services.report + flush, rolled back), {len(ids)} commitments of meeting {meeting}, "
          f"paired; load average {os.getloadavg()[0]:.1f}:")
    for mode, values in timings.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print(f"    {mode:<16} median {statistics.median(values):7.1f} ms  p90 {p90:7.1f} ms  "
              f"statements {sorted(counts[mode])}")
    added = statistics.median(timings["with tallies"]) - statistics.median(timings["without tallies"])
    print(f"    the tallies add {added:.1f} ms to the median update "
          f"({statistics.median(timings['with tallies']) / statistics.median(timings['without tallies']):.2f}x)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rk_scale_full")
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--writes", type=int, default=15, help="progress updates timed with and without tallies")
    parser.add_argument("--skip-pages", action="store_true", help="only the write cost")
    parser.add_argument("--scoped", action="store_true", help="read as a province's leadership (tenancy)")
    args = parser.parse_args()
    app = make_app(args.db)
    user_id = reader(app, args.scoped)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
    from rakor.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"{args.db}: {args.requests} requests per page{' (scoped reader)' if args.scoped else ''}, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, url in ({} if args.skip_pages else targets(app, user_id)).items():
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
    if args.writes:
        write_cost(app, args.writes, statements)


if __name__ == "__main__":
    main()
