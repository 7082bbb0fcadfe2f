"""Which agencies a meeting's quota (and so its invitations) may name, under tenancy (issue 22): a
scoped committee is offered the agencies its organizer invites (every agency of the organizer's
region and of the regions under it, and the offices under the organizer); the server refuses any
other, in Indonesian; an instance-wide committee is offered every agency, as before."""
import re

from sqlalchemy import select

from rakor.extensions import db
from rakor.participants.models import SeatQuota
from tests.factories import make_user, two_organizers
from tests.helpers import client_of


def offered(client, meeting):
    page = client.get(f"/meetings/{meeting.id}/quotas").get_data(as_text=True)
    form = page[page.index('name="agency_id"'):]
    form = form[:form.index("</select>")]
    return {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', form)}


def quotas_of(meeting):
    return {q.agency_id: q.seats for q in db.session.scalars(select(SeatQuota).where(SeatQuota.meeting_id == meeting.id))}


def test_a_regency_committee_is_offered_its_own_region_and_offices_only(app):
    s = two_organizers("92")
    db.session.commit()
    got = offered(client_of(app, s.committee_a), s.meeting_a)
    assert {s.agency_a.id, s.office_a.id} <= got
    assert not got & {s.agency_b.id, s.office_b.id, s.province_agency.id}


def test_the_province_committee_is_offered_its_regencies_and_their_offices(app):
    s = two_organizers("91")
    db.session.commit()
    got = offered(client_of(app, s.committee_p), s.meeting_p)
    assert {s.province_agency.id, s.agency_a.id, s.agency_b.id, s.office_a.id, s.office_b.id} <= got


def test_an_instance_wide_committee_is_offered_every_agency(app):
    s = two_organizers("89")
    wide = make_user("committee")
    db.session.commit()
    got = offered(client_of(app, wide), s.meeting_a)
    assert {s.province_agency.id, s.agency_a.id, s.agency_b.id, s.office_a.id, s.office_b.id} <= got


def test_the_server_refuses_an_agency_outside_the_offered_list(app):
    s = two_organizers("88")
    db.session.commit()
    client = client_of(app, s.committee_a)
    before = quotas_of(s.meeting_a)

    one = client.post(f"/meetings/{s.meeting_a.id}/quotas/set", data={"agency_id": s.office_b.id, "seats": "3"})
    assert one.status_code == 422 and "Pilihan tidak valid." in one.get_data(as_text=True)

    table = client.post(f"/meetings/{s.meeting_a.id}/quotas/save",
                        data={f"seats-{s.office_a.id}": "5", f"seats-{s.office_b.id}": "3"})
    assert table.status_code == 422
    assert "tidak termasuk instansi yang diundang oleh penyelenggara" in table.get_data(as_text=True)
    assert quotas_of(s.meeting_a) == before  # all or nothing: office A's 5 seats were not saved either

    # The province's planning agencies, at once: only those the regency invites (itself), not B.
    client.post(f"/meetings/{s.meeting_a.id}/quotas/province", data={"seats": "2"})
    assert s.agency_b.id not in quotas_of(s.meeting_a)

    allowed = client.post(f"/meetings/{s.meeting_a.id}/quotas/set", data={"agency_id": s.office_a.id, "seats": "6"})
    assert allowed.status_code == 302 and quotas_of(s.meeting_a)[s.office_a.id] == 6


def _csv(*rows):
    return ("nama;instansi\n" + "\n".join(f"{name};{agency.name}" for name, agency in rows)).encode()


def test_an_import_by_a_scoped_committee_refuses_the_rows_of_an_agency_its_organizer_does_not_invite(app):
    import io

    from rakor.participants.models import Participant

    s = two_organizers("87")
    db.session.commit()
    client = client_of(app, s.committee_a)
    content = _csv(("Siti Rahmah", s.office_a), ("Budi Santoso", s.office_b))
    page = client.post(f"/meetings/{s.meeting_a.id}/participants/import",
                       data={"file": (io.BytesIO(content), "peserta.csv")}, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert "tidak termasuk instansi yang diundang oleh penyelenggara" in html
    assert 'id="import-ready"' not in html  # nothing can be confirmed
    assert not db.session.scalars(select(Participant).where(Participant.meeting_id == s.meeting_a.id)).all()

    # An instance-wide committee imports the same file (office B gets no quota: a warning only).
    wide = make_user("committee")
    db.session.commit()
    page = client_of(app, wide).post(f"/meetings/{s.meeting_a.id}/participants/import",
                                     data={"file": (io.BytesIO(content), "peserta.csv")},
                                     content_type="multipart/form-data")
    assert 'id="import-ready"' in page.get_data(as_text=True)


def test_the_command_line_acting_as_a_committee_imports_and_gives_seats_to_invited_agencies_only(app, tmp_path):
    from rakor.participants.models import Participant

    s = two_organizers("86")
    db.session.commit()
    runner = app.test_cli_runner()
    as_a = {"RAKOR_CLI_AS": s.committee_a.email}
    path = tmp_path / "peserta.csv"
    path.write_bytes(_csv(("Siti Rahmah", s.office_a), ("Budi Santoso", s.office_b)))
    refused = runner.invoke(args=["participants", "import", str(s.meeting_a.id), str(path)], env=as_a)
    assert refused.exit_code == 1, refused.output
    assert "not among the agencies" in refused.output or "tidak termasuk" in refused.output
    assert not db.session.scalars(select(Participant).where(Participant.meeting_id == s.meeting_a.id)).all()
    path.write_bytes(_csv(("Siti Rahmah", s.office_a)))
    done = runner.invoke(args=["participants", "import", str(s.meeting_a.id), str(path)], env=as_a)
    assert done.exit_code == 0, done.output

    # `meetings create --quota-per-agency` gives seats to the Bappedas the organizer invites:
    # regency A's committee, its own Bappeda; not regency B's.
    made = runner.invoke(args=["meetings", "create", "--title", "FGD kuota CLI", "--start", "2024-06-03 09:00",
                               "--end", "2024-06-03 12:00", "--venue", "Aula", "--kind", "fgd",
                               "--organizer", str(s.agency_a.id), "--quota-per-agency", "2"], env=as_a)
    assert made.exit_code == 0, made.output
    from rakor.meetings.models import Meeting
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "FGD kuota CLI"))
    assert s.agency_b.id not in quotas_of(meeting)
    assert quotas_of(meeting).get(s.agency_a.id) == 2


def test_the_province_wide_seats_are_offered_on_a_provincial_organizers_meeting_only(app):
    s = two_organizers("85")
    db.session.commit()
    regency = client_of(app, s.committee_a).get(f"/meetings/{s.meeting_a.id}/quotas").get_data(as_text=True)
    assert 'id="quota-form"' in regency and 'id="bulk-quota-form"' not in regency
    province = client_of(app, s.committee_p).get(f"/meetings/{s.meeting_p.id}/quotas").get_data(as_text=True)
    assert 'id="bulk-quota-form"' in province
