"""Dashboard figures (the tallies the dashboard page shows) and documents (the final minutes
PDF and its verification record)."""
from flask import Response, abort, request
from flask_babel import gettext
from flask_login import current_user

from rakor.api import queries, schemas
from rakor.api.blueprints import figures as blp
from rakor.api.fields import DecimalString
from rakor.api.http import problem, respond
from rakor.api.views.common import api_action, visible_or_404
from rakor.minutes import documents as minutes_documents
from rakor.minutes import queries as minutes_queries
from rakor.minutes.models import MinutesPdf
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, authenticated, can, roles
from rakor.progress import stats, workdays

_PERCENT = DecimalString(places=1)


def _cell(cell):
    return {"commitments": cell.count, "reported": cell.reported, "measured": cell.measured,
            "average_percent": _PERCENT.serialize("v", {"v": cell.average})}


@blp.route("/dashboard")
@blp.arguments(schemas.DashboardArgs(), location="query")
@blp.response(200, schemas.DashboardOut)
@roles(ADMIN, COMMITTEE, LEADERSHIP)
def dashboard(args):
    """The dashboard's figures: commitments, reports and average achievement per region and
    per topic, the latest status counts and the overdue count (as on the dashboard page), of the
    meetings the token's user sees (a regency's leadership: its own organizer's)."""
    if not can(current_user, "progress.dashboard"):
        abort(403)
    region_id = queries.region_id(args["region"]) if args.get("region") else None
    topic_id = queries.indicator_or_topic_id(args["topic"]) if args.get("topic") else None
    if args.get("meeting"):  # another organizer's meeting is not found (tenancy)
        visible_or_404(queries.meeting(args["meeting"]), "meeting.view")
    filters = stats.Filters(meeting_id=args.get("meeting"), period=args.get("period"),
                            region_id=region_id, topic_id=topic_id, viewer=current_user)
    due = workdays.Calendar().due_quarter(workdays.today())
    found = stats.summary(filters, due)
    matrix = found.matrix
    return respond({
        "due_quarter": due.key if due else None,
        "overdue": found.overdue,
        "statuses": {str(k): v for k, v in found.statuses.items()},
        "total": _cell(matrix.total),
        "by_region": [{"code": code, "name": name, **_cell(matrix.by_region[rid])}
                      for rid, code, name in matrix.regions],
        "by_topic": [{"name": name, **_cell(matrix.by_topic[tid])} for tid, name in matrix.topics],
    })


@blp.route("/meetings/<int:meeting_id>/minutes")
@blp.response(200, schemas.MinutesRecordOut)
@authenticated
def minutes_record(meeting_id):
    """The verification record of the latest final minutes: version, SHA-256 of the PDF, the
    verification code and page (the QR code on the PDF opens that page)."""
    meeting = visible_or_404(queries.meeting(meeting_id), "meeting.view")
    revision = minutes_queries.latest_final(meeting.id)
    if revision is None:
        abort(404)
    return respond({
        "meeting_id": meeting.id, "version": revision.version, "finalised_at": revision.finalised_at.isoformat(),
        "sha256": minutes_queries.stored_hash(revision.id),
        "verification_code": revision.verification_code,
        "verification_url": revision.verification_url,
    })


@blp.route("/meetings/<int:meeting_id>/minutes.pdf")
@blp.response(200, description="The final minutes, byte for byte as stored (its SHA-256 is "
              "the record's).", content_type="application/pdf")
@authenticated
def minutes_pdf(meeting_id):
    meeting = visible_or_404(queries.meeting(meeting_id), "meeting.view")
    if not can(current_user, "minutes.download", meeting):
        abort(404)
    revision = minutes_queries.latest_final(meeting.id)
    if revision is None:
        abort(404)
    with api_action() as done:
        # Rendered and stored on the first download, as the page does (the worker for a big one).
        stored = minutes_documents.prepare_final_pdf(meeting, revision)
    if done.problem:
        return done.problem
    if not isinstance(stored, MinutesPdf):
        return problem(503, gettext("The PDF of the final minutes is being prepared; try again in a "
                                    "few seconds."), headers={"Retry-After": "5"})
    content, version, sha256 = minutes_queries.stored_content(revision.id), revision.version, stored.sha256
    response = Response(content, mimetype="application/pdf")
    response.set_etag(sha256)
    response.headers["Content-Disposition"] = f'attachment; filename="notulen-{meeting.id}-v{version}.pdf"'
    return response.make_conditional(request)
