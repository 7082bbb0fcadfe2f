"""The agencies' address book (rakor/participants/contacts.py), for the admin and the committee:
every agency by region code with its contacts; add, edit and remove a contact."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from rakor.admin import bp, queries
from rakor.admin.forms import ContactForm
from rakor.core.phones import format_phone, whatsapp_url
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.participants import contacts
from rakor.policy import ADMIN, COMMITTEE, roles
from rakor.regions.models import Agency, AgencyContact


@bp.route("/contacts")
@roles(ADMIN, COMMITTEE)
def contact_book():
    """Every agency (by region code) with its contacts."""
    agencies, by_agency = queries.address_book()
    return render_template("admin/contacts.html", agencies=agencies, by_agency=by_agency,
                           whatsapp_url=whatsapp_url, format_phone=format_phone)


def _data(form):
    return contacts.ContactData(name=form.name.data, position=form.position.data, email=form.email.data,
                                whatsapp=form.whatsapp.data, is_primary=form.is_primary.data)


def _back(agency_id):
    return redirect(url_for("admin.contact_book", _anchor=f"agency-{agency_id}"))


@bp.route("/agencies/<int:agency_id>/contacts/new", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE)
def contact_new(agency_id):
    agency = db.get_or_404(Agency, agency_id)
    form = ContactForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            contacts.save_contact(agency, None, _data(form))
        if done.ok:
            flash(_("Contact saved."), "success")
            return _back(agency.id)
    return render_template("admin/contact_form.html", form=form, agency=agency, contact=None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE)
def contact_edit(contact_id):
    contact = db.get_or_404(AgencyContact, contact_id)
    agency = db.session.get(Agency, contact.agency_id)
    form = ContactForm(obj=contact)
    if form.is_submitted() is False:
        form.whatsapp.data = format_phone(contact.whatsapp) if contact.whatsapp else None
    if form.validate_on_submit():
        with domain_action(form) as done:
            contacts.save_contact(agency, contact, _data(form))
        if done.ok:
            flash(_("Contact saved."), "success")
            return _back(agency.id)
    return render_template("admin/contact_form.html", form=form, agency=agency, contact=contact)


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@roles(ADMIN, COMMITTEE)
def contact_delete(contact_id):
    contact = db.get_or_404(AgencyContact, contact_id)
    agency_id = contact.agency_id
    with domain_action() as done:
        contacts.delete_contact(contact)
    if done.ok:
        flash(_("Contact removed."), "success")
    return _back(agency_id)
