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


def two_organizers(code="95"):
    """Tenancy (issue 22): province `code` with its Bappeda (`province_agency`) and two regencies
    A and B (`code`.01, .02), each with its Bappeda (`agency_a`, `agency_b`) and an office under
    it (`office_a`, `office_b`: not planning agencies); a scheduled meeting of each organizer
    (`meeting_p`, `meeting_a`, `meeting_b`), each inviting its regency's office (4 seats); and a
    committee and a leadership user of each Bappeda (`committee_p/a/b`, `leadership_p/a/b`)."""
    province = make_province(code)
    region_a = make_region(parent=province, kemendagri_code=f"{code}.01", name=f"Kabupaten Uji A{code}")
    region_b = make_region(parent=province, kemendagri_code=f"{code}.02", name=f"Kabupaten Uji B{code}")
    s = SimpleNamespace(province=province, region_a=region_a, region_b=region_b)
    s.province_agency = make_agency(region=province, name=f"Bappeda Provinsi Uji {code}", short_name=f"Bappeda P{code}")
    s.agency_a = make_agency(region=region_a, name=f"Bappeda Kabupaten Uji A{code}", short_name=f"Bappeda A{code}")
    s.agency_b = make_agency(region=region_b, name=f"Bappeda Kabupaten Uji B{code}", short_name=f"Bappeda B{code}")
    s.office_a = make_agency(region=region_a, name=f"Dinas Kesehatan Uji A{code}", short_name=f"Dinkes A{code}",
                             is_planning_agency=False, parent_agency_id=s.agency_a.id)
    s.office_b = make_agency(region=region_b, name=f"Dinas Kesehatan Uji B{code}", short_name=f"Dinkes B{code}",
                             is_planning_agency=False, parent_agency_id=s.agency_b.id)
    s.meeting_p = make_meeting(organizer=s.province_agency, title=f"Rakor Provinsi Uji {code}")
    s.meeting_a = make_meeting(organizer=s.agency_a, title=f"FGD Kabupaten Uji A{code}", kind="fgd")
    s.meeting_b = make_meeting(organizer=s.agency_b, title=f"FGD Kabupaten Uji B{code}", kind="fgd")
    make_quota(s.meeting_p, s.agency_a)
    make_quota(s.meeting_p, s.agency_b)
    make_quota(s.meeting_a, s.office_a)
    make_quota(s.meeting_b, s.office_b)
    for name, agency in (("p", s.province_agency), ("a", s.agency_a), ("b", s.agency_b)):
        setattr(s, f"committee_{name}", make_user("committee", agency=agency))
        setattr(s, f"leadership_{name}", make_user("leadership", agency=agency))
    return s
