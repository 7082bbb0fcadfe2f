"""Writing and finalising minutes. Functions flush and raise DomainError; callers commit.

Concurrency. Every write locks the meeting row first (`lock_meeting`: SELECT ... FOR UPDATE on
PostgreSQL, SQLite serialises writers anyway), so two saves or two finalisations of one
meeting's minutes queue up; the second one then sees what the first did:
- a save carries the revision its author started from (`expected_revision_id`, as Indico's
  `check_note_revision`); when someone saved in between it is refused with `MinutesConflictError`,
  which names who and when, and the page keeps the author's text;
- a second finalisation finds the version already final and is refused; a partial unique index
  (one final revision per version) backs this up in the database.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.core.ranks import signs_without_nip
from rakor.core.types import utcnow
from rakor.documents import signing, verification
from rakor.extensions import db
from rakor.meetings import lifecycle
from rakor.meetings.models import AgendaItem
from rakor.meetings.services import change_status, lock_meeting
from rakor.minutes import content
from rakor.minutes import notices as minutes_notices
from rakor.minutes.lifecycle import RevisionStatus
from rakor.minutes.models import Minutes, MinutesRevision
from rakor.minutes.queries import latest_final, minutes_key
from rakor.minutes.rules import FINALISABLE, WRITABLE
from rakor.numbering import services as numbering
from rakor.regions.models import Agency

REASON_MAX = 1000


class MinutesConflictError(DomainError):
    """Someone saved the minutes after the author's page was drawn."""

    def __init__(self, current: MinutesRevision | None):
        super().__init__(_l("Someone else saved these minutes meanwhile. Your text is kept below: "
                            "compare it with the current version, then save again to replace it."))
        # Plain values: the session is rolled back before the page reads them.
        self.revision_id = current.id if current is not None else None
        self.user_id = current.user_id if current is not None else None
        self.saved_at = current.created_at if current is not None else None


def _lock_minutes(meeting):
    """(locked meeting, its Minutes row or None, current revision or None), fresh values."""
    meeting = lock_meeting(meeting)
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id)
                                .execution_options(populate_existing=True))
    current = (db.session.get(MinutesRevision, minutes.current_revision_id, populate_existing=True)
               if minutes is not None and minutes.current_revision_id else None)
    return meeting, minutes, current


def _check_body(meeting, body):
    body = content.normalise(body)
    for name in content.MEETING_SECTIONS:
        _check_length(body[name], name)
    agenda = set(db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)))
    for key, notes in body["items"].items():
        if int(key) not in agenda:
            raise DomainError(_l("An agenda item of these minutes no longer exists; reload the page."))
        for name in content.ITEM_SECTIONS:
            _check_length(notes[name], f"item_{key}_{name}")
    return body


def _check_length(text, field):
    if len(text) > content.MAX_SECTION_CHARS:
        limit, length = content.thousands(content.MAX_SECTION_CHARS), content.thousands(len(text))
        raise DomainError(_l("At most %(n)s characters per section (this one has %(m)s).",
                             n=limit, m=length), field=field)


def save(meeting, body, user, expected_revision_id=None, reason=None, now=None):
    """Save `body` as the minutes' new revision; returns it, or None when nothing changed.

    `expected_revision_id` is the current revision the author's page showed (None: there was
    none). Saving over a final version opens the next version as a draft and needs a
    `reason`."""
    meeting, minutes, current = _lock_minutes(meeting)
    if meeting.status not in WRITABLE:
        raise DomainError(_l("Minutes can be written once the meeting is scheduled, and not for a "
                             "cancelled meeting."))
    if (current.id if current else None) != expected_revision_id:
        raise MinutesConflictError(current)
    body = _check_body(meeting, body)
    if current is not None and content.normalise(current.body) == body:
        return None
    if current is None and content.is_empty(body):
        return None
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise DomainError(_l("At most %(n)d characters.", n=REASON_MAX), field="reason")
    if current is not None and current.is_final:
        if reason is None:
            raise DomainError(_l("Version %(n)d is final. Say why it changes: the reason is kept with "
                                 "the new version.", n=current.version), field="reason")
        version = current.version + 1
    else:
        version = current.version if current is not None else 1
        reason = current.reason if current is not None and current.version == version else None
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id, created_at=now or utcnow())
        db.session.add(minutes)
        db.session.flush()
    revision = MinutesRevision(minutes_id=minutes.id, version=version, status=RevisionStatus.DRAFT,
                               body=body, reason=reason, user_id=getattr(user, "id", None),
                               created_at=now or utcnow())
    db.session.add(revision)
    db.session.flush()
    minutes.current_revision_id = revision.id
    if latest_final(meeting.id) is None:
        _copy_to_agenda(meeting, body)  # no final version yet: the agenda shows the draft
    db.session.flush()
    return revision


def finalise(meeting, user, expected_revision_id, verification_url, now=None):
    """Make the current revision final; a held meeting moves to "minutes final" (its lifecycle's
    guard checks that final minutes exist). `verification_url(code)` gives the address of the
    public verification page that the PDF prints."""
    meeting, minutes, current = _lock_minutes(meeting)
    if meeting.status not in FINALISABLE:
        raise DomainError(_l("Only the minutes of a meeting that has been held can be finalised."))
    if current is None:
        raise DomainError(_l("There are no minutes to finalise yet."))
    if current.is_final:
        raise DomainError(_l("Version %(n)d of these minutes is already final.", n=current.version))
    if current.id != expected_revision_id:
        raise MinutesConflictError(current)
    if meeting.status == lifecycle.HELD:
        # The first final version freezes the meeting's details; a correction of final minutes
        # is signed by the same officers, whose details can no longer change (nor be required).
        check_signatories(meeting)
    # A certificate that is set up but unusable refuses finalisation here, before anything is final.
    signing.identity_for(db.session.get(Agency, meeting.organizer_agency_id), demo=meeting.is_demo)
    now = now or utcnow()
    code = new_verification_code()
    current.status = RevisionStatus.FINAL
    current.finalised_by_id = getattr(user, "id", None)
    current.finalised_at = now
    current.verification_code = code
    current.verification_url = verification_url(code)
    db.session.flush()
    number_minutes(meeting, current, user, now)
    _copy_to_agenda(meeting, current.body)
    if meeting.status == lifecycle.HELD:
        change_status(meeting, lifecycle.MINUTES_FINAL, user, expected_from=lifecycle.HELD, now=now)
    db.session.flush()
    minutes_notices.notify_final(meeting, current, by_user=user)
    return current


def number_minutes(meeting, revision, user=None, now=None):
    """The final version's number from the organizer's register (issue 17: a notulen is numbered
    at finalisation; a correction, being a new final document, gets a number of its own)."""
    subject = f"Notulen {meeting.title}"
    if revision.version > 1:
        subject += f" (versi {revision.version}, perbaikan)"
    return numbering.reserve_number(meeting.organizer_agency_id, "minutes",
                                    key=minutes_key(meeting, revision.version), subject=subject,
                                    meeting_id=meeting.id, by_user=user, at=now)


def missing_signatory_fields(meeting) -> list:
    """What the minutes' signature blocks still lack, as phrases naming the field ("the chair's
    NIP"). Both sign with name, jabatan, pangkat/golongan and NIP (Permendagri 1/2023, Pasal 44:
    every official but the regional head, the deputy and the regional secretary, who sign with
    the name only). Pangkat/golongan is required like the NIP: a final notulen is not retyped, and
    a PPPK official writes the golongan there."""
    missing = []
    for name, position, nip, rank, labels in (
            (meeting.chair_name, meeting.chair_position, meeting.chair_nip, meeting.chair_rank, _CHAIR),
            (meeting.minute_taker_name, meeting.minute_taker_position, meeting.minute_taker_nip,
             meeting.minute_taker_rank, _MINUTE_TAKER)):
        values = {"name": name, "position": position}
        if not signs_without_nip(position):
            values.update(nip=nip, rank=rank)
        missing += [labels[key] for key, value in values.items() if not value]
    return missing


_CHAIR = {"name": _l("the chair's name"), "position": _l("the chair's position (jabatan)"),
          "nip": _l("the chair's NIP"), "rank": _l("the chair's rank/grade (pangkat/golongan)")}
_MINUTE_TAKER = {"name": _l("the minute-taker's name"), "position": _l("the minute-taker's position (jabatan)"),
                 "nip": _l("the minute-taker's NIP"),
                 "rank": _l("the minute-taker's rank/grade (pangkat/golongan)")}


def check_signatories(meeting):
    """Raise DomainError naming every missing detail of the chair and the minute-taker."""
    missing = missing_signatory_fields(meeting)
    if missing:
        listed = (_l("%(first)s and %(last)s", first=", ".join(str(m) for m in missing[:-1]), last=missing[-1])
                  if len(missing) > 1 else missing[0])
        raise DomainError(_l("The minutes cannot be finalised yet: their signature blocks need %(missing)s. "
                             "Fill them in on the meeting's edit page (Chair and minute-taker), then "
                             "finalise again.", missing=listed))


def new_verification_code():
    return verification.new_code()


def require_final_minutes(meeting):
    """Transition guard of `minutes_final`: the meeting needs a final version of its minutes."""
    if latest_final(meeting.id) is None:
        raise DomainError(_l("The minutes are not final yet: finalise them on the minutes page, "
                             "which also marks the meeting as \u201cminutes final\u201d."))


def _copy_to_agenda(meeting, body):
    """The agenda items' discussion and conclusions as the given body says (see models.py)."""
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)):
        notes = content.item_notes(body, item.id)
        item.discussion = notes["discussion"] or None
        item.conclusions = notes["conclusions"] or None
