"""Reads of minutes: the current revision, the latest final one, the history, the verification
lookup and the dashboard's latest final minutes. Each in one query."""
from functools import cache, lru_cache

from sqlalchemy import bindparam, func, null, or_, select
from sqlalchemy.orm import aliased, joinedload, undefer

from rakor.auth import tenancy
from rakor.core import memo
from rakor.core.memo import per_request
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Meeting
from rakor.meetings.rules import NOW, kept_visible_condition
from rakor.minutes.lifecycle import RevisionStatus
from rakor.minutes.models import Minutes, MinutesPdf, MinutesRevision
from rakor.numbering.services import document_key
from rakor.storage.columns import content_columns, read_content


def minutes_of(meeting_id) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id)
                             .options(joinedload(Minutes.current_revision)))


def current_revision(meeting_id) -> MinutesRevision | None:
    return db.session.scalar(
        select(MinutesRevision).join(Minutes, Minutes.current_revision_id == MinutesRevision.id)
        .where(Minutes.meeting_id == meeting_id)
        .options(joinedload(MinutesRevision.user), joinedload(MinutesRevision.finalised_by)))


@per_request  # the meeting page's section and the download rule ask both
def latest_final(meeting_id) -> MinutesRevision | None:
    return db.session.scalar(_meeting_final_statement(), {"meeting_id": meeting_id})


@cache
def _meeting_final_statement():
    # Built once (a delegate's meeting page and the participants page's download links ask it).
    return (select(MinutesRevision).join(Minutes, Minutes.id == MinutesRevision.minutes_id)
            .where(Minutes.meeting_id == bindparam("meeting_id"), MinutesRevision.status == RevisionStatus.FINAL)
            .options(joinedload(MinutesRevision.finalised_by))
            .order_by(MinutesRevision.version.desc()).limit(1))


def final_and_current(meeting_id) -> tuple[MinutesRevision | None, MinutesRevision | None]:
    """(latest_final, current_revision) of the meeting in one query (the meeting page's section
    for the committee asked them in two); the final one is kept for the rest of the request."""
    final = current = None
    for revision, current_id, final_id in db.session.execute(
            _final_and_current_statement(), {"meeting_id": meeting_id}).unique():
        if revision.id == current_id:
            current = revision
        if revision.id == final_id:
            final = revision
    memo.keep_result(latest_final, (meeting_id,), final)
    return final, current


@cache
def _final_and_current_statement():
    # Built once, with a bind parameter: on every committee view of a meeting page, and
    # building it took about as much CPU as running it. Lazily: the mappers must be configured.
    other = aliased(MinutesRevision)
    latest_final_id = (select(other.id).where(other.minutes_id == Minutes.id, other.status == RevisionStatus.FINAL)
                       .order_by(other.version.desc()).limit(1).scalar_subquery())
    return (select(MinutesRevision, Minutes.current_revision_id, latest_final_id)
            .join(Minutes, Minutes.id == MinutesRevision.minutes_id)
            .where(Minutes.meeting_id == bindparam("meeting_id"),
                   or_(MinutesRevision.id == Minutes.current_revision_id, MinutesRevision.id == latest_final_id))
            .options(joinedload(MinutesRevision.user), joinedload(MinutesRevision.finalised_by)))


def final_version(meeting_id, version) -> MinutesRevision | None:
    return db.session.scalar(
        select(MinutesRevision).join(Minutes, Minutes.id == MinutesRevision.minutes_id)
        .where(Minutes.meeting_id == meeting_id, MinutesRevision.version == version,
               MinutesRevision.status == RevisionStatus.FINAL)
        .options(joinedload(MinutesRevision.finalised_by)))


def revision_of(meeting_id, revision_id) -> MinutesRevision | None:
    """A revision of *this* meeting's minutes (another meeting's id is None, never a leak)."""
    return db.session.scalar(
        select(MinutesRevision).join(Minutes, Minutes.id == MinutesRevision.minutes_id)
        .where(Minutes.meeting_id == meeting_id, MinutesRevision.id == revision_id))


def history(meeting_id) -> list[MinutesRevision]:
    """Every revision, newest first, with who saved and who finalised it."""
    return db.session.scalars(
        select(MinutesRevision).join(Minutes, Minutes.id == MinutesRevision.minutes_id)
        .where(Minutes.meeting_id == meeting_id)
        .options(joinedload(MinutesRevision.user), joinedload(MinutesRevision.finalised_by))
        .order_by(MinutesRevision.id.desc())).unique().all()


def agenda_of(meeting_id) -> list[AgendaItem]:
    return db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                              .options(joinedload(AgendaItem.topic))
                              .order_by(AgendaItem.position, AgendaItem.id)).all()


def stored_pdf(revision_id, with_content=True) -> MinutesPdf | None:
    stmt = select(MinutesPdf).where(MinutesPdf.revision_id == revision_id)
    if with_content:
        stmt = stmt.options(undefer(MinutesPdf.inline_content))
    return db.session.scalar(stmt)


def final_pdf(meeting_id, version=None, with_content=False):
    """What a download of the final minutes needs, in one query and without the revision's body:
    `(revision_id, version, sha256, content)` of the latest final version (or of final `version`),
    `sha256` and `content` None while its PDF is not stored, `content` None too unless
    `with_content`. None when there is no such final version."""
    columns = [MinutesRevision.id, MinutesRevision.version, MinutesPdf.sha256, MinutesPdf.storage_key]
    columns.append(MinutesPdf.inline_content if with_content else null())
    stmt = (select(*columns).join(Minutes, Minutes.id == MinutesRevision.minutes_id)
            .outerjoin(MinutesPdf, MinutesPdf.revision_id == MinutesRevision.id)
            .where(Minutes.meeting_id == meeting_id, MinutesRevision.status == RevisionStatus.FINAL))
    if version is not None:
        stmt = stmt.where(MinutesRevision.version == version)
    row = db.session.execute(stmt.order_by(MinutesRevision.version.desc()).limit(1)).first()
    if row is None:
        return None
    revision_id, version, sha256, storage_key, inline = row
    content = read_content(storage_key, inline) if with_content and sha256 is not None else None
    return revision_id, version, sha256, content


def stored_content(revision_id) -> bytes | None:
    row = db.session.execute(select(*content_columns(MinutesPdf)).where(MinutesPdf.revision_id == revision_id)).first()
    return read_content(*row) if row is not None else None


def stored_hash(revision_id) -> str | None:
    return db.session.scalar(select(MinutesPdf.sha256).where(MinutesPdf.revision_id == revision_id))


def verification(code):
    """(revision, meeting, stored PDF or None, without its bytes) of a final revision's
    verification code, or None."""
    row = db.session.execute(
        select(MinutesRevision, Meeting, MinutesPdf)
        .join(Minutes, Minutes.id == MinutesRevision.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .outerjoin(MinutesPdf, MinutesPdf.revision_id == MinutesRevision.id)
        .where(MinutesRevision.verification_code == code,
               MinutesRevision.status == RevisionStatus.FINAL)
        .options(joinedload(MinutesRevision.finalised_by))).first()
    return tuple(row) if row is not None else None


def latest_final_minutes(user, limit=5):
    """[(meeting, revision)] of the most recently finalised minutes (each meeting's latest final
    version) among the meetings `user` sees (rule meeting.view)."""
    return [tuple(r) for r in db.session.execute(_latest_final_statement(tenancy.sight(user), limit),
                                                 {NOW: utcnow()})]


@lru_cache(maxsize=512)
def _latest_final_statement(sight, limit):
    # On every home page: kept per sight (tenancy.Sight), the time a bind parameter.
    final = MinutesRevision.status == RevisionStatus.FINAL
    latest = (select(MinutesRevision.minutes_id, func.max(MinutesRevision.version).label("version"))
              .where(final).group_by(MinutesRevision.minutes_id).subquery())
    return (select(Meeting, MinutesRevision)
            .join(Minutes, Minutes.meeting_id == Meeting.id)
            .join(latest, latest.c.minutes_id == Minutes.id)
            .join(MinutesRevision, (MinutesRevision.minutes_id == Minutes.id)
                  & (MinutesRevision.version == latest.c.version) & final)
            .where(kept_visible_condition(sight))
            .order_by(MinutesRevision.finalised_at.desc(), MinutesRevision.id.desc()).limit(limit))


def minutes_key(meeting, version) -> str:
    """The register's name of one final version: each version is its own numbered document."""
    return document_key("minutes", meeting.id, f"v{version}")
