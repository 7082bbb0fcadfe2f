"""What the dashboard, leadership's home panel and the monitoring report show: the aggregates
of stats.py with their charts and the text alternatives of the charts. One function per
picture so the page and the PDF draw exactly the same."""
from flask_babel import lazy_gettext as _l

from rakor.core import page_cache
from rakor.progress import charts, stats, workdays
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.rules import READERS

PANEL_TEMPLATE = "progress/_dashboard_panel.html"


def status_labels(indonesian=False):
    labels = {s.value: (s.label_id if indonesian else s.label) for s in UpdateStatus}
    labels[stats.NO_REPORT] = "Belum melapor" if indonesian else _l("No report")
    return labels


def bar_items(matrix, axis):
    """[(label, average percent, commitments)] per region or per topic, in the matrix's order."""
    if axis == "region":
        return [(name, matrix.by_region[rid].average, matrix.by_region[rid].count) for rid, _code, name in matrix.regions]
    return [(name or str(_l("No topic")), matrix.by_topic[tid].average, matrix.by_topic[tid].count)
            for tid, name in matrix.topics]


def summary(filters: stats.Filters, today=None, *, locale=None, indonesian=False):
    """Everything the dashboard shows (4 queries: the summary's 3, the local holidays)."""
    today = today or workdays.today()
    due = workdays.Calendar().due_quarter(today)
    found = stats.summary(filters, due)
    matrix, statuses = found.matrix, found.statuses
    labels = status_labels(indonesian)
    regions, topics = bar_items(matrix, "region"), bar_items(matrix, "topic")
    return {
        "filters": filters, "matrix": matrix, "statuses": statuses, "status_labels": labels,
        "due": due,
        "overdue": found.overdue,
        "charts": {
            "regions": charts.data_uri(charts.achievement_bars(regions, locale=locale or "id")),
            "topics": charts.data_uri(charts.achievement_bars(topics, locale=locale or "id")),
            "statuses": charts.data_uri(charts.status_bars(statuses, labels)),
        },
        "chart_texts": {
            "regions": charts.achievement_text(regions, locale or "id"),
            "topics": charts.achievement_text(topics, locale or "id"),
            "statuses": charts.status_text(statuses, labels),
        },
    }


def home_panel(user):
    """Leadership's and the committee's home: status counts and overdue of the meetings `user`
    sees, with a link (4 queries)."""
    if getattr(user, "role", None) not in READERS:
        return None
    filters = stats.Filters(viewer=user)
    due = workdays.Calendar().due_quarter(workdays.today())
    found = stats.summary(filters, due)
    statuses = found.statuses
    if not any(statuses.values()):
        return None
    return {"progress_panel": {"statuses": statuses, "labels": status_labels(),
                               "overdue": found.overdue, "due": due,
                               "total": sum(statuses.values())}}


# What the dashboard, a region's page and the home panel show, as page-cache scopes
# (rakor/core/page_cache.py): every meeting's rows and commitments with their progress (the
# tallies are written with them); regions, topics and holidays move `global`.
READS = (page_cache.ALL_MEETINGS, page_cache.all_meetings_scope(page_cache.COMMITMENTS))


def home_panel_reads(user):
    """What the panel shows (rakor/main/dashboard.py)."""
    if getattr(user, "role", None) not in READERS:
        return ()
    return READS


def lapses_at():
    """The quarter due and what is overdue are the reporting zone's dates: the next midnight."""
    return workdays.next_midnight()


def home_panel_lapse(_user, _context):
    return lapses_at()
