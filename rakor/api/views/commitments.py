"""Commitments: list with filters, detail, create and edit (a delegate for its own agency),
agree and return (the committee). Writes to an existing commitment need If-Match."""
from dataclasses import fields as dc_fields

from flask import abort
from flask_babel import gettext
from flask_login import current_user

from rakor.api import queries, schemas, serialize
from rakor.api.blueprints import commitments as blp
from rakor.api.http import check_version, respond
from rakor.api.views.common import (
    IF_MATCH,
    after_of,
    allowed_or_403,
    api_action,
    commitment_links,
    invalid,
    links,
    page,
    visible_or_404,
)
from rakor.commitments import services
from rakor.commitments.services import CommitmentData
from rakor.policy import COMMITTEE, DELEGATE, authenticated, can, roles

CONTENT = {f.name for f in dc_fields(CommitmentData)}


def _data(args, base=None):
    """CommitmentData from the body (on top of `base` for a partial edit); the indicator is
    named by its code."""
    values = dict(vars(base)) if base is not None else {}
    for name, value in args.items():
        if name in CONTENT:
            values[name] = value
    if "indicator" in args:
        code = args["indicator"]
        values["indicator_id"] = queries.indicator_id(code) if code else None
        if code and values["indicator_id"] is None:
            invalid(messages={"json": {"indicator": [gettext("Unknown indicator code.")]}})
    values.setdefault("title", "")
    return CommitmentData(**{k: v for k, v in values.items() if k in CONTENT})


def _visible(commitment_id):
    commitment = queries.commitment(commitment_id)
    if commitment is None or not current_user.is_authenticated:
        abort(404)
    meeting = queries.meeting_of(commitment)
    visible_or_404(meeting, "meeting.view")
    return visible_or_404(commitment, "commitment.view"), meeting


def _saved(commitment_id, status=200):
    commitment = queries.commitment(commitment_id)
    return respond(serialize.commitment(commitment), status, version=commitment.version)


@blp.route("/commitments")
@blp.arguments(schemas.CommitmentListArgs(), location="query", as_kwargs=True)
@blp.response(200, schemas.CommitmentPage)
@authenticated
def list_commitments(limit, **filters):
    """Commitments the caller may see: a delegate its own agency's and the agreed ones of
    others, of the meetings it is invited to (as on the pages)."""
    after = after_of(filters)
    filters.pop("cursor", None)
    rows = queries.commitments(current_user, after=after, limit=limit, **filters)
    return page(rows, limit, serialize.commitment_row)


@blp.route("/commitments/<int:commitment_id>")
@blp.response(200, schemas.CommitmentOut)
@blp.doc(**links(200, **commitment_links()))
@authenticated
def get_commitment(commitment_id):
    commitment, _meeting = _visible(commitment_id)
    return respond(serialize.commitment(commitment), version=commitment.version)


@blp.route("/commitments", methods=["POST"])
@blp.arguments(schemas.CommitmentIn())
@blp.response(201, schemas.CommitmentOut)
@blp.doc(**links(201, **commitment_links()))
@roles(COMMITTEE, DELEGATE)
def create_commitment(args):
    """A new commitment (a draft, or submitted with `submit`). A delegate: for its own agency."""
    meeting = queries.meeting(args["meeting_id"])
    if meeting is None or not _can("meeting.view", meeting):
        invalid(messages={"json": {"meeting_id": [gettext("Unknown meeting.")]}})
    allowed_or_403("commitment.create", meeting)
    if current_user.role == DELEGATE:
        args.setdefault("agency_id", current_user.agency_id)
    data = _data(args)
    with api_action() as done:
        created = services.create_commitment(meeting, data, current_user, submit=args["submit"],
                                             confirm_direction=args["confirm_direction"])
    if done.problem:
        return done.problem
    return _saved(created.id, 201)


@blp.route("/commitments/<int:commitment_id>", methods=["PATCH"])
@blp.arguments(schemas.CommitmentEdit(partial=True))
@blp.response(200, schemas.CommitmentOut)
@blp.doc(**IF_MATCH)
@blp.doc(**links(200, **commitment_links()))
@roles(COMMITTEE, DELEGATE)
def edit_commitment(args, commitment_id):
    """Change some fields; If-Match: the ETag (version) read."""
    commitment, _meeting = _visible(commitment_id)
    allowed_or_403("commitment.edit", commitment)
    check_version(commitment.version)
    data = _data(args, base=CommitmentData.of(commitment))
    with api_action() as done:
        services.update_commitment(commitment, data, current_user, expected_version=commitment.version,
                                   reason=args.get("reason"),
                                   confirm_direction=args.get("confirm_direction", False))
    if done.problem:
        return done.problem
    return _saved(commitment.id)


def _review(commitment_id, args, to_status):
    commitment, _meeting = _visible(commitment_id)
    allowed_or_403("commitment.review", commitment)
    check_version(commitment.version)
    with api_action() as done:
        services.change_status(commitment, to_status, current_user, note=args.get("note"),
                               expected_status=commitment.status)
    if done.problem:
        return done.problem
    return _saved(commitment.id)


@blp.route("/commitments/<int:commitment_id>/agree", methods=["POST"])
@blp.arguments(schemas.NoteIn())
@blp.response(200, schemas.CommitmentOut)
@blp.doc(**IF_MATCH)
@blp.doc(**links(200, **commitment_links()))
@roles(COMMITTEE)
def agree_commitment(args, commitment_id):
    """The committee agrees a submitted commitment; If-Match: the ETag (version) read."""
    return _review(commitment_id, args, "agreed")


@blp.route("/commitments/<int:commitment_id>/return", methods=["POST"])
@blp.arguments(schemas.NoteIn())
@blp.response(200, schemas.CommitmentOut)
@blp.doc(**IF_MATCH)
@blp.doc(**links(200, **commitment_links()))
@roles(COMMITTEE)
def return_commitment(args, commitment_id):
    """The committee returns a submitted commitment with a comment (`note`, required)."""
    return _review(commitment_id, args, "returned")


def _can(action, obj):
    return can(current_user, action, obj)
