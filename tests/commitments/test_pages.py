"""Commitment pages for every role: the workflow through HTTP, IDOR attempts, bad input kept in
the form, lost updates refused, and fixed query counts."""
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select, update

from rakor.commitments import services
from rakor.commitments.models import Commitment
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.factories import make_agency, make_meeting, make_quota


def _login(client, user):
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def _form(cm, **overrides):
    values = {"title": "Intervensi gizi spesifik di 20 desa lokus", "indicator_id": str(cm.poverty),
              "target_value": "5,75", "target_date": "2024-12-31", "programme_code": "1.06.05",
              "responsible_office": "Dinas Sosial", "budget": "1,25 M", "funding_source": "apbd",
              "budget_year": "2024"}
    values.update(overrides)
    return values


def _url(cm, suffix=""):
    return f"/meetings/{cm.meeting.id}/commitments{suffix}"


def test_a_delegate_submits_a_commitment_for_its_own_agency(client, cm):
    _login(client, cm.delegate)
    page = client.get(_url(cm, "/new"))
    assert page.status_code == 200 and b"programme-codes" in page.data
    response = client.post(_url(cm, "/new"), data=_form(cm, submit_now="1"))
    assert response.status_code == 302
    c = db.session.scalar(select(Commitment))
    assert (c.agency_id, c.status, c.budget) == (cm.agencies[0].id, "submitted", Decimal("1250000000.00"))
    assert c.baseline_value == Decimal("6.25")  # prefilled from the official value
    assert c.target_value == Decimal("5.75")


def test_a_crafted_agency_is_refused_and_the_text_stays(client, cm):
    _login(client, cm.delegate)
    response = client.post(_url(cm, "/new"), data=_form(cm, agency_id=str(cm.agencies[1].id)))
    assert response.status_code == 200
    assert b"Intervensi gizi spesifik" in response.data
    assert db.session.scalar(select(Commitment.id)) is None


@pytest.mark.parametrize("budget", ["1.250.000.000", "1,250,000,000", "Rp 1.250.000.000", "1,25 M"])
def test_budget_spellings_parse_to_the_same_amount(client, cm, budget):
    _login(client, cm.committee)
    client.post(_url(cm, "/new"), data=_form(cm, agency_id=str(cm.agencies[0].id), budget=budget))
    assert db.session.scalar(select(Commitment.budget)) == Decimal("1250000000.00")


@pytest.mark.parametrize("overrides, message", [
    ({"budget": "-5"}, "negative"),
    ({"budget": "banyak"}, "Rupiah"),
    ({"target_value": "6,25"}, "baseline"),
    ({"target_date": "2024-01-01"}, "before the meeting"),
    ({"programme_code": "9.99.99"}, "9.99.99"),
])
def test_bad_input_is_explained_and_kept(client, cm, overrides, message):
    _login(client, cm.delegate)
    response = client.post(_url(cm, "/new"), data=_form(cm, **overrides), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "is-invalid" in text
    assert list(overrides.values())[0] in text  # what was typed is still there
    assert db.session.scalar(select(Commitment.id)) is None


def test_a_target_in_the_wrong_direction_asks_for_confirmation(client, cm):
    _login(client, cm.delegate)
    first = client.post(_url(cm, "/new"), data=_form(cm, target_value="7"))
    assert b'id="direction-warning"' in first.data
    assert db.session.scalar(select(Commitment.id)) is None
    client.post(_url(cm, "/new"), data=_form(cm, target_value="7", confirm_direction="y"))
    assert db.session.scalar(select(Commitment.target_value)) == Decimal("7")


def test_committee_returns_delegate_fixes_committee_agrees(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    _login(client, cm.committee)
    assert client.post(_url(cm, f"/{c.id}/return"),
                       data={"note": "Lengkapi OPD", "expected": "submitted"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Commitment, c.id).status == "returned"
    _login(client, cm.delegate)
    page = client.get(_url(cm, f"/{c.id}"))
    assert b"Lengkapi OPD" in page.data
    form = _form(cm, responsible_office="Bappeda dan Dinas Sosial",
                 version=str(db.session.get(Commitment, c.id).version))
    assert client.post(_url(cm, f"/{c.id}/edit"), data=form).status_code == 302
    client.post(_url(cm, f"/{c.id}/submit"), data={"expected": "returned"})
    _login(client, cm.committee)
    client.post(_url(cm, f"/{c.id}/agree"), data={"expected": "submitted"})
    db.session.expire_all()
    assert db.session.get(Commitment, c.id).status == "agreed"
    history = client.get(_url(cm, f"/{c.id}")).get_data(as_text=True)
    assert "Bappeda dan Dinas Sosial" in history  # before -> after in the history


def test_a_second_editor_is_refused_and_keeps_their_text(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    _login(client, cm.delegate)
    seen = c.version
    db.session.execute(update(Commitment).where(Commitment.id == c.id)
                       .values(title="Disimpan orang lain", version=Commitment.version + 1))
    response = client.post(_url(cm, f"/{c.id}/edit"), data=_form(cm, title="Teks saya yang panjang",
                                                                 version=str(seen)))
    assert response.status_code == 200
    assert "Teks saya yang panjang" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Commitment, c.id).title == "Disimpan orang lain"


def test_idor_every_commitment_route_refuses_another_agencys_delegate(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)  # a draft of agency 1
    _login(client, cm.other_delegate)
    assert client.get(_url(cm, f"/{c.id}")).status_code == 403
    assert client.get(_url(cm, f"/{c.id}/edit")).status_code == 403
    assert client.post(_url(cm, f"/{c.id}/edit"), data=_form(cm)).status_code == 403
    for action in ("submit", "agree", "return", "withdraw"):
        assert client.post(_url(cm, f"/{c.id}/{action}"), data={"note": "x"}).status_code == 403
    assert b"data-reference" not in client.get(_url(cm)).data  # not in the list either
    assert db.session.get(Commitment, c.id).status == "draft"


def test_a_commitment_id_of_another_meeting_is_404(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    other = make_meeting(organizer=cm.meeting.organizer if False else make_agency())
    make_quota(other, cm.agencies[0])
    _login(client, cm.committee)
    for suffix in ("", "/edit"):
        assert client.get(f"/meetings/{other.id}/commitments/{c.id}{suffix}").status_code == 404


def test_a_delegate_cannot_edit_an_agreed_commitment(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    _login(client, cm.delegate)
    assert client.get(_url(cm, f"/{c.id}/edit")).status_code == 403
    assert client.post(_url(cm, f"/{c.id}/withdraw"), data={}).status_code == 403


def test_leadership_reads_but_cannot_write(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    _login(client, cm.leadership)
    assert client.get(_url(cm)).status_code == 200
    assert client.get(_url(cm, f"/{c.id}")).status_code == 200
    assert client.get(_url(cm, "/new")).status_code == 403
    assert client.post(_url(cm, f"/{c.id}/agree"), data={}).status_code == 403


def test_agreed_commitments_of_other_agencies_are_visible_to_delegates(client, cm):
    mine = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(mine, "agreed", cm.committee)
    _login(client, cm.other_delegate)
    assert client.get(_url(cm, f"/{mine.id}")).status_code == 200
    assert mine.reference.encode() in client.get(_url(cm)).data
    assert mine.reference.encode() in client.get(f"/regions/{cm.regions[0].id}/commitments").data


@contextmanager
def _counting():
    statements = []

    def listener(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.mark.parametrize("path", ["", "?group=topic", "/{id}", "/{id}/edit", "/new", "REGION"])
def test_pages_run_a_fixed_number_of_queries(client, cm, path):
    first = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    _login(client, cm.committee)

    def url():
        if path == "REGION":
            return f"/regions/{cm.regions[0].id}/commitments"
        return _url(cm, path.format(id=first.id))

    with _counting() as few:
        assert client.get(url()).status_code == 200
    for i in range(6):
        c = services.create_commitment(cm.meeting, data(cm, title=f"Tambahan {i}",
                                       agency_id=cm.agencies[i % 2].id,
                                       **({} if i % 2 == 0 else {"indicator_id": None, "target_value": None})),
                                       cm.committee)
        services.update_commitment(first, data(cm, title=f"Ubah {i}"), cm.committee)
        services.change_status(c, "submitted", cm.committee)
    db.session.commit()
    with _counting() as many:
        assert client.get(url()).status_code == 200
    assert len(many) == len(few), (path, len(few), len(many))


def test_the_list_escapes_what_people_typed(client, cm):
    """The list's cards are written in Python (commitments/list_rows.py): every typed value is
    escaped as the template's autoescape did, in text and in attributes."""
    typed = 'Gizi <b>"desa" & \'kota\'</b>'
    c = services.create_commitment(cm.meeting, data(cm, title=typed, responsible_office="Dinas <i>Sosial</i>"),
                                   cm.delegate, submit=True)
    _login(client, cm.committee)
    html = client.get(_url(cm)).get_data(as_text=True)
    assert "Gizi &lt;b&gt;&#34;desa&#34; &amp; &#39;kota&#39;&lt;/b&gt;" in html and "<b>" not in html
    assert "Dinas &lt;i&gt;Sosial&lt;/i&gt;" in html
    assert f'id="pick-{c.id}"' in html and f'aria-label="Pilih {c.reference}"' in html


def test_the_list_filters_and_a_delegates_view_of_it(client, cm):
    """The meeting's list by status, topic, region and programme (a LIKE prefix, its '_' taken
    literally), and a delegate's list: its own agency's commitments and the others' agreed ones."""
    from rakor.commitments.models import Programme
    from tests.factories.commitments import make_commitment

    other_code = db.session.scalar(select(Programme.code).where(Programme.code.not_like("1.06%"))
                                   .order_by(Programme.code).limit(1))
    rows = [("Komitmen Alfa satu", 0, cm.poverty, "agreed", "1.06.05"),
            ("Komitmen Alfa dua", 0, cm.ipm, "submitted", other_code),
            ("Komitmen Beta satu", 1, cm.poverty, "submitted", "1.06.05"),
            ("Komitmen Beta dua", 1, cm.ipm, "agreed", other_code)]
    for title, agency, topic, status, code in rows:
        make_commitment(cm.meeting, cm.committee, data(cm, title=title, agency_id=cm.agencies[agency].id,
                                                     indicator_id=topic, programme_code=code), status=status)

    def listed(query=""):
        response = client.get(_url(cm, query))
        assert response.status_code == 200
        return {title for title, *_ in rows if title in response.get_data(as_text=True)}

    _login(client, cm.committee)
    assert listed() == {r[0] for r in rows}
    assert listed("?status=agreed") == {"Komitmen Alfa satu", "Komitmen Beta dua"}
    assert listed(f"?topic={cm.poverty}") == {"Komitmen Alfa satu", "Komitmen Beta satu"}
    assert listed(f"?region={cm.regions[1].id}") == {"Komitmen Beta satu", "Komitmen Beta dua"}
    assert listed(f"?status=submitted&region={cm.regions[1].id}") == {"Komitmen Beta satu"}
    assert listed("?programme=1.06") == {"Komitmen Alfa satu", "Komitmen Beta satu"}
    assert listed("?programme=1.0_") == set()  # '_' is no wildcard
    _login(client, cm.delegate)
    assert listed() == {"Komitmen Alfa satu", "Komitmen Alfa dua", "Komitmen Beta dua"}
    assert listed("?status=submitted") == {"Komitmen Alfa dua"}
    assert listed(f"?region={cm.regions[1].id}") == {"Komitmen Beta dua"}
    _login(client, cm.other_delegate)
    assert listed() == {"Komitmen Alfa satu", "Komitmen Beta satu", "Komitmen Beta dua"}
