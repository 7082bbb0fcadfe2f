"""One e-mail spelling for accounts and participants (auth.services.normalise_email)."""
import pytest

from rakor.auth.services import normalise_email
from rakor.core.errors import DomainError
from rakor.participants.services import clean_participant


def test_participant_and_account_spell_an_address_the_same_way():
    typed = "  Rina.Marlina@KotaBaru.go.id "
    participant = clean_participant({"name": "Rina", "email": typed}, agency_id=1).data
    assert participant.email == normalise_email(typed) == "rina.marlina@kotabaru.go.id"


def test_validating_refuses_what_is_not_an_address_and_empty_is_none():
    assert normalise_email("", validate=True) is None and normalise_email(None, validate=True) is None
    with pytest.raises(DomainError) as refused:
        normalise_email("budi@", validate=True)
    assert refused.value.field == "email"
    assert normalise_email("budi@") == "budi@"  # a look-up simply finds nobody
