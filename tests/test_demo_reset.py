"""`flask demo reset` rebuilds the demo and leaves everything else; `make run` prints the seed
meeting's address (issue 12, first impressions)."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from rakor import demo
from rakor.auth.models import User
from rakor.meetings import demo as meetings_demo
from rakor.meetings.models import Meeting
from rakor.participants.models import Participant, SeatQuota
from rakor.policy import can
from rakor.regions.models import Agency
from tests.factories import make_meeting


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def count(model, *where):
    return demo.db.session.scalar(select(func.count(model.id)).where(*where))


@pytest.mark.demo
def test_reset_rebuilds_the_demo_and_keeps_other_rows(app, db):
    first = demo.load().meeting_id
    seed = db.session.get(Meeting, first)
    demo_participants = count(Participant, Participant.meeting_id == first)
    committee = db.session.scalar(select(User).where(User.email == "panitia@demo.rakor.id"))
    # Someone played with the demo, and made one real meeting with the demo committee account.
    seed.title = "Diubah saat mencoba"
    db.session.delete(db.session.scalars(select(Participant).where(Participant.meeting_id == first)).first())
    real = make_meeting(title="Rakor Sungguhan", created_by_id=committee.id, follow_up_of_id=first,
                        starts_at=datetime(2030, 1, 1, 1, tzinfo=UTC), ends_at=datetime(2030, 1, 1, 8, tzinfo=UTC))
    db.session.commit()

    result = run(app, "demo", "reset")
    assert result.exit_code == 0, result.output
    new_id = int(result.output.strip().splitlines()[-1])
    db.session.expire_all()
    assert db.session.get(Meeting, first) is None or new_id == first
    seed = db.session.get(Meeting, new_id)
    assert seed.title == meetings_demo.TITLE and seed.is_demo
    assert count(Participant, Participant.meeting_id == new_id) == demo_participants
    assert count(Meeting, Meeting.title == meetings_demo.TITLE) == 1
    kept = db.session.get(Meeting, real.id)
    assert kept.title == "Rakor Sungguhan" and kept.created_by_id is None and kept.follow_up_of_id is None
    assert count(User, User.email == "panitia@demo.rakor.id") == 1
    # The second organizer (tenancy, issue 22) is rebuilt too, once: Bappeda Kotabaru's FGD
    # with its three offices invited; its committee sees that FGD only, the provincial committee
    # not at all, the provincial leadership both.
    fgds = db.session.scalars(select(Meeting).where(Meeting.title == demo.KOTABARU_FGD_TITLE)).all()
    assert len(fgds) == 1 and fgds[0].is_demo and fgds[0].kind == "fgd"
    offices = db.session.scalars(select(Agency).where(Agency.parent_agency_id == fgds[0].organizer_agency_id)).all()
    assert sorted(o.short_name for o in offices) == ["Dinkes Kotabaru", "Dinsos Kotabaru", "Disdik Kotabaru"]
    assert {q.agency_id for q in db.session.scalars(select(SeatQuota).where(SeatQuota.meeting_id == fgds[0].id))} \
        == {o.id for o in offices}
    users = {u.email: u for u in db.session.scalars(select(User).where(User.is_demo))}
    regency, province = users[demo.SECOND_ORGANIZER_COMMITTEE], users["panitia@demo.rakor.id"]
    assert can(regency, "meeting.edit", fgds[0]) and not can(regency, "meeting.view", seed)
    assert not can(province, "meeting.view", fgds[0])
    assert can(users["pimpinan@demo.rakor.id"], "meeting.view", fgds[0])


@pytest.mark.demo
def test_reset_is_refused_in_production_without_yes(app, db):
    demo.load()
    db.session.commit()
    before = demo.db.session.scalar(select(Meeting.id).where(Meeting.title == meetings_demo.TITLE))
    app.config["ENV_NAME"] = "production"
    try:
        refused = run(app, "demo", "reset")
        assert refused.exit_code == 1 and "production" in refused.output
        assert db.session.scalar(select(Meeting.id).where(Meeting.title == meetings_demo.TITLE)) == before
        allowed = run(app, "demo", "reset", "--yes")
        assert allowed.exit_code == 0, allowed.output
    finally:
        app.config["ENV_NAME"] = "test"


def test_load_if_empty_prints_the_seed_meeting_address(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://rakor.bappeda.example.go.id/rakor")
    result = run(app, "demo", "load-if-empty")
    assert result.exit_code == 0, result.output
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.title == meetings_demo.TITLE))
    assert (f"Seed meeting: https://rakor.bappeda.example.go.id/rakor/meetings/{meeting_id}"
            in result.output)



def test_the_demo_verification_links_follow_the_base_url(app, db):
    """#17: the demo's final documents print the verification address where the demo is served
    (was http://127.0.0.1:5000, hard-coded in minutes/demo.py), and are signed with the demo CA."""
    from rakor.commitments.queries import agreement_record
    from rakor.minutes import queries as minutes_queries

    result = run(app, "demo", "load", "--base-url", "https://rakor.bappeda.example/")
    assert result.exit_code == 0, result.output
    meeting_id = int(result.output.strip().splitlines()[-1])
    final = minutes_queries.latest_final(meeting_id)
    assert final.verification_url == f"https://rakor.bappeda.example/v/{final.verification_code}"
    record = agreement_record(meeting_id)
    assert record.verification_url == f"https://rakor.bappeda.example/v/{record.verification_code}"
    stored = minutes_queries.stored_pdf(final.id, with_content=False)
    assert stored.signer.startswith("DEMO ") and "bukan sertifikat resmi" in stored.signer_issuer
    assert record.signer == stored.signer
