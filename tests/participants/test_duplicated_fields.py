"""A doubled form field on the participant pages (issue 19 item 10): never a 500."""
from tests.factories import make_participant, make_quota
from tests.test_duplicated_fields import post_every_variant


def test_the_participant_quota_walk_in_and_invitation_forms_survive_a_doubled_field(client, db, login_as,
                                                                                    province_meeting):
    m, agencies = province_meeting.meeting, province_meeting.agencies
    make_quota(m, agencies[0], seats=3)
    p = make_participant(m, agencies[0], name="Drs. H. Said Akhmad, MM")
    db.session.commit()
    login_as("committee")
    failures = []
    failures += post_every_variant(client, db, f"/meetings/{m.id}/participants/new",
                                   name="Ir. Rahmadi", agency_id=str(agencies[0].id))
    failures += post_every_variant(client, db, f"/meetings/{m.id}/participants/{p.id}/edit")
    failures += post_every_variant(client, db, f"/meetings/{m.id}/quotas")
    failures += post_every_variant(client, db, f"/meetings/{m.id}/checkin/walk-in", name="Tamu")
    failures += post_every_variant(client, db, f"/meetings/{m.id}/invitations")
    assert not failures, failures
