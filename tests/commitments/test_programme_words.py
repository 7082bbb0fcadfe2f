"""The programme-code field takes words too: a word that names one programme gives its code, a
topic word ("kemiskinan") or a word several programmes share lists them to choose from."""
import pytest

from rakor.commitments import services
from rakor.core.errors import DomainError
from rakor.regions.programmes import find_programmes
from tests.factories import first_agency_commitment as data


def test_a_code_is_taken_as_typed(cm):
    c = services.create_commitment(cm.meeting, data(cm, programme_code="1.06.05"), cm.delegate)
    assert c.programme_code == "1.06.05"


def test_a_word_naming_one_programme_gives_its_code(cm):
    only = find_programmes("kurikulum")
    assert [p.code for p in only] == ["1.01.03"]
    c = services.create_commitment(cm.meeting, data(cm, programme_code="kurikulum"), cm.delegate)
    assert c.programme_code == "1.01.03"


def test_a_topic_word_lists_the_social_programmes_to_choose_from(cm):
    assert {p.code[:4] for p in find_programmes("kemiskinan")} <= {"1.06", "2.13"}
    with pytest.raises(DomainError) as info:
        services.create_commitment(cm.meeting, data(cm, programme_code="kemiskinan"), cm.delegate)
    assert info.value.field == "programme_code" and "1.06." in str(info.value.message)


def test_a_word_matching_nothing_is_refused_on_the_field(cm):
    with pytest.raises(DomainError) as info:
        services.create_commitment(cm.meeting, data(cm, programme_code="zzzqqq"), cm.delegate)
    assert info.value.field == "programme_code"


def test_the_form_suggests_programmes_with_their_topic_words(client, cm):
    from rakor.extensions import db
    from tests.helpers import sign_in
    db.session.commit()
    sign_in(client, cm.delegate)
    html = client.get(f"/meetings/{cm.meeting.id}/commitments/new").get_data(as_text=True)
    option = next(line for line in html.split("<option") if 'value="1.06.05"' in line)
    assert "kemiskinan" in option
