"""Shared by the benchmarks: an app on a throw-away SQLite database with South Kalimantan's
regions and agencies, and generated participants (data made here, independent of the tests)."""
import random
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST = ["Ahmad", "Siti", "Muhammad", "Nur", "Rahmat", "Dewi", "Budi", "Rina", "Hendra", "Fitri",
         "Yusuf", "Aisyah", "Agus", "Sri", "Rizky", "Noor", "Akhmad", "Hj. Rusmini", "H. Abdul", "Lestari"]
LAST = ["Hidayat", "Rahmawati", "Fauzi", "Lestari", "Santoso", "Maulana", "Kurniawan", "Hayati",
        "Saputra", "Wulandari", "Ramadhan", "Syahrani", "Noorhasanah", "Arifin", "Setiawan", "Anwar"]
TITLES = ["", "S.T.", "S.E., M.M.", "S.Sos", "M.Si", "S.Kom", "Dr. ", "Drs. ", "S.P., M.P."]
POSITIONS = ["Kepala Bidang Pemerintahan dan Pembangunan Manusia", "Perencana Ahli Muda",
             "Perencana Ahli Pertama", "Analis Perencanaan", "Kepala Sub Bidang Sosial Budaya",
             "Sekretaris", "Fungsional Perencana Ahli Madya", "Staf Bidang PPM"]


def person(i, rnd):
    title = rnd.choice(TITLES)
    name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
    if title.endswith(" "):
        name = title + name
    elif title:
        name = f"{name}, {title}"
    year, month, day = rnd.randint(1965, 1998), rnd.randint(1, 12), rnd.randint(1, 28)
    nip = f"{year}{month:02d}{day:02d}{rnd.randint(1990, 2022)}{rnd.randint(1, 12):02d}{rnd.choice('12')}{i % 1000:03d}"
    return {"name": name, "nip": nip, "position": rnd.choice(POSITIONS),
            "phone": f"08{rnd.choice('125')}{rnd.randint(10_000_000, 99_999_999)}",
            "email": f"peserta{i}@example.go.id", "gender": rnd.choice("LP")}


@contextmanager
def bench_app(database_url=None):
    """The app in an app context on a fresh SQLite file, or on `database_url` (an empty
    PostgreSQL database of the benchmark's own; migrated here)."""
    import config
    from rakor import create_app

    tmp = Path(tempfile.mkdtemp(prefix="rakor-bench-"))

    class BenchConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{tmp / 'bench.db'}"
        UPLOAD_DIR = str(tmp / "uploads")
        MAX_IMPORT_ROWS = 5000

    app = create_app(BenchConfig)
    try:
        with app.app_context():
            from flask_migrate import upgrade

            from rakor.demo import PROVINCE, REGIONS_FILE
            from rakor.extensions import db
            from rakor.regions.services import ensure_planning_agencies, load_regions, read_region_csv

            upgrade()
            load_regions(read_region_csv(REGIONS_FILE.read_bytes()))
            ensure_planning_agencies(PROVINCE)
            db.session.commit()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def planning_agencies():
    from rakor.regions.services import planning_agencies_of_province

    return planning_agencies_of_province("63")


def new_meeting(title="Rapat Koordinasi Perencanaan Pembangunan Daerah Bidang Pemerintahan dan "
                      "Pembangunan Manusia (PPM) se-Kalimantan Selatan"):
    from sqlalchemy import select

    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.regions.models import Agency, Region

    organizer = db.session.scalar(select(Agency).join(Agency.region).where(Region.kemendagri_code == "63"))
    meeting = Meeting(title=title, kind="rakor", field="Pemerintahan dan Pembangunan Manusia",
                      organizer_agency_id=organizer.id, venue="Aula Hotel Grand Surya", city="Kotabaru",
                      timezone="Asia/Makassar", status="scheduled",
                      starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC),
                      ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    db.session.add(meeting)
    db.session.flush()
    return meeting


def add_participants(meeting, count, seed=2024):
    """`count` participants spread over the 13 regency/city agencies, through the service."""
    from rakor.participants.services import clean_participant, register_participant

    rnd = random.Random(seed)
    agencies = planning_agencies()
    for i in range(count):
        result = clean_participant(person(i, rnd), agencies[i % len(agencies)].id)
        assert not result.errors, result.errors
        register_participant(meeting, result.data, via="demo")
