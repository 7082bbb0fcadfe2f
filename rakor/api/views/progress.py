"""Progress updates: list per commitment and period, report (a delegate for its own agency's
agreed commitments), verify or return (the committee; If-Match)."""
from flask import abort
from flask_login import current_user

from rakor.api import queries, schemas, serialize
from rakor.api.blueprints import progress as blp
from rakor.api.http import check_version, respond
from rakor.api.views.commitments import _visible
from rakor.api.views.common import (
    IF_MATCH,
    after_of,
    allowed_or_403,
    api_action,
    links,
    page,
    progress_links,
)
from rakor.policy import COMMITTEE, DELEGATE, authenticated, can, roles
from rakor.progress import services
from rakor.progress.services import UpdateData

FIELDS = ("status", "realised_value", "percent", "budget_realised", "narrative", "obstacles",
          "next_steps")


@blp.route("/commitments/<int:commitment_id>/progress")
@blp.arguments(schemas.ProgressListArgs(), location="query")
@blp.response(200, schemas.ProgressPage)
@authenticated
def list_progress(args, commitment_id):
    """The current update of each period (with `history`, every revision), oldest first."""
    commitment, _meeting = _visible(commitment_id)
    if not can(current_user, "progress.view", commitment):
        abort(404)
    rows = queries.progress_updates(commitment.id, period=args.get("period"), history=args["history"],
                                    after=after_of(args), limit=args["limit"])
    return page(rows, args["limit"], serialize.progress)


@blp.route("/commitments/<int:commitment_id>/progress", methods=["POST"])
@blp.arguments(schemas.ProgressIn())
@blp.response(201, schemas.ProgressOut)
@blp.alt_response(200, schema=schemas.ProgressOut,
                  description="The period's current update already said exactly this.")
@blp.doc(**links(200, 201, **progress_links()))
@roles(COMMITTEE, DELEGATE)
def report_progress(args, commitment_id):
    """Report on a period; a different report for the same period becomes a new revision."""
    commitment, _meeting = _visible(commitment_id)
    allowed_or_403("progress.report", commitment)
    data = UpdateData(period=args["period"], **{k: args.get(k) for k in FIELDS})
    with api_action() as done:
        result = services.report(commitment, data, current_user, confirm_percent=args["confirm_percent"])
        update_id, created = result.update.id, result.created
    if done.problem:
        return done.problem
    update = queries.progress_update(update_id)
    return respond(serialize.progress(update), 201 if created else 200, version=update.version)


@blp.route("/progress/<int:update_id>")
@blp.response(200, schemas.ProgressOut)
@blp.doc(**links(200, **progress_links()))
@authenticated
def get_progress(update_id):
    update = queries.progress_update(update_id)
    if update is None:
        abort(404)
    commitment, _meeting = _visible(update.commitment_id)
    if not can(current_user, "progress.view", commitment):
        abort(404)
    return respond(serialize.progress(update), version=update.version)


def _review(update_id, args, to_status):
    update = queries.progress_update(update_id)
    if update is None:
        abort(404)
    _visible(update.commitment_id)
    allowed_or_403("progress.review", update)
    check_version(update.version)
    with api_action() as done:
        services.review(update, to_status, current_user, note=args.get("note"),
                        expected_from=update.review_status)
    if done.problem:
        return done.problem
    update = queries.progress_update(update_id)
    return respond(serialize.progress(update), version=update.version)


@blp.route("/progress/<int:update_id>/verify", methods=["POST"])
@blp.arguments(schemas.NoteIn())
@blp.response(200, schemas.ProgressOut)
@blp.doc(**IF_MATCH)
@blp.doc(**links(200, GetProgress=progress_links()["GetProgress"]))
@roles(COMMITTEE)
def verify_progress(args, update_id):
    """The committee verifies an update; If-Match: the ETag (version) read."""
    return _review(update_id, args, "verified")


@blp.route("/progress/<int:update_id>/return", methods=["POST"])
@blp.arguments(schemas.NoteIn())
@blp.response(200, schemas.ProgressOut)
@blp.doc(**IF_MATCH)
@blp.doc(**links(200, GetProgress=progress_links()["GetProgress"]))
@roles(COMMITTEE)
def return_progress(args, update_id):
    """The committee sends an update back with a comment (`note`)."""
    return _review(update_id, args, "returned")
