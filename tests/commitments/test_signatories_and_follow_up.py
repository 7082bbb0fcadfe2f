"""The agreement record's signatories page (proposed from the delegates, edited, checked, only
the committee's) and the earlier meeting's agreed commitments in a follow-up meeting's section."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from rakor.commitments import services
from rakor.commitments.models import AgreementSignatory
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.factories import make_meeting, make_participant, make_quota, make_user


def _login(client, user):
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def _signatory_form(cm, first=("Ir. H. Rahmadi, M.T.", "Kepala Bappeda", "196805121994031008")):
    a1, a2 = cm.agencies[0].id, cm.agencies[1].id
    return {f"a{a1}-name": first[0], f"a{a1}-position": first[1], f"a{a1}-nip": first[2],
            f"a{a2}-name": "Siti Aminah", f"a{a2}-position": "Sekretaris Bappeda", f"a{a2}-nip": ""}


def test_the_committee_gets_delegates_proposed_edits_them_and_the_record_prints_them(client, cm):
    make_participant(cm.meeting, cm.agencies[0], name="Delegasi Pertama", position="Perencana Ahli Muda")
    c = services.create_commitment(cm.meeting, data(cm), cm.committee, submit=True)
    services.change_status(c, "agreed", cm.committee)
    _login(client, cm.committee)
    url = f"/meetings/{cm.meeting.id}/commitments/signatories"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Delegasi Pertama"' in page  # proposed from the agency's first delegate
    assert client.post(url, data=_signatory_form(cm)).status_code == 302
    saved = {s.agency_id: (s.name, s.position, s.nip) for s in db.session.scalars(
        select(AgreementSignatory).where(AgreementSignatory.meeting_id == cm.meeting.id))}
    assert saved[cm.agencies[0].id] == ("Ir. H. Rahmadi, M.T.", "Kepala Bappeda", "196805121994031008")
    assert saved[cm.agencies[1].id] == ("Siti Aminah", "Sekretaris Bappeda", None)
    pdf = client.get(f"/meetings/{cm.meeting.id}/documents/agreement.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Ir. H. Rahmadi, M.T." in text and "NIP. 19680512 199403 1 008" in text  # NIP written in its groups


def test_a_bad_nip_is_explained_and_every_typed_value_stays(client, cm):
    _login(client, cm.committee)
    url = f"/meetings/{cm.meeting.id}/commitments/signatories"
    response = client.post(url, data=_signatory_form(cm, ("Rahmadi", "Kepala", "1968-05")))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "NIP" in page and "18" in page
    assert 'value="Rahmadi"' in page and 'value="1968-05"' in page and 'value="Siti Aminah"' in page
    assert db.session.scalar(select(AgreementSignatory.id)) is None


def test_only_the_committee_edits_signatories_and_only_for_agencies_of_the_meeting(client, cm):
    url = f"/meetings/{cm.meeting.id}/commitments/signatories"
    for user in (cm.delegate, cm.leadership):
        _login(client, user)
        assert client.get(url).status_code == 403
        assert client.post(url, data=_signatory_form(cm)).status_code == 403
    _login(client, cm.committee)
    outsider = cm.agencies[2]  # not invited: a crafted field for it is not a line of the record
    form = {**_signatory_form(cm), f"a{outsider.id}-name": "Penyusup", f"a{outsider.id}-nip": ""}
    assert client.post(url, data=form).status_code == 302
    assert db.session.scalar(select(AgreementSignatory).where(
        AgreementSignatory.agency_id == outsider.id)) is None
    other_meeting = make_meeting()
    assert client.get(f"/meetings/{other_meeting.id}/commitments/signatories").get_data(as_text=True).count(
        "Penyusup") == 0


def test_a_follow_up_lists_the_earlier_meetings_agreed_commitments_for_every_reader(client, cm):
    agreed = services.create_commitment(cm.meeting, data(cm), cm.committee, submit=True)
    services.change_status(agreed, "agreed", cm.committee)
    pending = services.create_commitment(cm.meeting, data(cm, title="Masih diajukan"), cm.committee, submit=True)
    follow_up = make_meeting(follow_up_of_id=cm.meeting.id, title="Rakor Tindak Lanjut")
    newcomer = cm.agencies[2]  # invited to the follow-up only
    make_quota(follow_up, newcomer)
    newcomer_delegate = make_user("delegate", agency=newcomer)
    for user, may_open in ((cm.committee, True), (newcomer_delegate, False)):
        _login(client, user)
        page = client.get(f"/meetings/{follow_up.id}").get_data(as_text=True)
        assert 'id="earlier-commitments"' in page
        assert f'data-reference="{agreed.reference}"' in page and agreed.title in page
        assert pending.reference not in page and "Masih diajukan" not in page
        link = f'/meetings/{cm.meeting.id}/commitments/{agreed.id}"'
        assert (link in page) is may_open  # a link only for who may open the earlier meeting
