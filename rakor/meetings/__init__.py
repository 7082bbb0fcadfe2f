"""Meetings: lists, calendar, the meeting page, agenda, materials, lifecycle. Other features
plug into the meeting page through `rakor.meetings.hooks`."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def init_app(app):
    from rakor.documents import registry as documents
    from rakor.main import dashboard
    from rakor.meetings import dashboard as meetings_dashboard
    from rakor.meetings import follow_up, hooks, organizer_rules, queries, rules, views  # noqa: F401  (rules: policy)
    from rakor.meetings import notices as meeting_notices
    from rakor.meetings.cli import meetings_cli
    from rakor.policy import once_per_request

    once_per_request("meeting.view")  # a delegate's: one query, asked by the page, its tabs, sections
    hooks.sections.register("follow_up", template=follow_up.TEMPLATE, loader=follow_up.load_section,
                            order=10)
    dashboard.panels.register("upcoming_meetings", template=meetings_dashboard.TEMPLATE,
                              loader=meetings_dashboard.upcoming_meetings_panel, order=10,
                              lapses_at=meetings_dashboard.upcoming_meetings_lapse)
    # Document kinds are per meeting; the documents host finds the meeting through this.
    documents.provide_meeting_loader(queries.get_meeting)
    meeting_notices.register()
    from rakor.meetings.materials import stored_keys
    from rakor.storage import references

    references.register("materials/", loader=stored_keys, what="meeting materials")
    # App-wide: the dashboard panel and other features' meeting sections use the labels too.
    app.context_processor(views._labels)
    app.add_template_global(hooks.visible_tabs, "meeting_tabs")
    app.add_template_global(hooks.tabs.get, "meeting_tab")
    app.cli.add_command(meetings_cli)
    app.register_blueprint(bp)
