"""Settings several test packages start from, built of the factories."""
from datetime import UTC, datetime
from types import SimpleNamespace

from rakor.regions.programmes import load_shipped_programmes
from tests.factories.auth import make_user
from tests.factories.commitments import commitment_data, make_baseline
from tests.factories.meetings import make_meeting, topic_id
from tests.factories.participants import make_quota
from tests.factories.regions import make_agency, make_province, make_region


def small_province_meeting(code, word, organizer=None, **meeting_fields):
    """Province `code` with three regencies (`code`.01-03), each with its planning agency
    ("Bappeda Kabupaten <word> i", short "Bappeda <word[0]>i"), the programme nomenclature
    loaded, and a meeting on 1 February 2024 (08.30-16.00 WITA) organised by the province's
    agency, to which the first two agencies are invited (4 seats each)."""
    load_shipped_programmes()
    province = make_province(code)
    regions = [make_region(parent=province, kemendagri_code=f"{code}.0{i}") for i in (1, 2, 3)]
    agencies = [make_agency(region=r, name=f"Bappeda Kabupaten {word} {i}", short_name=f"Bappeda {word[0]}{i}")
                for i, r in enumerate(regions, start=1)]
    meeting = make_meeting(organizer=make_agency(region=province, **(organizer or {})),
                           starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC),
                           ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC), **meeting_fields)
    for agency in agencies[:2]:  # the third is not invited
        make_quota(meeting, agency)
    return SimpleNamespace(province=province, regions=regions, agencies=agencies, meeting=meeting)


def commitments_meeting():
    """The commitments' and progress tests' setting: `small_province_meeting` of province 96
    ("Rakor Kesepakatan Uji", scheduled), official poverty baselines of the first regency (2022:
    6,50; 2023: 6,25) and a user of each role (two delegates, of the first and second agency)."""
    setting = small_province_meeting("96", "Uji", title="Rakor Kesepakatan Uji")
    setting.poverty, setting.ipm, setting.rural = topic_id("KEMISKINAN"), topic_id("IPM"), topic_id("KAWASAN_PERDESAAN")
    make_baseline(setting.regions[0], setting.poverty, 2023, "6.25")
    make_baseline(setting.regions[0], setting.poverty, 2022, "6.50")
    setting.committee = make_user("committee")
    setting.delegate = make_user("delegate", agency=setting.agencies[0])
    setting.other_delegate = make_user("delegate", agency=setting.agencies[1])
    setting.leadership = make_user("leadership")
    return setting


def first_agency_commitment(setting, **overrides):
    """`commitment_data` of the setting's first agency on poverty."""
    return commitment_data(setting.agencies[0], **{"indicator_id": setting.poverty, **overrides})
