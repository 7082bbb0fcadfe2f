"""Reporting progress: who may, which periods, revisions, stated percents, evidence, review."""
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.commitments import services as commitment_services
from rakor.core.errors import DomainError
from rakor.core.numbers import parse_decimal
from rakor.extensions import db
from rakor.progress import services
from rakor.progress.models import ProgressEvidence, ProgressReview, ProgressUpdate
from rakor.progress.services import UnconfirmedPercentError
from tests.helpers import PDF
from tests.progress.conftest import update


def report(pg, commitment, user=None, **kwargs):
    data = kwargs.pop("data", None) or update(**{k: kwargs.pop(k) for k in list(kwargs)
                                                 if k not in ("confirm_percent", "expected_revision")})
    return services.report(commitment, data, user or pg.delegate, today=pg.today, **kwargs)


def test_the_percent_is_computed_from_the_indicator_for_both_directions(pg):
    poverty = report(pg, pg.poverty_c, realised_value=Decimal("6.00")).update
    ipm = report(pg, pg.ipm_c, realised_value=Decimal("73")).update
    assert poverty.percent_achieved == Decimal("50.00") and not poverty.percent_stated
    assert ipm.percent_achieved == Decimal("150.00")  # beaten: kept above 100


def test_a_realised_value_typed_with_a_comma_or_a_dot_is_the_same(pg):
    first = report(pg, pg.poverty_c, realised_value=parse_decimal("6,00")).update
    again = report(pg, pg.poverty_c, realised_value=parse_decimal("6.00"))
    assert first.percent_achieved == Decimal("50.00")
    assert not again.created and again.update.id == first.id  # the same figures: nothing new


def test_a_worse_value_is_kept_below_zero(pg):
    assert report(pg, pg.poverty_c, realised_value=Decimal("6.50"), status="late").update.percent_achieved == Decimal("-50.00")


def test_without_a_numeric_indicator_the_reporter_states_the_percent(pg):
    with pytest.raises(DomainError) as e:
        report(pg, pg.rural_c)
    assert e.value.field == "percent"
    u = report(pg, pg.rural_c, percent=Decimal("40")).update
    assert u.percent_achieved == Decimal("40.00") and u.percent_stated


def test_a_stated_percent_of_250_needs_a_confirmation(pg):
    with pytest.raises(UnconfirmedPercentError):
        report(pg, pg.rural_c, percent=Decimal("250"))
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    u = report(pg, pg.rural_c, percent=Decimal("250"), confirm_percent=True).update
    assert u.percent_achieved == Decimal("250.00")


def test_a_numeric_indicator_takes_no_stated_percent_without_its_value(pg):
    with pytest.raises(DomainError) as e:
        report(pg, pg.poverty_c, percent=Decimal("50"))
    assert e.value.field == "realised_value"
    # Without either the update is kept, with no percent (the value is not measured yet).
    assert report(pg, pg.poverty_c).update.percent_achieved is None


def test_a_delegate_cannot_report_on_another_agencys_commitment(pg):
    with pytest.raises(DomainError):
        report(pg, pg.other_c, realised_value=Decimal("65.5"))
    assert report(pg, pg.other_c, pg.other_delegate, realised_value=Decimal("65.5")).created
    assert report(pg, pg.other_c, pg.committee, realised_value=Decimal("65.6")).created


def test_leadership_cannot_report(pg):
    with pytest.raises(DomainError):
        report(pg, pg.poverty_c, pg.leadership, realised_value=Decimal("6"))


def test_only_agreed_commitments_are_reported_on(pg):
    draft = commitment_services.create_commitment(pg.meeting, commitment_data(pg), pg.delegate)
    with pytest.raises(DomainError):
        report(pg, draft, realised_value=Decimal("6"))


def commitment_data(pg):
    from tests.factories import first_agency_commitment as data

    return data(pg, title="Masih draf")


@pytest.mark.parametrize(("period", "message"), [
    ("2023-Q4", "sebelum rapat"),
    ("2024-01-15", "sebelum rapat"),
    ("2025-Q1", "belum dimulai"),
    ("2024-11-29", "masa depan"),
    ("Triwulan V", "triwulan"),
])
def test_periods_before_the_meeting_or_beyond_the_current_quarter_are_refused(pg, period, message):
    with pytest.raises(DomainError) as e:
        report(pg, pg.poverty_c, period=period, realised_value=Decimal("6"))
    assert e.value.field == "period" and message in str(e.value.message)


def test_the_quarter_of_the_meeting_and_the_current_quarter_are_accepted(pg):
    assert report(pg, pg.poverty_c, period="Triwulan I 2024", realised_value=Decimal("6.2")).created
    assert report(pg, pg.poverty_c, period="Triwulan IV 2024", realised_value=Decimal("5.9")).created


def test_a_second_update_for_a_period_is_a_revision_and_the_first_stays_in_history(pg):
    first = report(pg, pg.poverty_c, realised_value=Decimal("6.10")).update
    second = report(pg, pg.poverty_c, realised_value=Decimal("6.00"), expected_revision=1).update
    rows = db.session.scalars(select(ProgressUpdate).order_by(ProgressUpdate.revision)).all()
    assert [(u.revision, u.is_current, u.is_latest, u.realised_value) for u in rows] == [
        (1, False, False, Decimal("6.1000")), (2, True, True, Decimal("6.0000"))]
    assert first.id != second.id


def test_a_report_based_on_a_stale_revision_is_refused(pg):
    report(pg, pg.poverty_c, realised_value=Decimal("6.10"))
    report(pg, pg.poverty_c, pg.committee, realised_value=Decimal("6.05"), expected_revision=1)
    with pytest.raises(DomainError) as e:
        report(pg, pg.poverty_c, realised_value=Decimal("6.00"), expected_revision=1)
    assert "sementara itu" in str(e.value.message)


def test_the_latest_update_is_the_current_revision_of_the_latest_period(pg):
    report(pg, pg.poverty_c, period="2024-Q2", realised_value=Decimal("6.1"))
    report(pg, pg.poverty_c, period="2024-Q1", realised_value=Decimal("6.2"))  # late, for an earlier quarter
    latest = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.is_latest)).all()
    assert [u.period for u in latest] == ["2024-Q2"]
    report(pg, pg.poverty_c, period="2024-08-15", realised_value=Decimal("6.0"))
    assert db.session.scalar(select(ProgressUpdate.period).where(ProgressUpdate.is_latest)) == "2024-08-15"


def test_bad_budget_and_status_are_refused(pg):
    with pytest.raises(DomainError) as e:
        report(pg, pg.poverty_c, realised_value=Decimal("6"), budget_realised=Decimal("-1"))
    assert e.value.field == "budget_realised"
    with pytest.raises(DomainError) as e:
        report(pg, pg.poverty_c, realised_value=Decimal("6"), status="hopeless")
    assert e.value.field == "status"


def test_evidence_is_checked_like_meeting_materials(pg):
    u = report(pg, pg.poverty_c, realised_value=Decimal("6")).update
    evidence = services.add_evidence(u, io.BytesIO(PDF), "../laporan.pdf", pg.delegate)
    assert evidence.original_filename == "laporan.pdf" and evidence.period == "2024-Q1"
    assert services.evidence_path(evidence).read_bytes() == PDF
    for content, name in ((b"MZ\x90\x00", "virus.exe"), (b"not a pdf", "palsu.pdf")):
        with pytest.raises(DomainError) as e:
            services.add_evidence(u, io.BytesIO(content), name, pg.delegate)
        assert e.value.field == "file"
    assert db.session.scalar(select(func.count(ProgressEvidence.id))) == 1


def test_the_committee_verifies_or_sends_back_with_a_comment(pg):
    u = report(pg, pg.poverty_c, realised_value=Decimal("6")).update
    with pytest.raises(DomainError):
        services.review(u, "verified", pg.delegate)
    with pytest.raises(DomainError) as e:
        services.review(u, "returned", pg.committee)
    assert e.value.field == "note"
    services.review(u, "returned", pg.committee, note="Lampirkan bukti dukung.", expected_from="submitted")
    assert (u.review_status, u.review_note) == ("returned", "Lampirkan bukti dukung.")
    corrected = report(pg, pg.poverty_c, realised_value=Decimal("6.01")).update
    assert corrected.review_status == "submitted" and corrected.revision == 2
    with pytest.raises(DomainError):
        services.review(u, "verified", pg.committee)  # the old revision
    services.review(corrected, "verified", pg.committee)
    history = db.session.scalars(select(ProgressReview.to_status).order_by(ProgressReview.id)).all()
    assert history == ["returned", "verified"]
