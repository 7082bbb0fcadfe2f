"""One download route for every document kind: /meetings/<id>/documents/<kind>.pdf (inline) and
.html (the same template as an on-screen print preview). The kind's own `permission` on the
meeting decides who gets it; what each user sees inside is the kind's `context` business."""
from flask import abort, request
from flask_login import current_user

from rakor.core.downloads import meeting_filename, send_bytes
from rakor.documents import bp, jobs, registry
from rakor.policy import authenticated, require


@bp.route("/meetings/<int:meeting_id>/documents/<kind>.<fmt>")
@authenticated
def document(meeting_id, kind, fmt):
    kind = registry.get(kind)
    if kind is None or fmt not in ("pdf", "html"):
        abort(404)
    meeting = registry.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    require(current_user, kind.permission, meeting)
    options = {name: request.args.get(name, "")[:200] for name in kind.options if name in request.args}
    try:
        if fmt == "html":
            return registry.render_preview(kind, meeting, current_user, options)
        if kind.pdf is not None:  # stored or versioned (final minutes): the kind gives the bytes
            return send_bytes(registry.render_pdf(kind, meeting, current_user, options),
                              meeting_filename(kind.filename_prefix, meeting, "pdf"), "application/pdf",
                              inline=True)
        # Big ones go to the worker (the permission above is checked on every poll).
        return jobs.pdf_response_or_job(kind, meeting, current_user, options)
    except LookupError:  # the kind has nothing to give yet (minutes with no final version)
        abort(404)


def add_kind_endpoints(app, kind):
    """`documents.<kind>_pdf` and `documents.<kind>_preview`: a stable endpoint name per kind
    for `url_for` (templates and tests name `documents.attendance_pdf`), same URL, same view."""
    for fmt, suffix in (("pdf", "pdf"), ("html", "preview")):
        app.add_url_rule(f"/meetings/<int:meeting_id>/documents/{kind.name}.{fmt}",
                         endpoint=f"documents.{kind.name}_{suffix}", view_func=_fixed(kind.name, fmt))


def _fixed(kind_name, fmt):
    @authenticated
    def view(meeting_id):
        return document(meeting_id, kind_name, fmt)

    view.__name__ = f"{kind_name}_{fmt}"
    return view
