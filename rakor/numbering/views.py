"""The register of outgoing documents (buku agenda surat keluar) and the numbering scheme."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core import tabular
from rakor.core.downloads import send_bytes
from rakor.core.formatting import format_datetime_local
from rakor.core.tabular import ExportColumn
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.numbering import bp, queries, services
from rakor.numbering.forms import SchemeForm
from rakor.numbering.models import DocumentKind
from rakor.numbering.schemes import format_number
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, can, require, roles
from rakor.regions.models import Agency

FORMATS = ("csv", "xlsx")


def _chosen_agency(agencies):
    """?agency=ID, else the user's own agency when it numbers, else the first (the province's)."""
    wanted = request.args.get("agency", type=int) or getattr(current_user, "agency_id", None)
    by_id = {a.id: a for a in agencies}
    if wanted in by_id:
        return by_id[wanted]
    if request.args.get("agency"):
        abort(404)
    return agencies[0] if agencies else None


def _year(agency):
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else services.local_now().year


@bp.route("/numbering")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
def register():
    """The numbers an agency gave in a year, in order, with what each was given to."""
    require(current_user, "numbering.view")
    agencies = queries.numbering_agencies(current_user)
    agency = _chosen_agency(agencies)
    year = _year(agency)
    rows = list(db.session.scalars(queries.register_statement(agency.id, year))) if agency else []
    years = sorted({year, *(queries.register_years(agency.id) if agency else [])}, reverse=True)
    return render_template("numbering/register.html", agencies=agencies, agency=agency, year=year,
                           years=years, rows=rows, formats=FORMATS,
                           may_manage=agency is not None and can(current_user, "numbering.manage", agency))


def _export_rows(rows):
    return [[r.seq if r.seq is not None else "", r.number, format_datetime_local(r.reserved_at),
             str(r.kind_label), r.subject, r.addressee or "",
             _("typed (central mail office)") if r.is_manual else _("reserved"),
             r.reserved_by.name if r.reserved_by else ""] for r in rows]


@bp.route("/numbering/export")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
def register_export():
    """The register as CSV or XLSX (?agency=&year=&format=)."""
    require(current_user, "numbering.view")
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        abort(404)
    agencies = queries.numbering_agencies(current_user)
    agency = _chosen_agency(agencies)
    if agency is None:
        abort(404)
    year = _year(agency)
    rows = list(db.session.scalars(queries.register_statement(agency.id, year)))
    columns = (ExportColumn(_("Sequence"), 10), ExportColumn(_("Number"), 30, text=True),
               ExportColumn(_("Date"), 24), ExportColumn(_("Document"), 28), ExportColumn(_("Subject"), 60),
               ExportColumn(_("Addressee"), 40), ExportColumn(_("How"), 24), ExportColumn(_("By"), 28))
    content = (tabular.to_xlsx(columns, _export_rows(rows), sheet_title="Agenda Surat Keluar")
               if fmt == "xlsx" else tabular.to_csv(columns, _export_rows(rows)))
    mimetype = tabular.XLSX_CONTENT_TYPE if fmt == "xlsx" else tabular.CSV_CONTENT_TYPE
    return send_bytes(content, f"agenda-surat-keluar-{agency.short_name.lower().replace(' ', '-')}-{year}.{fmt}",
                      mimetype)


@bp.route("/numbering/agencies/<int:agency_id>/scheme", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE)
def scheme_edit(agency_id):
    """An agency's number templates, with the number each would give next."""
    require(current_user, "numbering.manage")
    agency = db.get_or_404(Agency, agency_id)
    require(current_user, "numbering.manage", agency)
    scheme = services.scheme_of(agency.id)
    form = SchemeForm(obj=scheme)
    if form.validate_on_submit():
        with domain_action(form) as done:
            services.save_scheme(agency.id, services.SchemeData(
                template=form.template.data, invitation_template=form.invitation_template.data,
                agreement_template=form.agreement_template.data, minutes_template=form.minutes_template.data,
                monitoring_template=form.monitoring_template.data))
        if done.ok:
            flash(_("Numbering saved."), "success")
            return redirect(url_for("numbering.register", agency=agency.id))
    today = services.local_now()
    examples = {}
    for kind in DocumentKind:
        try:
            examples[kind.value] = format_number(scheme.template_for(kind), 1, today.date())
        except (KeyError, IndexError):
            examples[kind.value] = ""
    return render_template("numbering/scheme.html", form=form, agency=agency, examples=examples,
                           kinds=list(DocumentKind))
