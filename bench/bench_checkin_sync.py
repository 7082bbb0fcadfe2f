"""Offline desk sync speed (issue 23): `python bench/bench_checkin_sync.py [--marks 1000] [--runs 5]`.

A meeting held today with --marks registered participants (13 agencies, quotas of a tenth each);
a batch of --marks marks made over the last hour: check-ins (a tenth of the people marked twice,
as two desks would), undos of 5 %, and --walk-ins percent walk-ins (default 2 %; those of an agency
whose quota is full are flagged). A walk-in costs a registration (about 8 statements) each. Each run posts the batch to POST /meetings/<id>/checkin/sync through
Flask's test client (JSON parsing, the sync, the answers, the commit) on a fresh meeting, then
replays it once (every mark already stored). Prints the medians. The target is under 2 s for
1,000 marks on the development machine; this is a measurement, not a test."""
import argparse
import random
import statistics
import time
import uuid
from datetime import timedelta

from common import add_participants, bench_app, new_meeting, planning_agencies


def make_batch(participants, user_id, agencies, count, now, walk_in_share):
    rnd = random.Random(23)
    marks = []
    start = now - timedelta(hours=1)
    n_undo = int(count * 0.05)
    n_check = count - n_undo - int(count * walk_in_share)
    checked = rnd.sample(participants, min(int(n_check / 1.1), len(participants)))
    for i in range(n_check):
        p = checked[i] if i < len(checked) else rnd.choice(checked)
        marks.append({"id": str(uuid.uuid4()), "kind": "check_in", "user": user_id, "participant": p,
                      "at": (start + timedelta(seconds=rnd.randint(0, 3000))).isoformat()})
    for p in rnd.sample(checked, n_undo):
        marks.append({"id": str(uuid.uuid4()), "kind": "undo", "user": user_id, "participant": p,
                      "at": (start + timedelta(seconds=rnd.randint(3000, 3500))).isoformat()})
    while len(marks) < count:
        i = len(marks)
        marks.append({"id": str(uuid.uuid4()), "kind": "walk_in", "user": user_id,
                      "at": (start + timedelta(seconds=rnd.randint(0, 3500))).isoformat(),
                      "walk_in": {"name": f"Tamu Datang Langsung {i}", "agency_id": agencies[i % len(agencies)],
                                  "position": "Staf", "phone": ""}})
    rnd.shuffle(marks)  # a queue merged from desks is in no particular order
    return marks


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--marks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--walk-ins", type=float, default=2.0, help="percent of the marks that are walk-ins")
    parser.add_argument("--profile", action="store_true", help="print the first run's cProfile top 25")
    args = parser.parse_args()
    with bench_app() as app:
        from flask import g
        from sqlalchemy import select

        from rakor.auth.services import create_user
        from rakor.core.types import utcnow
        from rakor.extensions import db
        from rakor.participants.models import Participant, SeatQuota

        user = create_user(email="meja@bench.rakor.id", name="Panitia Meja", role="committee",
                           password="Bench-Rakor-2024")
        db.session.commit()
        user_id, login_id = user.id, user.get_id()
        agencies = planning_agencies()
        agency_ids = [a.id for a in agencies]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login_id
            session["_fresh"] = True
        firsts, replays = [], []
        for run in range(args.runs):
            meeting = new_meeting()
            now = utcnow().replace(microsecond=0)
            meeting.starts_at, meeting.ends_at, meeting.status = now - timedelta(hours=2), now + timedelta(hours=5), "held"
            add_participants(meeting, args.marks, seed=run)
            for agency_id in agency_ids:
                db.session.add(SeatQuota(meeting_id=meeting.id, agency_id=agency_id,
                                         seats=max(1, args.marks // len(agency_ids) + 1)))
            db.session.commit()
            ids = list(db.session.scalars(select(Participant.id).where(Participant.meeting_id == meeting.id)))
            batch = make_batch(ids, user_id, agency_ids, args.marks, now, args.walk_ins / 100)
            url = f"/meetings/{meeting.id}/checkin/sync"
            db.session.remove()
            g.pop("_login_user", None)  # the bench's app context outlives each request's user
            start = time.perf_counter()
            if args.profile and run == 0:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                response = profiler.runcall(client.post, url, json={"marks": batch})
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            else:
                response = client.post(url, json={"marks": batch})
            firsts.append(time.perf_counter() - start)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            answers = response.get_json()["answers"]
            assert len(answers) == len(batch)
            g.pop("_login_user", None)
            start = time.perf_counter()
            again = client.post(url, json={"marks": batch})
            replays.append(time.perf_counter() - start)
            assert again.get_json()["answers"] == answers
            outcomes = {}
            for a in answers:
                outcomes[a["outcome"]] = outcomes.get(a["outcome"], 0) + 1
            print(f"run {run + 1}: {firsts[-1]:.2f} s, replay {replays[-1]:.2f} s, outcomes {outcomes}")
        print(f"sync of {args.marks} marks, {args.runs} runs: median {statistics.median(firsts):.2f} s "
              f"(min {min(firsts):.2f}, max {max(firsts):.2f}); replay of the same batch median "
              f"{statistics.median(replays):.2f} s")


if __name__ == "__main__":
    main()
