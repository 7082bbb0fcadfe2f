"""The meeting's signing officers and place of signing (issue 17): the chair's and the
minute-taker's jabatan, NIP and pangkat/golongan, and the town of the documents' place line,
taken in the meeting form and `flask meetings create`, and shown on the meeting page."""
from sqlalchemy import select

from rakor.meetings.models import Meeting
from tests.factories import make_agency
from tests.meetings.test_pages import form


def test_the_form_takes_ranks_the_minute_takers_position_and_the_place_of_signing(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(
        organizer, chair_rank="iv/a", minute_taker_name="Nur Aisyah, S.E.", minute_taker_position="Perencana Ahli Pertama",
        minute_taker_nip="199204152019032011", minute_taker_rank="Penata Muda (III/a)", signing_place="Banjarbaru"))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Rakor Penurunan Stunting 2030"))
    assert (meeting.chair_rank, meeting.minute_taker_position, meeting.minute_taker_rank, meeting.signing_place) == (
        "Pembina (IV/a)", "Perencana Ahli Pertama", "Penata Muda (III/a)", "Banjarbaru")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Pembina (IV/a)" in page and "Perencana Ahli Pertama" in page and "Penata Muda (III/a)" in page
    edit = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Pembina (IV/a)"' in edit and 'value="Banjarbaru"' in edit


def test_a_rank_too_long_is_refused_on_its_field_keeping_what_was_typed(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(organizer, chair_rank="x" * 101))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Rakor Penurunan Stunting 2030"' in page and "100" in page
    assert db.session.scalar(select(Meeting.id).where(Meeting.title == "Rakor Penurunan Stunting 2030")) is None


def test_the_cli_takes_the_signing_officers(app, db, kalsel):
    result = app.test_cli_runner().invoke(args=[
        "meetings", "create", "--title", "Rakor CLI", "--start", "2030-05-02 08:30", "--end", "2030-05-02 16:00",
        "--venue", "Aula", "--chair-name", "Rahmiyanti Janoezir P., ST., MA", "--chair-position", "Kabid PPM",
        "--chair-nip", "197501012000032001", "--chair-rank", "IV/a", "--minute-taker-name", "Nur Aisyah, S.E.",
        "--minute-taker-position", "Perencana Ahli Pertama", "--minute-taker-nip", "199204152019032011",
        "--minute-taker-rank", "III/a", "--signing-place", "Banjarbaru"])
    assert result.exit_code == 0, result.output
    meeting = db.session.get(Meeting, int(result.output))
    assert (meeting.chair_rank, meeting.minute_taker_rank, meeting.minute_taker_position, meeting.signing_place) == (
        "Pembina (IV/a)", "Penata Muda (III/a)", "Perencana Ahli Pertama", "Banjarbaru")
    refused = app.test_cli_runner().invoke(args=[
        "meetings", "create", "--title", "Rakor CLI 2", "--start", "2030-05-02 08:30", "--end", "2030-05-02 16:00",
        "--venue", "Aula", "--chair-nip", "123"])
    assert refused.exit_code != 0 and "18 angka" in refused.output


def test_a_new_meeting_proposes_the_head_of_its_organizer_as_chair(client, db, login_as):
    """The committee's walk: the minutes need the chair's name, jabatan, NIP and pangkat, and the
    chair is usually the head of the organizing Bappeda, already kept for its letters."""
    organizer = make_agency(head_name="Dr. Ir. H. Ahmad Rizani, M.T.", head_position="Kepala Bappeda",
                            head_nip="197001011995031001", head_rank="Pembina Utama Muda (IV/c)")
    login_as("committee", agency=organizer)
    page = client.get("/meetings/new").get_data(as_text=True)
    assert 'value="Dr. Ir. H. Ahmad Rizani, M.T."' in page and 'value="197001011995031001"' in page
    assert 'value="Pembina Utama Muda (IV/c)"' in page and 'value="Kepala Bappeda"' in page
    # Without a head on record nothing is proposed.
    login_as("committee", agency=make_agency())
    page = client.get("/meetings/new").get_data(as_text=True)
    assert 'name="chair_name"' in page and "Ahmad Rizani" not in page and "197001011995031001" not in page
