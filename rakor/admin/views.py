"""Administration: user accounts, agencies and (read-only) regions."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.admin import bp, queries
from rakor.admin.forms import ROLE_LABELS, AgencyForm, RegionAbbreviationsForm, UserForm
from rakor.auth import services as account_services
from rakor.auth.models import User
from rakor.core.forms import choices
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.mail.outcome import deliver_now, flash_delivery
from rakor.policy import ADMIN, roles
from rakor.regions import logos
from rakor.regions import services as regions_services
from rakor.regions.models import Agency, Region

PER_PAGE = 50


def _agency_choices(form):
    """The agency select and the agencies it may also act for (tenancy, issue 22)."""
    options = queries.agency_options()
    form.agency_id.choices = choices([("", "—")] + [(a.id, a.name) for a in options])
    form.extra_agency_ids.choices = [(a.id, a.name) for a in options]


def _region_choices():
    return choices([("", "—")] + [(r.id, f"{r.kemendagri_code} {r.name}")
                                  for r in queries.region_options()])


# --- users --------------------------------------------------------------------------------

@bp.route("/users")
@roles(ADMIN)
def users():
    """Every account, searchable by name or email."""
    q = request.args.get("q", "").strip()[:100]
    page = db.paginate(queries.users_statement(q), per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", page=page, q=q, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@roles(ADMIN)
def user_new():
    """Create an account; its owner gets an e-mail link to set their own password (nobody
    types a password for someone else)."""
    form = UserForm()
    _agency_choices(form)
    if form.validate_on_submit():
        with domain_action(form) as done:
            user, mail = account_services.invite_user(
                email=form.email.data, name=form.name.data, role=form.role.data,
                agency_id=form.agency_id.data, by_user=current_user,
            )
            account_services.set_extra_agencies(user, form.extra_agency_ids.data)
        if done.ok:
            flash(_("User created."), "success")
            _report_link(user, mail)
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def _report_link(user, mail):
    flash_delivery(deliver_now(mail.id), what=_("The link to set the password"), email=user.email,
                   if_failed=_("Send it again with \"Send password link\" in the list of users."))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@roles(ADMIN)
def user_password_link(user_id):
    """E-mail a user a link to set their password (a new account's again, or a reset)."""
    user = db.get_or_404(User, user_id)
    with domain_action() as done:
        mail = account_services.send_password_link(user, by_user=current_user)
    if done.ok:
        _report_link(user, mail)
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles(ADMIN)
def user_edit(user_id):
    """Change an account's name, email, role, agency or the agencies it also acts for."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _agency_choices(form)
    if request.method == "GET":
        form.extra_agency_ids.data = queries.extra_agency_ids(user)
    if form.validate_on_submit():
        with domain_action(form) as done:
            account_services.update_user(
                user, name=form.name.data, email=form.email.data, role=form.role.data,
                agency_id=form.agency_id.data,
            )
            account_services.set_extra_agencies(user, form.extra_agency_ids.data)
        if done.ok:
            flash(_("User saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles(ADMIN)
def user_set_active(user_id):
    """Enable or disable an account (disabling ends its sessions)."""
    user = db.get_or_404(User, user_id)
    want_active = request.form.get("active") == "1"
    with domain_action() as done:
        account_services.set_active(user, want_active, current_user)
    if done.ok:
        flash(_("User enabled.") if want_active else _("User disabled; their sessions have ended."),
              "success")
    return redirect(url_for("admin.users"))


# --- agencies -----------------------------------------------------------------------------

@bp.route("/agencies")
@roles(ADMIN)
def agencies():
    """Every agency, by region code."""
    page = db.paginate(queries.agencies_statement(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/agencies.html", page=page)


def _save_agency(form, agency):
    """Save through the service; True when committed. A replaced logo's file goes after the commit."""
    upload = form.logo.data
    logo = upload.read() if upload and getattr(upload, "filename", "") else None
    data = regions_services.AgencyData(
        name=form.name.data, short_name=form.short_name.data, region_id=form.region_id.data,
        address=form.address.data, phone=form.phone.data, website=form.website.data, email=form.email.data,
        head_position=form.head_position.data, head_name=form.head_name.data, head_rank=form.head_rank.data,
        head_nip=form.head_nip.data)
    with domain_action(form) as done:
        _agency, obsolete = regions_services.save_agency(agency, data, logo=logo,
                                                         remove_logo=form.remove_logo.data)
    if done.ok and obsolete:
        logos.remove_logo(obsolete)
    return done.ok


@bp.route("/agencies/new", methods=["GET", "POST"])
@roles(ADMIN)
def agency_new():
    """Create an agency."""
    form = AgencyForm()
    form.region_id.choices = _region_choices()
    if form.validate_on_submit() and _save_agency(form, None):
        flash(_("Agency created."), "success")
        return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_form.html", form=form, agency=None)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@roles(ADMIN)
def agency_edit(agency_id):
    """Rename an agency or move it to another region."""
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyForm(obj=agency)
    form.region_id.choices = _region_choices()
    if form.validate_on_submit() and _save_agency(form, agency):
        flash(_("Agency saved."), "success")
        return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_form.html", form=form, agency=agency,
                           logo=logos.logo_data_url(agency.logo_stored_name))


# --- regions (loaded from data files; the administrator adds abbreviations) ---------------

@bp.route("/regions")
@roles(ADMIN)
def regions():
    """Regions, optionally those of one province."""
    province = request.args.get("province", "").strip()[:2]
    provinces = queries.provinces()
    page = db.paginate(queries.regions_statement(province), per_page=100, error_out=False)
    return render_template("admin/regions.html", page=page, provinces=provinces,
                           province=province)


@bp.route("/regions/<int:region_id>/abbreviations", methods=["GET", "POST"])
@roles(ADMIN)
def region_abbreviations(region_id):
    """The short forms the import recognises for a region ('HSU', 'Batola')."""
    region = db.get_or_404(Region, region_id)
    form = RegionAbbreviationsForm(abbreviations=", ".join(region.aliases))
    if form.validate_on_submit():
        with domain_action(form) as done:
            regions_services.set_region_abbreviations(region, form.abbreviations.data)
        if done.ok:
            flash(_("Abbreviations saved."), "success")
            return redirect(url_for("admin.regions", province=region.province_code))
    return render_template("admin/region_form.html", form=form, region=region)
