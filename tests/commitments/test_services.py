"""Commitment rules: validation, the workflow, amendments, history and lost updates."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from rakor.commitments import services
from rakor.commitments.models import Commitment, CommitmentEvent
from rakor.commitments.services import UnconfirmedDirectionError
from rakor.core.errors import DomainError
from rakor.extensions import db
from tests.factories import first_agency_commitment as data


def test_a_new_commitment_gets_a_stable_reference_per_region(cm):
    first = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    second = services.create_commitment(cm.meeting, data(cm, title="Kedua"), cm.delegate)
    other = services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[1].id,
                                                        indicator_id=None, target_value=None),
                                       cm.other_delegate)
    m = f"{cm.meeting.id:04d}"
    assert first.reference == f"RK-2024-{m}-96.01-01"
    assert second.reference == f"RK-2024-{m}-96.01-02"
    assert other.reference == f"RK-2024-{m}-96.02-01"
    assert first.status == "draft"


def test_the_baseline_is_prefilled_from_the_latest_official_value(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    assert (c.baseline_value, c.baseline_year) == (Decimal("6.25"), 2023)
    typed = services.create_commitment(cm.meeting, data(cm, baseline_value=Decimal("6.3"),
                                                        baseline_year=2023), cm.delegate)
    assert typed.baseline_value == Decimal("6.3")


def test_a_delegate_cannot_commit_for_another_agency(cm):
    with pytest.raises(DomainError) as e:
        services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[1].id), cm.delegate)
    assert e.value.field == "agency_id"


def test_an_agency_that_is_not_invited_cannot_commit(cm):
    with pytest.raises(DomainError) as e:
        services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[2].id,
                                                    indicator_id=None, target_value=None), cm.committee)
    assert e.value.field == "agency_id"


@pytest.mark.parametrize("overrides, field", [
    ({"target_value": Decimal("6.25")}, "target_value"),           # equals the baseline
    ({"budget": Decimal("-1")}, "budget"),
    ({"target_date": date(2024, 1, 31)}, "target_date"),          # before the meeting
    ({"programme_code": "9.99.99"}, "programme_code"),
    ({"title": "  "}, "title"),
    ({"indicator_id": None}, "indicator_id"),                      # values without an indicator
    ({"funding_source": "hibah"}, "funding_source"),
    ({"budget_year": 1999}, "budget_year"),
])
def test_bad_values_are_refused_on_their_field(cm, overrides, field):
    with pytest.raises(DomainError) as e:
        services.create_commitment(cm.meeting, data(cm, **overrides), cm.delegate)
    assert e.value.field == field
    assert db.session.scalar(select(Commitment.id)) is None


def test_a_target_in_the_wrong_direction_needs_confirmation(cm):
    with pytest.raises(UnconfirmedDirectionError):
        services.create_commitment(cm.meeting, data(cm, target_value=Decimal("7")), cm.delegate)
    c = services.create_commitment(cm.meeting, data(cm, target_value=Decimal("7")), cm.delegate,
                                   confirm_direction=True)
    assert c.target_value == Decimal("7")


def test_workflow_submit_return_fix_resubmit_agree(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    services.change_status(c, "submitted", cm.delegate)
    with pytest.raises(DomainError):  # only the committee decides
        services.change_status(c, "agreed", cm.delegate)
    with pytest.raises(DomainError) as e:  # a return carries a comment
        services.change_status(c, "returned", cm.committee)
    assert e.value.field == "note"
    services.change_status(c, "returned", cm.committee, note="Lengkapi kode program")
    assert c.review_note == "Lengkapi kode program"
    services.update_commitment(c, data(cm, title="Diperbaiki"), cm.delegate, expected_version=c.version)
    services.change_status(c, "submitted", cm.delegate)
    services.change_status(c, "agreed", cm.committee)
    assert c.status == "agreed" and c.agreed_by_id == cm.committee.id
    kinds = db.session.scalars(select(CommitmentEvent.kind).where(CommitmentEvent.commitment_id == c.id)
                               .order_by(CommitmentEvent.id)).all()
    assert kinds == ["created", "submitted", "returned", "updated", "submitted", "agreed"]


def test_an_agreed_commitment_is_frozen_for_delegates_and_amended_by_the_committee(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    with pytest.raises(DomainError):
        services.update_commitment(c, data(cm, title="Diam-diam diubah"), cm.delegate)
    with pytest.raises(DomainError) as e:
        services.update_commitment(c, data(cm, budget=Decimal("1500000000")), cm.committee)
    assert e.value.field == "reason"
    services.update_commitment(c, data(cm, budget=Decimal("1500000000")), cm.committee,
                               reason="Hasil pembahasan anggaran perubahan")
    event = db.session.scalar(select(CommitmentEvent).where(CommitmentEvent.kind == "amended"))
    assert event.changes == {"budget": ["1250000000", "1500000000"]}
    assert event.note == "Hasil pembahasan anggaran perubahan"
    assert c.status == "agreed"


def test_withdrawal_is_recorded_never_deleted(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    services.change_status(c, "withdrawn", cm.delegate)
    assert db.session.get(Commitment, c.id).status == "withdrawn"
    with pytest.raises(DomainError):
        services.change_status(c, "submitted", cm.delegate)


def test_final_minutes_freeze_commitments_except_amendments(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    cm.meeting.status = "minutes_final"
    db.session.flush()
    with pytest.raises(DomainError):
        services.create_commitment(cm.meeting, data(cm), cm.delegate)
    services.update_commitment(c, data(cm, title="Judul diperbaiki"), cm.committee, reason="Salah ketik")
    assert c.title == "Judul diperbaiki"


def test_a_save_based_on_a_stale_copy_is_refused(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    seen_version = c.version
    # Someone else saves meanwhile (another request: the row's version moves on).
    db.session.execute(update(Commitment).where(Commitment.id == c.id)
                       .values(title="Versi orang lain", version=Commitment.version + 1))
    with pytest.raises(DomainError) as e:
        services.update_commitment(c, data(cm, title="Versi saya"), cm.delegate,
                                   expected_version=seen_version)
    assert "Orang lain mengubah" in str(e.value)  # Indonesian by default
    assert db.session.get(Commitment, c.id).title == "Versi orang lain"


def test_the_version_column_refuses_a_concurrent_flush(cm):
    """Without the explicit check, SQLAlchemy's version_id_col still stops the lost update."""
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    db.session.execute(update(Commitment).where(Commitment.id == c.id)
                       .values(version=Commitment.version + 1).execution_options(synchronize_session=False))
    c.title = "Ditimpa"
    with pytest.raises(DomainError):
        services._flush()
