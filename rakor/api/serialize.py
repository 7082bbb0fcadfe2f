"""Rows to the API's representations (dumped through the schemas of rakor/api/schemas.py).

A list page is many rows of one representation: `commitment_row` builds it from a row of the
list's read model (rakor.api.queries.commitments) with plain Python, not through marshmallow
field by field (the schema still documents it; tests/api/test_read_model.py holds the two equal)."""

from flask import url_for

from rakor.api import schemas
from rakor.api.http import external_url

_MEETING = schemas.MeetingOut()
_COMMITMENT = schemas.CommitmentOut()
_PROGRESS = schemas.ProgressOut()


def meeting(m):
    return _MEETING.dump({
        "id": m.id, "kind": m.kind, "title": m.title, "field": m.field, "status": m.status,
        "organizer": {"id": m.organizer.id, "name": m.organizer.name},
        "starts_at": m.starts_at, "ends_at": m.ends_at, "timezone": m.timezone, "venue": m.venue,
        "city": m.city, "follow_up_of_id": m.follow_up_of_id,
        "url": external_url(url_for("api_meetings.get_meeting", meeting_id=m.id)),
    })


def agenda_item(item):
    return {"id": item.id, "position": item.position,
            "starts_at": item.starts_at.isoformat() if item.starts_at else None,
            "ends_at": item.ends_at.isoformat() if item.ends_at else None, "title": item.title,
            "topic": item.topic.code if item.topic else item.free_topic, "presenter": item.presenter,
            "description": item.description}


def commitment(c):
    region = c.agency.region
    return _COMMITMENT.dump({
        "id": c.id, "reference": c.reference, "version": c.version, "meeting_id": c.meeting_id,
        "agency": {"id": c.agency.id, "name": c.agency.name},
        "region_code": region.kemendagri_code, "region_name": region.name,
        "title": c.title, "description": c.description, "programme_code": c.programme_code,
        "programme_name": c.programme.name if c.programme else None,
        "indicator": c.indicator.code if c.indicator else None,
        "baseline_value": c.baseline_value, "baseline_year": c.baseline_year,
        "target_value": c.target_value, "target_date": c.target_date,
        "responsible_office": c.responsible_office, "contact_person": c.contact_person,
        "budget": c.budget, "funding_source": c.funding_source, "budget_year": c.budget_year,
        "status": c.status, "review_note": c.review_note, "agreed_at": c.agreed_at,
        "updated_at": c.updated_at,
    })


def commitment_row(r):
    """A row of queries.commitments as schemas.CommitmentOut would dump it. The row is unpacked
    in the order of queries._COMMITMENT_COLUMNS (tests/api/test_read_model.py holds the two
    equal) and its values converted inline: a page calls this once per row, and attribute
    access and two helpers per value were most of its Python calls. The decimals (Numeric(14, 4)
    and (18, 2)) are formatted with their places in one call (Decimal's format rounds as
    quantize does, half even); the two times are naive UTC (the read model skips UTCDateTime's
    processor), given the offset that an aware UTC time's isoformat() writes."""
    (id_, reference, version, meeting_id, agency_id, agency_name, region_code, region_name, title,
     description, programme_code, programme_name, indicator, baseline_value, baseline_year,
     target_value, target_date, responsible_office, contact_person, budget, funding_source,
     budget_year, status, review_note, agreed_at, updated_at) = r
    return {
        "id": id_, "reference": reference, "version": version, "meeting_id": meeting_id,
        "agency": {"id": agency_id, "name": agency_name},
        "region_code": region_code, "region_name": region_name,
        "title": title, "description": description, "programme_code": programme_code,
        "programme_name": programme_name, "indicator": indicator,
        "baseline_value": None if baseline_value is None else format(baseline_value, ".4f"),
        "baseline_year": baseline_year,
        "target_value": None if target_value is None else format(target_value, ".4f"),
        "target_date": None if target_date is None else target_date.isoformat(),
        "responsible_office": responsible_office, "contact_person": contact_person,
        "budget": None if budget is None else format(budget, ".2f"),
        "funding_source": funding_source, "budget_year": budget_year, "status": status,
        "review_note": review_note,
        "agreed_at": None if agreed_at is None else agreed_at.isoformat() + "+00:00",
        "updated_at": None if updated_at is None else updated_at.isoformat() + "+00:00",
    }


def progress(u):
    return _PROGRESS.dump({
        "id": u.id, "version": u.version, "commitment_id": u.commitment_id, "period": u.period,
        "revision": u.revision, "is_current": u.is_current, "status": u.status,
        "realised_value": u.realised_value, "percent_achieved": u.percent_achieved,
        "budget_realised": u.budget_realised, "narrative": u.narrative, "obstacles": u.obstacles,
        "next_steps": u.next_steps, "review_status": u.review_status, "review_note": u.review_note,
        "reported_at": u.reported_at,
    })


def region(r):
    return {"id": r.id, "code": r.kemendagri_code, "bps_code": r.bps_code, "name": r.name,
            "kind": r.kind, "parent_code": r.parent.kemendagri_code if r.parent else None}


def agency(a):
    return {"id": a.id, "name": a.name, "short_name": a.short_name,
            "region_code": a.region.kemendagri_code, "is_planning_agency": a.is_planning_agency}


def indicator(t):
    return {"id": t.id, "code": t.code, "name": t.name, "unit": t.unit, "direction": t.direction}


def programme(p):
    return {"code": p.code, "name": p.name, "urusan": p.urusan, "bidang": p.bidang}
