"""Monitoring pages for the committee and leadership: the dashboard (region x topic matrix,
bars, statuses, overdue, filters), a region's progress, the overdue list and its export, and
the committee's local holidays."""
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core import page_cache
from rakor.core.downloads import meeting_filename, send_bytes
from rakor.core.formatting import current_locale, local_date
from rakor.core.types import utcnow
from rakor.core.urls import url_pattern
from rakor.core.web import domain_action
from rakor.documents import jobs
from rakor.documents.pdf import render_html
from rakor.extensions import db
from rakor.meetings.web import viewer_key, with_meeting
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, require, roles
from rakor.progress import bp, charts, exports, periods, queries, report_scope, services, stats, workdays
from rakor.progress import dashboard as board
from rakor.progress import documents as monitoring_documents
from rakor.progress.achievement import BANDS, band_range_text
from rakor.progress.forms import CsrfForm, HolidayForm
from rakor.progress.matrix_html import MatrixRows
from rakor.progress.models import LocalHoliday
from rakor.progress.views.reporting import labels
from rakor.regions.models import Region

READERS = (ADMIN, COMMITTEE, LEADERSHIP)
OVERDUE_PAGE = 200
# A region's commitments, newest meeting first, a page at a time: what a page shows and costs
# does not grow with the region's commitments (a province has thousands at national scale).
REGION_PAGE = 50


def _filter_choices(today, filters):
    current = periods.quarter_of(today)
    quarters = [periods.from_index(i) for i in range(current.quarter_index, current.quarter_index - 12, -1)]
    meetings = queries.meetings_for_filter(current_user, filters.meeting_id)
    # The years of the meetings on offer (no query of its own), this year and the chosen one.
    years = {local_date(m.starts_at).year for m in meetings} | {today.year} | ({filters.year} if filters.year else set())
    regions, topics = queries.filter_choices()
    return {"meetings": meetings, "regions": regions, "topics": topics, "quarters": quarters,
            "years": sorted(years, reverse=True)}


ALL_REGIONS = "all"


def _filters():
    """The filters of the query string, read by the signed-in user: a meeting it does not see is
    not found, and without a meeting only the meetings it sees count (tenancy, issue 22)."""
    filters = stats.Filters.from_args(request.args, viewer=current_user)
    if filters.meeting_id and not queries.meeting_visible(current_user, filters.meeting_id):
        abort(404)
    return filters


def _dashboard_filters():
    """The dashboard's filters from the query string, and whether "All regions" was chosen.
    Without a meeting or a region chosen they cover the reader's province."""
    filters = _filters()
    national = request.args.get("region") == ALL_REGIONS
    if filters.region_id is None and not filters.meeting_id and not national:
        filters.region_id = queries.home_province_id(current_user)
    return filters, national


def _report_links(filters, national, today):
    """What the dashboard's download buttons fetch: with a meeting chosen, its own report (the
    one that is issued and numbered), and when a region, topic or period narrows it, also the
    report of that part; without one, the report of these filters across the meetings of the
    chosen year (this year by default)."""
    narrowed = bool(filters.region_id or filters.topic_id or filters.period)
    if filters.meeting_id and not narrowed:
        return {"scoped_report": False}
    args = filters.args() if filters.meeting_id else filters.args(year=filters.year or today.year)
    if national:
        args["region"] = ALL_REGIONS
    return {"scoped_report": True, "report_args": args,
            "report_year": None if filters.meeting_id else filters.year or today.year}


@bp.route("/progress")
@roles(*READERS)
def dashboard():
    """Where each region stands: achievement by region and topic, statuses, overdue reports.

    Without a meeting or a region chosen the rows are the regencies and cities of the reader's
    province (its own agency's, else the only province with a planning agency), under the
    province's own row: that is what a Bappeda's leadership reads. "All regions" (region=all)
    gives one row per province, for an instance serving several."""
    return _whole_for_reader("progress", None, lambda: _kept_page(
        "progress/dashboard.html", "progress/_dashboard_content.html", "progress", None, _dashboard_content))


def _dashboard_content():
    today = workdays.today()
    filters, national = _dashboard_filters()
    choices = _filter_choices(today, filters)
    # The chosen region's row is one of the choices (no query of its own).
    scope = next((r for r in choices["regions"] if r.id == filters.region_id), None) if filters.region_id else None
    locale = current_locale()
    matrix_rows = MatrixRows(region_url=url_pattern("progress.region", "region_id"), locale=locale)
    return dict(**board.summary(filters, today, locale=locale), matrix_rows=matrix_rows,
                bands=BANDS, band_range=band_range_text, scope=scope, all_regions=ALL_REGIONS,
                national=national, **_report_links(filters, national, today), **choices, **labels())


def _seconds_kept():
    return (board.lapses_at() - utcnow()) / timedelta(seconds=1)


def _whole_for_reader(name, object_id, render):
    """The page `render()` returns kept whole for the reader while the progress data and the
    reader's own layout are unchanged, served before anything is loaded; when it lapsed, put
    together from the reader's shell and the kept content (core/page_cache.py
    `whole_for_reader`). The access rule is the reader's role (in the key); what the page shows
    outside its content is the region's row, which every kept page depends on (`global`)."""
    if not page_cache.active():
        return render()
    return page_cache.whole_for_reader(
        current_user.id, [*board.READS, page_cache.reader_scope(current_user.id)],
        (viewer_key(name, object_id), board.READS), render, ttl=_seconds_kept)


def _kept_page(template, content_template, name, object_id, content, **page):
    """`template` around its content (`content_template` with the context `content()` returns
    and `page`), the content kept per viewer class, locale and query string while the progress
    data is unchanged (board.READS), until the reporting zone's next midnight (the quarter due,
    what is overdue): a meeting day's leadership and committee read these pages again and again
    while every check-in leaves them as they were. The filters' checks (a meeting the reader may
    not see is not found) run in `content()`: kept content was rendered for the same class of
    reader, query and data, so it passed them."""
    return page_cache.around_content(template, content_template, lambda: (viewer_key(name, object_id), board.READS),
                                     content, ttl=_seconds_kept, name=name, **page)


@bp.route("/progress/monitoring.<fmt>")
@roles(*READERS)
def dashboard_report(fmt):
    """The laporan monitoring of the dashboard's filters, as a draft (PDF or XLSX): without a
    meeting, every meeting of the year (`year`, else this one) within the region and topic. A
    big one goes to the document worker like the meeting's report (DOCUMENT_QUEUE_THRESHOLD)."""
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    filters, _national = _dashboard_filters()
    scope = report_scope.dashboard_scope(filters, current_user, filters.year or workdays.today().year)
    if scope.meeting is not None:
        require(current_user, "progress.monitoring", scope.meeting)
    else:
        require(current_user, "progress.dashboard")
    if fmt == "xlsx":
        return send_bytes(monitoring_documents.scope_xlsx(scope), scope.filename("xlsx"), exports.CONTENT_TYPES["xlsx"])
    context = monitoring_documents.scope_context(scope)
    html = render_html(monitoring_documents.TEMPLATE, for_pdf=True, **context)
    return jobs.html_pdf_response(html, scope.filename("pdf"), rows=monitoring_documents.monitoring_size(context),
                                  name="monitoring-scope", title=scope.title)


@bp.route("/progress/regions/<int:region_id>")
@roles(*READERS)
def region(region_id):
    """A region's commitments across meetings with their latest progress, and its topics."""
    def render():
        region = db.get_or_404(Region, region_id)
        return _kept_page("progress/region.html", "progress/_region_content.html", "progress-region", region.id,
                          lambda: _region_content(region), region=region)

    return _whole_for_reader("progress-region", region_id, render)


def _region_content(region):
    filters = stats.Filters(region_id=region.id, viewer=current_user)  # as its rows: the meetings it sees
    matrix = stats.matrix(filters)
    total, page = matrix.total.count, _page()
    rows = queries.region_progress(region, limit=REGION_PAGE, offset=(page - 1) * REGION_PAGE, user=current_user)
    items = board.bar_items(matrix, "topic")
    return dict(rows=rows, total=total, matrix=matrix, timeline_url=_timeline_urls(),
                chart=charts.data_uri(charts.achievement_bars(items, locale=current_locale())),
                chart_text=charts.achievement_text(items, current_locale()), page=page,
                pages=max((total + REGION_PAGE - 1) // REGION_PAGE, 1), **labels())


def _timeline_urls():
    """(meeting id, commitment id) -> the commitment's progress timeline, with one url_for per
    meeting rather than one per row (core/urls.py url_pattern)."""
    patterns = {}

    def build(meeting_id, commitment_id):
        pattern = patterns.get(meeting_id)
        if pattern is None:
            pattern = patterns[meeting_id] = url_pattern("progress.timeline", "commitment_id", meeting_id=meeting_id)
        return pattern(commitment_id)

    return build


def _page():
    value = request.args.get("page", "1")
    return max(int(value), 1) if value.isdigit() and len(value) < 7 else 1


@bp.route("/progress/overdue")
@roles(*READERS)
def overdue():
    """Commitments whose report is overdue, with the quarter they owe."""
    today = workdays.today()
    filters = _filters()
    due = workdays.Calendar().due_quarter(today)
    page = max(request.args.get("page", "1").isdigit() and int(request.args.get("page", "1")) or 1, 1)
    total = stats.overdue_total(filters, due)
    rows = stats.overdue_rows(filters, due, limit=OVERDUE_PAGE, offset=(page - 1) * OVERDUE_PAGE)
    return render_template("progress/overdue.html", rows=rows, total=total, due=due, filters=filters, page=page,
                           pages=max((total + OVERDUE_PAGE - 1) // OVERDUE_PAGE, 1), owed=stats.owed_period,
                           deadline=workdays.Calendar().deadline, **_filter_choices(today, filters), **labels())


@bp.route("/progress/overdue.<fmt>")
@roles(*READERS)
def overdue_export(fmt):
    """The overdue list as CSV or XLSX (every row, Indonesian headers)."""
    if fmt not in exports.FORMATS:
        abort(404)
    filters = _filters()
    content = exports.overdue_file(filters, workdays.today(), fmt)
    return send_bytes(content, exports.dated_filename("terlambat-lapor", fmt), exports.CONTENT_TYPES[fmt])


@bp.route("/progress/holidays")
@roles(COMMITTEE, ADMIN, LEADERSHIP)
def holidays():
    """Local holidays the reporting deadlines skip, beside the national ones."""
    return _holidays_page(HolidayForm())


@bp.route("/progress/holidays", methods=["POST"], endpoint="holiday_add")
@roles(COMMITTEE)
def holiday_add():
    """Add a local holiday (the committee)."""
    form = HolidayForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            services.add_local_holiday(form.day.data, form.name.data, current_user)
        if done.ok:
            flash(_("Local holiday added."), "success")
            return redirect(url_for("progress.holidays"))
    return _holidays_page(form)


def _holidays_page(form):
    year = workdays.today().year
    national = sorted(workdays.national_holidays(year, year + 1).items())
    return render_template("progress/holidays.html", form=form, delete_form=CsrfForm(),
                           may_manage=current_user.role == COMMITTEE, local=queries.local_holidays(),
                           national=national)


@bp.route("/progress/holidays/<int:holiday_id>/delete", methods=["POST"])
@roles(COMMITTEE)
def holiday_delete(holiday_id):
    holiday = db.get_or_404(LocalHoliday, holiday_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    with domain_action() as done:
        services.delete_local_holiday(holiday)
    if done.ok:
        flash(_("Local holiday removed."), "success")
    return redirect(url_for("progress.holidays"))



@bp.route("/meetings/<int:meeting_id>/progress/monitoring.xlsx")
@roles(*READERS)
@with_meeting("progress.monitoring")
def monitoring_xlsx(meeting):
    """The monitoring report's table as a workbook: one row per agreed commitment."""
    return send_bytes(monitoring_documents.monitoring_xlsx(meeting),
                      meeting_filename("laporan-monitoring", meeting, "xlsx"), exports.CONTENT_TYPES["xlsx"])
