"""The agencies' address book (rakor/participants/contacts.py), for the admin and the committee:
every agency by region code with its contacts; add, edit and remove a contact. Under tenancy a
scoped committee keeps its own agencies' books (the agencies they invite), reads the shared one,
and gets a 404 for any other contact or agency, as for another organizer's meeting."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

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
    agencies, by_agency = queries.address_book(contacts.book_agencies(current_user),
                                               contacts.visible_books(current_user))
    return render_template("admin/contacts.html", agencies=agencies, by_agency=by_agency,
                           whatsapp_url=whatsapp_url, format_phone=format_phone,
                           may_change=lambda contact: contacts.may_change(current_user, contact))


def _agency_in_book_or_404(agency_id):
    agency = db.get_or_404(Agency, agency_id)
    within = contacts.book_agencies(current_user)
    if within is not None and db.session.scalar(select(Agency.id).where(Agency.id == agency.id,
                                                                        Agency.id.in_(within))) is None:
        abort(404)
    return agency


def _changeable_or_404(contact_id):
    contact = db.get_or_404(AgencyContact, contact_id)
    if not contacts.may_change(current_user, contact):
        abort(404)
    return contact


def _data(form):
    return contacts.ContactData(name=form.name.data, position=form.position.data, email=form.email.data,
                                whatsapp=form.whatsapp.data, is_primary=form.is_primary.data)


def _back(agency_id):
    return redirect(url_for("admin.contact_book", _anchor=f"agency-{agency_id}"))


@bp.route("/agencies/<int:agency_id>/contacts/new", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE)
def contact_new(agency_id):
    agency = _agency_in_book_or_404(agency_id)
    form = ContactForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            contacts.save_contact(agency, None, _data(form), contacts.owner_for(current_user))
        if done.ok:
            flash(_("Contact saved."), "success")
            return _back(agency.id)
    return render_template("admin/contact_form.html", form=form, agency=agency, contact=None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE)
def contact_edit(contact_id):
    contact = _changeable_or_404(contact_id)
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
    contact = _changeable_or_404(contact_id)
    agency_id = contact.agency_id
    with domain_action() as done:
        contacts.delete_contact(contact)
    if done.ok:
        flash(_("Contact removed."), "success")
    return _back(agency_id)
