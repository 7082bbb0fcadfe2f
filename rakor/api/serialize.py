"""Rows to the API's representations (dumped through the schemas of rakor/api/schemas.py).

A list page is many rows of one representation: `commitment_row` builds it from a row of the
list's read model (rakor.api.queries.commitments) with plain Python, not through marshmallow
field by field (the schema still documents it; tests/api/test_read_model.py holds the two equal)."""
from decimal import Decimal

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


_PLACES4, _PLACES2 = Decimal("0.0001"), Decimal("0.01")


def _decimal(value, places):
    return None if value is None else format(Decimal(value).quantize(places), "f")


def _iso(value):
    return None if value is None else value.isoformat()


def commitment_row(r):
    """A row of queries.commitments as schemas.CommitmentOut would dump it."""
    return {
        "id": r.id, "reference": r.reference, "version": r.version, "meeting_id": r.meeting_id,
        "agency": {"id": r.agency_id, "name": r.agency_name},
        "region_code": r.region_code, "region_name": r.region_name,
        "title": r.title, "description": r.description, "programme_code": r.programme_code,
        "programme_name": r.programme_name, "indicator": r.indicator,
        "baseline_value": _decimal(r.baseline_value, _PLACES4), "baseline_year": r.baseline_year,
        "target_value": _decimal(r.target_value, _PLACES4), "target_date": _iso(r.target_date),
        "responsible_office": r.responsible_office, "contact_person": r.contact_person,
        "budget": _decimal(r.budget, _PLACES2), "funding_source": r.funding_source,
        "budget_year": r.budget_year, "status": r.status, "review_note": r.review_note,
        "agreed_at": _iso(r.agreed_at), "updated_at": _iso(r.updated_at),
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
