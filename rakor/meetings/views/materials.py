"""Materials of a meeting: upload (checked by rakor/meetings/materials.py), download, delete."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.errors import DomainError
from rakor.core.forms import choices
from rakor.core.urls import int_arg
from rakor.core.web import domain_action
from rakor.meetings import bp, materials, queries
from rakor.meetings.forms import MaterialForm
from rakor.meetings.models import Material
from rakor.meetings.web import in_meeting, with_meeting
from rakor.policy import COMMITTEE, authenticated, roles


def _material_item_choices(agenda_items):
    return choices([("", _("The whole meeting"))]
                   + [(it.id, f"{n}. {it.title}") for n, it in enumerate(agenda_items, start=1)])


@bp.route("/<int:meeting_id>/materials/new", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_materials")
def material_new(meeting):
    """Upload a material for the meeting or one of its agenda items."""
    form = MaterialForm()
    if request.method == "GET" and int_arg(request.args, "item"):
        form.agenda_item_id.data = int_arg(request.args, "item")
    form.agenda_item_id.choices = _material_item_choices(queries.agenda_of(meeting.id))
    if form.validate_on_submit():
        upload = request.files.get("file")
        with materials.removed_unless_committed() as stored, domain_action(form) as done:
            if upload is None or not upload.filename:
                raise DomainError(_("Choose a file."), field="file")
            material = materials.add_material(
                meeting, upload.stream, upload.filename, title=form.title.data,
                agenda_item_id=form.agenda_item_id.data, user=current_user)
            stored.append(material.stored_name)
        if done.ok:
            flash(_("Material uploaded."), "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="materials"))
    return render_template("meetings/material_form.html", form=form, meeting=meeting,
                           allowed=materials.allowed_extensions_text(),
                           max_mb=current_app.config["MAX_UPLOAD_MB"])


@bp.route("/<int:meeting_id>/materials/<int:material_id>")
@authenticated
@with_meeting("meeting.view")
def material_download(meeting, material_id):
    """The material's file, as an attachment that never runs in the app's origin."""
    material = in_meeting(Material, material_id, meeting)
    return materials.send_stored(material.stored_name, "materials", mimetype=material.content_type,
                                 download_name=material.original_filename, etag=material.sha256,
                                 what=f"material {material.id}")


@bp.route("/<int:meeting_id>/materials/<int:material_id>/delete", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_materials")
def material_delete(meeting, material_id):
    """Delete a material (its file goes once the deletion is committed)."""
    material = in_meeting(Material, material_id, meeting)
    with domain_action() as done:
        stored = materials.delete_material(material)
    if done.ok:
        materials.remove_files([stored])
        flash(_("Material deleted."), "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="materials"))
