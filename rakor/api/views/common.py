"""Shared by the API views: pages, visibility, and domain errors as problems."""
from contextlib import contextmanager
from types import SimpleNamespace

from flask import abort
from flask_babel import gettext
from flask_login import current_user
from flask_smorest import abort as _smorest_abort

from rakor.api.http import decode_cursor, page_of, problem, respond
from rakor.core.web import domain_action
from rakor.policy import can


def after_of(args, numeric=True):
    """The cursor's key, or a 422 naming the field."""
    cursor = args.get("cursor")
    if cursor is None:
        return None
    key = decode_cursor(cursor, numeric)
    if key is None:
        invalid(messages={"query": {"cursor": [gettext("Not a cursor of this list; start "
                                                           "without one.")]}})
    return key


def page(rows, limit, dump, key=lambda row: row.id):
    """A list's page: `dump` makes each item, its dicts in a fixed order (rakor.api.serialize),
    so the body needs no sorted keys to be the same for the same rows."""
    rows, next_cursor = page_of(rows, limit, key)
    return respond({"items": [dump(row) for row in rows], "next_cursor": next_cursor}, sort_keys=False)


def visible_or_404(obj, action):
    """What the caller may not see is answered as if it did not exist (no probing of ids)."""
    if obj is None or not can(current_user, action, obj):
        abort(404)
    return obj


def allowed_or_403(action, obj):
    if not can(current_user, action, obj):
        abort(403)


@contextmanager
def api_action():
    """`with api_action() as done:` commits what the services did (core.web.domain_action);
    a DomainError rolls back and `done.problem` is the 422 to answer."""
    errors = []
    outcome = SimpleNamespace(problem=None)
    with domain_action(on_error=errors.append):
        yield outcome
    if errors:
        error = errors[0]
        if error.field:
            outcome.problem = problem(422, gettext("Some fields are not valid; see errors."),
                                      errors={error.field: [str(error.message)]})
        else:
            outcome.problem = problem(422, str(error.message))


def invalid(messages):
    """A 422 with field errors (webargs' shape: {location: {field: [messages]}})."""
    _smorest_abort(422, messages=messages)


# Documented on every write to an existing object (http.check_version enforces it).
IF_MATCH = {"parameters": [{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
                            "description": "The ETag read (it carries the version, e.g. \"v3-…\"); "
                                           "missing: 428, another version: 412."}]}



# --- OpenAPI links: how a response leads to the next call (clients, and Schemathesis' stateful
# phase, which chains e.g. create -> read -> edit with the ETag read in If-Match) -----------------

ID = "$response.body#/id"
FIRST_ITEM = "$response.body#/items/0/id"
ETAG = "$response.header.ETag"


def link(operation, description, **parameters):
    """A link to `operation` (an operationId: the view's name); `parameters` maps the target's
    parameter, named `path_<name>` or `header_<Name>` (- as _), to a runtime expression."""
    resolved = {}
    for key, expression in parameters.items():
        where, _sep, name = key.partition("_")
        resolved[f"{where}.{name.replace('_', '-') if where == 'header' else name}"] = expression
    return {"operationId": operation, "description": description, "parameters": resolved}


def links(*statuses, **named):
    """`@blp.doc(**links(200, Name=link(...), ...))`: the links of the responses `statuses`."""
    return {"responses": {status: {"links": named} for status in statuses}}


def commitment_links(source=ID):
    """From a representation of one commitment (its ETag carries its version)."""
    write = {"path_commitment_id": source, "header_If_Match": ETAG}
    return {"GetCommitment": link("get_commitment", "The commitment.", path_commitment_id=source),
            "ListProgress": link("list_progress", "Its progress updates.", path_commitment_id=source),
            "EditCommitment": link("edit_commitment", "Edit it, with the ETag read.", **write),
            "AgreeCommitment": link("agree_commitment", "Agree it (committee), with the ETag read.", **write),
            "ReturnCommitment": link("return_commitment", "Return it (committee), with the ETag read.", **write),
            "ReportProgress": link("report_progress", "Report progress on it.", path_commitment_id=source)}


def progress_links(source=ID):
    write = {"path_update_id": source, "header_If_Match": ETAG}
    return {"GetProgress": link("get_progress", "The update.", path_update_id=source),
            "VerifyProgress": link("verify_progress", "Verify it (committee), with the ETag read.", **write),
            "ReturnProgress": link("return_progress", "Return it (committee), with the ETag read.", **write)}
