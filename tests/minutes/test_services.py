"""Writing, versions and finalisation of minutes (services)."""
import pytest
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings import services as meetings
from rakor.meetings.models import MeetingTransition
from rakor.minutes import content, queries, services
from tests.minutes.conftest import body

URL = lambda code: f"http://localhost/v/{code}"  # noqa: E731


def test_saves_make_revisions_of_version_1_and_a_save_without_change_makes_none(mm):
    first = services.save(mm.meeting, body(), mm.committee, None)
    assert (first.version, first.status, first.user_id) == (1, "draft", mm.committee.id)
    # The same text again (trailing blanks, an empty item): nothing new.
    same = body(opening="Rapat dibuka pukul 08.30 WITA.  \n", items={str(mm.items[0].id): {"discussion": " "}})
    assert services.save(mm.meeting, same, mm.committee, first.id) is None
    second = services.save(mm.meeting, body(opening="Dibuka 08.35."), mm.committee, first.id)
    assert second.version == 1 and second.id != first.id
    assert queries.current_revision(mm.meeting.id).id == second.id
    assert len(queries.history(mm.meeting.id)) == 2


def test_a_save_over_someone_elses_newer_revision_is_a_conflict(mm):
    first = services.save(mm.meeting, body(), mm.committee, None)
    services.save(mm.meeting, body(opening="Versi rekan"), mm.committee, first.id)
    with pytest.raises(services.MinutesConflictError) as e:
        services.save(mm.meeting, body(opening="Versi saya"), mm.committee, first.id)
    assert e.value.revision_id == queries.current_revision(mm.meeting.id).id
    # The first save of all is checked too: someone else created the minutes meanwhile.
    with pytest.raises(services.MinutesConflictError):
        services.save(mm.meeting, body(opening="Versi saya"), mm.committee, None)


def test_agenda_items_show_the_draft_until_a_version_is_final(mm):
    item = mm.items[0]
    notes = {str(item.id): {"discussion": "Dibahas data BPS.", "conclusions": "Data by name by address."}}
    draft = services.save(mm.meeting, body(items=notes), mm.committee, None)
    assert (item.discussion, item.conclusions) == ("Dibahas data BPS.", "Data by name by address.")
    services.finalise(mm.meeting, mm.committee, draft.id, URL)
    changed = {str(item.id): {"discussion": "Dibahas ulang.", "conclusions": "Kesimpulan baru."}}
    services.save(mm.meeting, body(items=changed), mm.committee, draft.id, reason="Koreksi pimpinan")
    db.session.refresh(item)
    assert item.conclusions == "Data by name by address."  # the final version's, not the draft's


def test_finalising_a_held_meeting_moves_it_to_minutes_final_and_records_who(mm):
    draft = services.save(mm.meeting, body(), mm.committee, None)
    final = services.finalise(mm.meeting, mm.leadership, draft.id, URL)
    assert final.id == draft.id and final.is_final and final.finalised_by_id == mm.leadership.id
    assert final.finalised_at is not None and len(final.verification_code) == 12
    assert final.verification_url == f"http://localhost/v/{final.verification_code}"
    assert mm.meeting.status == "minutes_final"
    last = db.session.scalars(select(MeetingTransition).where(MeetingTransition.meeting_id == mm.meeting.id)
                              .order_by(MeetingTransition.id.desc())).first()
    assert (last.from_status, last.to_status, last.user_id) == ("held", "minutes_final", mm.leadership.id)
    with pytest.raises(DomainError, match="sudah final"):
        services.finalise(mm.meeting, mm.committee, draft.id, URL)


@pytest.mark.parametrize("status", ["draft", "scheduled", "cancelled"])
def test_a_meeting_that_was_not_held_cannot_have_its_minutes_finalised(mm, status):
    draft = services.save(mm.meeting, body(), mm.committee, None) if status == "scheduled" else None
    mm.meeting.status = status
    with pytest.raises(DomainError, match="sudah terlaksana"):
        services.finalise(mm.meeting, mm.committee, draft.id if draft else None, URL)
    assert mm.meeting.status == status


def test_the_meeting_cannot_be_marked_minutes_final_without_final_minutes(mm):
    """The meetings package's own status change asks the minutes' transition guard."""
    with pytest.raises(DomainError, match="Notulen belum final"):
        meetings.change_status(mm.meeting, "minutes_final", mm.committee, expected_from="held")
    assert mm.meeting.status == "held"
    services.save(mm.meeting, body(), mm.committee, None)  # a draft is not enough
    with pytest.raises(DomainError, match="Notulen belum final"):
        meetings.change_status(mm.meeting, "minutes_final", mm.committee)


def test_a_final_version_is_frozen_a_change_opens_the_next_version_with_a_reason(mm):
    v1 = services.finalise(mm.meeting, mm.committee, services.save(mm.meeting, body(), mm.committee, None).id, URL)
    with pytest.raises(DomainError, match="Sebutkan alasan") as e:
        services.save(mm.meeting, body(opening="Dikoreksi"), mm.committee, v1.id)
    assert e.value.field == "reason"
    v2 = services.save(mm.meeting, body(opening="Dikoreksi"), mm.committee, v1.id, reason="Salah ketik jam")
    assert (v2.version, v2.status, v2.reason) == (2, "draft", "Salah ketik jam")
    v2b = services.save(mm.meeting, body(opening="Dikoreksi lagi"), mm.committee, v2.id)
    assert (v2b.version, v2b.reason) == (2, "Salah ketik jam")  # the version keeps its reason
    db.session.refresh(v1)
    assert v1.is_final and content.normalise(v1.body)["opening"] == "Rapat dibuka pukul 08.30 WITA."
    assert queries.latest_final(mm.meeting.id).id == v1.id
    final2 = services.finalise(mm.meeting, mm.committee, v2b.id, URL)  # meeting already minutes_final
    assert final2.version == 2 and queries.latest_final(mm.meeting.id).id == final2.id
    assert mm.meeting.status == "minutes_final"


def test_too_long_sections_and_foreign_agenda_items_are_refused(mm):
    too_long = "x" * (content.MAX_SECTION_CHARS + 1)
    with pytest.raises(DomainError, match="50.000") as e:
        services.save(mm.meeting, body(items={str(mm.items[1].id): {"discussion": too_long}}), mm.committee, None)
    assert e.value.field == f"item_{mm.items[1].id}_discussion"
    with pytest.raises(DomainError):
        services.save(mm.meeting, body(items={"999999": {"discussion": "x"}}), mm.committee, None)
    assert queries.minutes_of(mm.meeting.id) is None


def test_minutes_of_a_draft_or_cancelled_meeting_cannot_be_written(mm):
    for status in ("draft", "cancelled"):
        mm.meeting.status = status
        with pytest.raises(DomainError):
            services.save(mm.meeting, body(), mm.committee, None)


def test_markdown_is_rendered_and_sanitised():
    html = str(content.to_html("**Tebal** <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
                               "- satu\n- [tautan](javascript:alert(3))"))
    assert "<strong>Tebal</strong>" in html and "<li>satu</li>" in html
    assert "<script" not in html and "alert(1)" not in html and "onerror" not in html and "<img" not in html
    assert "javascript:" not in html


def test_two_revisions_compare_section_by_section(mm):
    items = [(mm.items[0].id, "1. Paparan"), (mm.items[1].id, "2. Evaluasi")]
    old = body(opening="Baris sama\nBaris lama", items={str(mm.items[0].id): {"conclusions": "A"}})
    new = body(opening="Baris sama\nBaris baru", items={str(mm.items[0].id): {"conclusions": "A"}},
               closing="Ditutup.")
    diffs = {d.key: d for d in content.diff_bodies(old, new, items)}
    assert diffs["opening"].lines == [(" ", "Baris sama"), ("-", "Baris lama"), ("+", "Baris baru")]
    assert diffs["closing"].lines == [("+", "Ditutup.")]
    assert not diffs[f"item:{mm.items[0].id}:conclusions"].changed


def _two_reads(meeting_id):
    """What the section read in two queries before final_and_current."""
    final, current = queries.latest_final.__wrapped__(meeting_id), queries.current_revision(meeting_id)
    return (final and final.id, current and current.id)


def _one_read(meeting_id):
    final, current = queries.final_and_current(meeting_id)
    return (final and final.id, current and current.id)


def test_the_final_and_current_revisions_in_one_read_are_those_of_two(mm):
    """Issue 20: the meeting page's minutes section reads both in one query, at every stage."""
    meeting_id = mm.meeting.id
    assert _one_read(meeting_id) == _two_reads(meeting_id) == (None, None)  # no minutes yet
    draft = services.save(mm.meeting, body(), mm.committee, None)
    assert _one_read(meeting_id) == _two_reads(meeting_id) == (None, draft.id)
    v1 = services.finalise(mm.meeting, mm.committee, draft.id, URL)
    assert _one_read(meeting_id) == _two_reads(meeting_id) == (v1.id, v1.id)
    v2 = services.save(mm.meeting, body(opening="Dikoreksi"), mm.committee, v1.id, reason="Salah ketik jam")
    assert _one_read(meeting_id) == _two_reads(meeting_id) == (v1.id, v2.id)  # a newer draft
    final2 = services.finalise(mm.meeting, mm.committee, v2.id, URL)
    v3 = services.save(mm.meeting, body(opening="Lagi"), mm.committee, final2.id, reason="Koreksi kedua")
    assert _one_read(meeting_id) == _two_reads(meeting_id) == (final2.id, v3.id)  # the latest of two finals
