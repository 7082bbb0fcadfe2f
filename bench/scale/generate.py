"""National-scale data for the progress dashboard, loaded into a PostgreSQL database of its own.

    .venv/bin/python bench/scale/generate.py --db rk_scale_full            # 2,000 meetings, 100,000 commitments, 400,000 updates
    .venv/bin/python bench/scale/generate.py --db rk_scale_tenth --scale 0.1

38 provinces and 514 regencies/cities (synthetic names and codes, always all of them), one
planning agency each; meetings organised by a province with commitments of its regencies
(about 90 % agreed); each agreed commitment has quarterly updates from its meeting's quarter
on, about one in twenty periods with a correction (revision 2), flags `is_current` and
`is_latest` as the services keep them, and the dashboard's tallies built from them
(rakor/progress/tally.py: backfill, as migration 0027 does). The schema comes from the migrations (`flask db
upgrade`); the rows go in with COPY. The database is dropped and created again (--keep to
reuse it). Deterministic (seeded)."""
import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
PROVINCES, REGENCIES = 38, 514
MEETINGS, COMMITMENTS, UPDATES = 2_000, 100_000, 400_000
TOPICS = ("KEMISKINAN", "STUNTING", "IPM", "SPM", "KAWASAN_PERDESAAN")
STATUSES = ("on_track", "at_risk", "late", "done")


def recreate(db):
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')


def migrate(url):
    import config
    from rakor import create_app

    class ScaleConfig(config.Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-scale"

    app = create_app(ScaleConfig)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from rakor.extensions import db

        db.engine.dispose()


def backfill(url):
    """The dashboard's tallies from the rows just loaded (what migration 0027 does)."""
    from sqlalchemy import create_engine

    from rakor.progress.tally import backfill as build

    engine = create_engine(url)
    with engine.begin() as connection:
        build(connection)
    engine.dispose()


def quarter_of(day):
    q = (day.month - 1) // 3
    start = date(day.year, 3 * q + 1, 1)
    end = (date(day.year + 1, 1, 1) if q == 3 else date(day.year, 3 * q + 4, 1)) - timedelta(days=1)
    return day.year * 4 + q, start, end


def from_index(index):
    year, q = divmod(index, 4)
    return quarter_of(date(year, 3 * q + 1, 1))


def generate(conn, scale, rnd):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    topics = dict(conn.execute("SELECT code, id FROM topic").fetchall())
    regions, provinces = [], []
    region_id = 1
    for p in range(PROVINCES):
        code = f"{11 + p:02d}"
        provinces.append((region_id, code))
        regions.append((region_id, code, f"{11 + p:02d}", f"Provinsi Uji {p + 1}", "provinsi", None))
        region_id += 1
    regencies_of = {pid: [] for pid, _c in provinces}
    for r in range(REGENCIES):
        pid, pcode = provinces[r % PROVINCES]
        n = len(regencies_of[pid]) + 1
        code = f"{pcode}.{n:02d}" if n < 71 else f"{pcode}.{n + 0:02d}"
        kind = "kota" if n > 12 else "kabupaten"
        regions.append((region_id, code, f"{pcode}{n:02d}", f"{'Kota' if kind == 'kota' else 'Kabupaten'} Uji {pcode}.{n:02d}",
                        kind, pid))
        regencies_of[pid].append(region_id)
        region_id += 1
    with conn.cursor().copy("COPY region (id, kemendagri_code, bps_code, name, kind, parent_id) FROM STDIN") as copy:
        for row in regions:
            copy.write_row(row)
    agency_of = {}
    with conn.cursor().copy("COPY agency (id, name, short_name, region_id, is_planning_agency) FROM STDIN") as copy:
        for rid, code, _bps, name, _kind, _parent in regions:
            agency_of[rid] = rid
            copy.write_row((rid, f"Bappeda {name}", f"Bappeda {code}", rid, True))
    meetings = max(1, round(MEETINGS * scale))
    per_meeting = round(COMMITMENTS * scale) // meetings
    first_day = date(2023, 1, 15)
    meeting_rows = []
    with conn.cursor().copy("COPY meeting (id, kind, title, organizer_agency_id, starts_at, ends_at, timezone, venue, "
                            "status, is_demo, created_at, updated_at) FROM STDIN") as copy:
        for m in range(1, meetings + 1):
            pid, _code = provinces[m % PROVINCES]
            day = first_day + timedelta(days=rnd.randint(0, 900))
            starts = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
            meeting_rows.append((m, pid, day))
            copy.write_row((m, "rakor", f"Rakor Uji {m}", agency_of[pid], starts, starts + timedelta(hours=7),
                            "Asia/Makassar", "Aula", "held", False, now, now))
    commitment_rows, cid = [], 0
    with conn.cursor().copy("COPY commitment (id, reference, meeting_id, agency_id, sequence, topic_id, title, "
                            "indicator_id, baseline_value, baseline_year, target_value, target_date, budget, "
                            "funding_source, budget_year, status, is_demo, created_at, updated_at, version) FROM STDIN") as copy:
        for m, pid, day in meeting_rows:
            sequence = {}
            regencies = regencies_of[pid]
            for _i in range(per_meeting):
                cid += 1
                rid = rnd.choice(regencies)
                seq = sequence[rid] = sequence.get(rid, 0) + 1
                code = TOPICS[cid % 5]
                numeric = code != "KAWASAN_PERDESAAN"
                baseline = Decimal(rnd.randint(200, 8000)) / 100 if numeric else None
                target = (baseline + Decimal(rnd.choice((-1, 1)) * rnd.randint(10, 300)) / 100) if numeric else None
                status = "agreed" if rnd.random() < 0.9 else rnd.choice(("submitted", "draft", "withdrawn"))
                region_code = regions[rid - 1][1]
                target_date = date(day.year + 1, 12, 31)
                commitment_rows.append((cid, day, target_date, status, baseline, target))
                copy.write_row((cid, f"RK-{day.year}-{m:04d}-{region_code}-{seq:02d}", m, agency_of[rid], seq,
                                topics[code], f"Program uji {cid}", topics[code] if numeric else None, baseline,
                                day.year - 1 if numeric else None, target, target_date,
                                Decimal(rnd.randint(1, 400)) * 25_000_000, "apbd", day.year, status, False, now, now, 1))
    agreed = [c for c in commitment_rows if c[3] == "agreed"]
    wanted = round(UPDATES * scale)
    per_commitment = wanted / len(agreed)
    uid = 0
    today_index = quarter_of(date(2026, 1, 1))[0]
    with conn.cursor().copy("COPY progress_update (id, commitment_id, period, period_kind, period_start, period_end, "
                            "quarter_index, revision, is_current, is_latest, realised_value, percent_achieved, "
                            "percent_stated, budget_realised, status, review_status, reported_at, is_demo, version) "
                            "FROM STDIN") as copy:
        for c_id, day, _target, _status, baseline, target in agreed:
            first = quarter_of(day)[0]
            count = int(per_commitment) + (1 if rnd.random() < per_commitment % 1 else 0)
            count = max(0, min(count, today_index - first))
            rows = []
            for k in range(count):
                index, start, end = from_index(first + k)
                share = Decimal(rnd.randint(-20, 130)) / 100
                realised = (baseline + (target - baseline) * share).quantize(Decimal("0.01")) if baseline is not None else None
                percent = (share * 100).quantize(Decimal("0.01"))
                revisions = 2 if rnd.random() < 0.05 else 1
                for revision in range(1, revisions + 1):
                    rows.append([c_id, f"{start.year}-Q{index % 4 + 1}", start, end, index, revision,
                                 revision == revisions, realised, percent, baseline is None, rnd.choice(STATUSES)])
            current = [r for r in rows if r[6]]
            latest = max(current, key=lambda r: r[3]) if current else None
            for r in rows:
                uid += 1
                copy.write_row((uid, r[0], r[1], "quarter", r[2], r[3], r[4], r[5], r[6], r is latest, r[7], r[8],
                                r[9], None, r[10], "submitted", datetime.combine(r[3], datetime.min.time(), UTC), False, 1))
    for table in ("region", "agency", "meeting", "commitment", "progress_update"):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return {"regions": len(regions), "meetings": meetings, "commitments": cid, "updates": uid}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rk_scale_full")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20241)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists (skip generation)")
    args = parser.parse_args()
    started = time.perf_counter()
    recreate(args.db)
    migrate(PG.format(db=args.db))
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{args.db}") as conn:
        counts = generate(conn, args.scale, random.Random(args.seed))
        conn.commit()
    tallies = time.perf_counter()
    backfill(PG.format(db=args.db))
    print(f"tallies built in {time.perf_counter() - tallies:.1f} s")
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{args.db}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"{args.db}: {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
