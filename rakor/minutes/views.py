"""Minutes pages: read, write (with a preview), finalise, history and comparison, the PDF
downloads (a final version byte for byte, with ETag and 304; a draft on demand) and the public
verification page that the QR code on a final PDF opens."""
import re

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.auth.models import User
from rakor.core.downloads import meeting_filename, send_bytes
from rakor.core.forms import add_domain_error
from rakor.core.urls import external_url
from rakor.core.web import domain_action
from rakor.documents import jobs
from rakor.errors import render_error
from rakor.extensions import db, limiter
from rakor.meetings.web import with_meeting
from rakor.minutes import bp, content, documents, queries, services
from rakor.minutes.forms import FinaliseForm, body_from_form, field_name, form_data_from_body, minutes_form
from rakor.minutes.models import MinutesPdf, RevisionStatus
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, authenticated, can, public, roles

PDF_CACHE = "private, no-cache"  # the browser may keep it, but asks (ETag) before reusing it
CODE_RE = re.compile(r"[A-Za-z0-9_-]{8,24}")
SHA256_RE = re.compile(r"[0-9a-f]{64}")


def _sections(body, agenda):
    """The body as HTML, per section, for the pages."""
    body = content.normalise(body)
    return {
        "opening": content.to_html(body["opening"]),
        "conclusions": content.to_html(body["conclusions"]),
        "closing": content.to_html(body["closing"]),
        "items": [(item, {s: content.to_html(content.item_notes(body, item.id)[s])
                          for s in content.ITEM_SECTIONS}) for item in agenda],
    }


@bp.route("/meetings/<int:meeting_id>/minutes")
@authenticated
@with_meeting("minutes.view")
def index(meeting):
    """The minutes as they stand: the current draft for the committee, leadership and
    administrators; the latest final version for everyone else."""
    may_draft = can(current_user, "minutes.view_draft", meeting)
    current = queries.current_revision(meeting.id)
    final = queries.latest_final(meeting.id)
    shown = current if may_draft else final
    agenda = queries.agenda_of(meeting.id)
    return render_template(
        "minutes/index.html", meeting=meeting, current=current, final=final, shown=shown,
        sections=_sections(shown.body, agenda) if shown is not None else None,
        may_draft=may_draft, may_edit=can(current_user, "minutes.edit", meeting),
        may_finalise=can(current_user, "minutes.finalise", meeting) and current is not None
        and not current.is_final,
        finalise_form=FinaliseForm(data={"expected_revision_id": current.id if current else ""}),
        final_hash=queries.stored_hash(final.id) if final is not None else None,
        statuses=RevisionStatus)


def _initial_body(agenda):
    """Minutes not written yet start from what the agenda already holds."""
    return {"items": {str(i.id): {"discussion": i.discussion or "", "conclusions": i.conclusions or ""}
                      for i in agenda}}


@bp.route("/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("minutes.edit")
def edit(meeting):
    """Write the minutes. The page keeps what was typed in the browser too
    (static/minutes/autosave.js): a save refused because the session ended is typed again by
    nobody: after signing in, the page puts the text back."""
    agenda = queries.agenda_of(meeting.id)
    current = queries.current_revision(meeting.id)
    form_class = minutes_form(agenda)
    if request.method == "POST":
        form = form_class()
    else:
        body = current.body if current is not None else _initial_body(agenda)
        form = form_class(data=form_data_from_body(body, agenda, current.id if current else None))
    preview, conflict = None, None
    if form.validate_on_submit():
        body = body_from_form(form, agenda)
        if "preview" in request.form:
            preview = _sections(body, agenda)
        else:
            def report(error):
                nonlocal conflict
                if isinstance(error, services.MinutesConflictError):
                    conflict = error
                    # Saving again replaces the newer version on purpose.
                    form.expected_revision_id.data = "" if error.revision_id is None else str(error.revision_id)
                add_domain_error(form, error)

            with domain_action(form, on_error=report) as done:
                revision = services.save(meeting, body, current_user, form.expected_revision(),
                                         reason=form.reason.data)
            if done.ok:
                flash(_("Minutes saved (version %(n)d, draft).", n=revision.version) if revision
                      else _("Nothing changed; no new revision was made."), "success" if revision else "info")
                return redirect(url_for("minutes.edit", meeting_id=meeting.id))
    return render_template(
        "minutes/edit.html", meeting=meeting, form=form, agenda=agenda, current=current,
        field_name=field_name, preview=preview, conflict=conflict,
        conflict_user=db.session.get(User, conflict.user_id) if conflict and conflict.user_id else None,
        needs_reason=current is not None and current.is_final,
        max_chars=content.MAX_SECTION_CHARS)


@bp.errorhandler(413)
def too_large(error):
    """A paste far beyond a section's limit is stopped before it reaches the form; the page
    says what happened and that the text is still in the browser."""
    limit = content.thousands(content.MAX_SECTION_CHARS)
    return render_error(413, _(
        "The minutes you sent are far larger than allowed (at most %(n)s characters per section). "
        "Nothing was saved, and nothing is lost: go back, your text is still in the form in this "
        "browser; shorten it, then save again.", n=limit))


def _publish(meeting, revision, retry=False):
    """Render and store a final version's PDF, in the request or, for a big meeting with a queue,
    by the document worker: the stored `MinutesPdf`, `(jobs.Prepared, rows)` while the worker
    has not made it, or None when it failed with a DomainError."""
    with domain_action() as done:
        stored = documents.prepare_final_pdf(meeting, revision, retry=retry)
    return stored if done.ok else None


def verification_url(code):
    return external_url("minutes.verify", code=code)


@bp.route("/meetings/<int:meeting_id>/minutes/finalise", methods=["POST"])
@roles(COMMITTEE, LEADERSHIP)
@with_meeting("minutes.finalise")
def finalise(meeting):
    """Draft -> final (the chair or the committee), then the PDF is rendered and stored."""
    form = FinaliseForm()
    if not form.validate():
        abort(400)
    try:
        expected = int(form.expected_revision_id.data or "")
    except ValueError:
        expected = -1
    with domain_action() as done:
        revision = services.finalise(meeting, current_user, expected, verification_url)
    if done.ok:
        if isinstance(_publish(meeting, revision), MinutesPdf):
            flash(_("Version %(n)d of the minutes is final. Its PDF is ready to download.", n=revision.version),
                  "success")
        else:
            flash(_("Version %(n)d of the minutes is final. Its PDF is being prepared; the download "
                    "offers it as soon as it is ready.", n=revision.version), "success")
    return redirect(url_for("minutes.index", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/minutes/history")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
@with_meeting("minutes.view_draft")
def history(meeting):
    """Every revision with who saved it, and who finalised which version when."""
    revisions = queries.history(meeting.id)
    return render_template("minutes/history.html", meeting=meeting, revisions=revisions,
                           statuses=RevisionStatus)


@bp.route("/meetings/<int:meeting_id>/minutes/compare")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
@with_meeting("minutes.view_draft")
def compare(meeting):
    """Two revisions side by side, section by section, line by line."""
    try:
        a_id, b_id = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        abort(404)
    old, new = queries.revision_of(meeting.id, a_id), queries.revision_of(meeting.id, b_id)
    if old is None or new is None:
        abort(404)
    if old.id > new.id:
        old, new = new, old
    agenda = [(item.id, f"{i}. {item.title}") for i, item in enumerate(queries.agenda_of(meeting.id), start=1)]
    return render_template("minutes/compare.html", meeting=meeting, old=old, new=new,
                           diffs=content.diff_bodies(old.body, new.body, agenda))


# --- documents -----------------------------------------------------------------------------------

def _not_modified(etag):
    response = make_response("", 304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = PDF_CACHE
    return response


def _send_final(meeting, version=None):
    """The stored PDF of the latest final version (or of final `version`), byte for byte, with its
    SHA-256 as ETag; 304 when the browser has it. The common case costs one query after the
    meeting and its permission: a revalidation (If-None-Match) reads the hash only, a first
    download the hash and the bytes together; neither loads the revision's text. Returns None
    when there is no such final version."""
    revalidating = bool(request.headers.get("If-None-Match"))
    found = queries.final_pdf(meeting.id, version, with_content=not revalidating)
    if found is None:
        return None
    revision_id, number, etag, content = found
    if etag is None:  # final, but its PDF is not stored (yet): render and store it now
        revision = queries.final_version(meeting.id, number)
        stored = (_publish(meeting, revision, retry=request.args.get("retry") == "1")
                  if revision is not None else None)
        if stored is None:
            abort(404)
        if not isinstance(stored, MinutesPdf):  # the worker is preparing it (or failed)
            prepared, rows = stored
            return jobs.status_response(prepared, f"Notulen Rapat versi {number}", rows)
        etag, content = stored.sha256, stored.content
    if request.if_none_match.contains(etag):
        return _not_modified(etag)
    if content is None:
        content = queries.stored_content(revision_id)
    name = meeting_filename(f"notulen-v{number}", meeting, "pdf")
    response = send_bytes(content, name, "application/pdf", cache=PDF_CACHE)
    response.set_etag(etag)
    return response


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
@authenticated
@with_meeting("minutes.view")
def download(meeting):
    """The latest final version (one click from the meeting page and the dashboard)."""
    response = _send_final(meeting)
    if response is None:
        flash(_("The minutes of this meeting are not final yet."), "warning")
        return redirect(url_for("minutes.index", meeting_id=meeting.id))
    return response


@bp.route("/meetings/<int:meeting_id>/minutes/v<int:version>.pdf")
@authenticated
@with_meeting("minutes.view")
def download_version(meeting, version):
    response = _send_final(meeting, version)
    if response is None:
        abort(404)
    return response


@bp.route("/meetings/<int:meeting_id>/minutes/draft.pdf")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
@with_meeting("minutes.view_draft")
def draft_pdf(meeting):
    """The current draft, rendered now, with the DRAFT watermark."""
    current = queries.current_revision(meeting.id)
    if current is None:
        abort(404)
    if current.is_final:
        return redirect(url_for("minutes.download", meeting_id=meeting.id))
    # A draft of a big meeting (1,000 participants: tens of seconds) is rendered by the document
    # worker when there is a queue; the page says "being prepared" and then offers the file.
    html, rows = documents.minutes_pdf_html(meeting, current)
    return jobs.html_pdf_response(html, meeting_filename(f"notulen-v{current.version}-draft", meeting, "pdf"),
                                  rows=rows, name="minutes-draft", title=f"Notulen Rapat versi {current.version} (draft)")


@bp.route("/meetings/<int:meeting_id>/minutes/document")
@authenticated
@with_meeting("minutes.view")
def document_html(meeting):
    """The document on screen (same template as the PDF): the current draft for those who read
    drafts, else the latest final version."""
    revision = (queries.current_revision(meeting.id) if can(current_user, "minutes.view_draft", meeting)
                else queries.latest_final(meeting.id))
    if revision is None:
        abort(404)
    return documents.render_minutes_html(meeting, revision)


# --- public verification -------------------------------------------------------------------------

def _verification_limit():
    return current_app.config.get("VERIFICATION_RATE_LIMIT") or current_app.config["INVITATION_RATE_LIMIT"]


# One counter per client address across verification pages: codes cannot be guessed at speed.
verification_limit = limiter.shared_limit(_verification_limit, scope="minutes-verification")


@bp.route("/v/<code>")
@public
@verification_limit
def verify(code):
    """Is this printed minutes genuine? The meeting, the version, who finalised it and when, and
    the SHA-256 of the original PDF; nothing else. `?sha256=` checks a copy's hash."""
    found = queries.verification(code) if CODE_RE.fullmatch(code) else None
    if found is None:
        response = make_response(render_template("minutes/verify.html", valid=False), 404)
    else:
        revision, meeting, sha256 = found
        checked = (request.args.get("sha256") or "").strip().lower()
        matches = None
        if checked:
            matches = bool(SHA256_RE.fullmatch(checked)) and checked == sha256
        finaliser = db.session.get(User, revision.finalised_by_id) if revision.finalised_by_id else None
        response = make_response(render_template(
            "minutes/verify.html", valid=True, revision=revision, meeting=meeting, sha256=sha256,
            finaliser=finaliser, checked=checked, matches=matches))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
