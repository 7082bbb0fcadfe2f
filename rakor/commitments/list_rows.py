"""The cards of the meeting's commitment list (templates/commitments/_index_body.html), written
in Python rather than in the template's row loop.

Why: rendered fresh, the list of the demo meeting (65 commitments) spent about two thirds of its
CPU in that loop: Jinja looks every value up through `environment.getattr`, autoescapes it
through markupsafe's Python `escape` and calls each filter through its context, about 430
Python calls a card. The same HTML from one f-string a card, with every text value escaped
(core/html_escape.py) and the formatters of rakor.core.formatting called with the locale named once per page, costs a
fraction of that. The template keeps the rest (header, filters, groups' headings).

Everything a card shows depends only on the row, the reader's role (may_decide) and the
locale, as the kept content requires (meetings/web.py kept_content). Translations are looked
up once per page; like Jinja's `_()` under autoescape, a translated text is trusted and only the
values put into it are escaped.
"""
from flask_babel import gettext as _
from markupsafe import Markup

from rakor.core.formatting import format_date_medium, format_number, format_rupiah
from rakor.core.html_escape import text as escape


class CommitmentCards:
    """`cards(commitments) -> Markup`: the <li> cards of ListedCommitment rows, for one page and
    one reader. `commitment_url(id)` links a card, `status_of(status)` names its badge (the
    list's _Statuses), `may_decide` adds the tick box of a submitted commitment for the
    committee's decision on many (form "bulk-decision")."""

    def __init__(self, *, commitment_url, status_of, funding_sources, may_decide, locale):
        self.url = commitment_url
        self.may_decide = may_decide
        self.locale = locale
        self.badge = {s.value: f'<span class="badge text-bg-{escape(s.badge)}" data-status="{escape(s.value)}">'
                               f'{escape(s.label)}</span>' for s in status_of}
        self.funding = {k: escape(v) for k, v in funding_sources.items()}
        self.programme = escape(_("Programme"))
        self.select = _("Select %(ref)s")
        self.by_date = _("by %(date)s")
        self.returned = _("Returned:")

    def __call__(self, commitments):
        return Markup("".join([self.card(c) for c in commitments]))

    def card(self, c):
        ref = escape(c.reference)
        pick = ""
        if self.may_decide and c.status == "submitted":
            pick = (f'<input class="form-check-input mt-1 bulk-pick" type="checkbox" form="bulk-decision" '
                    f'name="item" value="{c.id}:{c.version}" id="pick-{c.id}" '
                    f'aria-label="{self.select % {"ref": ref}}">')
        details = ""
        if c.programme_code:
            title = escape(c.programme_name) if c.programme_name is not None else ""
            details = (f' · <span title="{title}">{self.programme} {escape(c.programme_code)}</span>')
        if c.topic_name is not None:
            details += f" · {escape(c.topic_name)}"
        returned = ""
        if c.status == "returned" and c.review_note:
            returned = f'<div class="small text-warning-emphasis">{self.returned} {escape(c.review_note)}</div>'
        return (
            f'<li class="list-group-item" data-reference="{ref}">'
            f'<div class="d-flex flex-wrap justify-content-between gap-2">'
            f'<span class="d-flex gap-2 align-items-start">{pick}'
            f'<a class="fw-semibold text-break" href="{self.url(c.id)}">{escape(c.title)}</a></span>'
            f'{self.badge[c.status]}</div>'
            f'<div class="small text-muted"><span class="font-monospace">{ref}</span> · '
            f'{escape(c.agency_short_name)}{details}</div>'
            f'<div class="small">{self.target(c)}{self.budget(c)}</div>{returned}</li>\n')

    def target(self, c):
        loc = self.locale
        if c.indicator_name is not None:
            decimals = c.indicator_decimals
            if c.baseline_value is not None:
                baseline = format_number(c.baseline_value, decimals, loc)
                if c.baseline_year:
                    baseline = f"{baseline} ({c.baseline_year})"
            else:
                baseline = "—"
            unit = f" {escape(c.indicator_unit)}" if c.indicator_unit else ""
            text = (f'<span>{escape(c.indicator_name)}:</span> <span class="text-nowrap">{escape(baseline)} → '
                    f'<strong>{escape(format_number(c.target_value, decimals, loc))}</strong>{unit}</span>')
            if c.target_date:
                text += f' <span class="text-muted small text-nowrap">· {escape(format_date_medium(c.target_date, loc))}</span>'
            return text
        if c.target_date:
            return f'<span class="text-muted small">{self.by_date % {"date": escape(format_date_medium(c.target_date, loc))}}</span>'
        return ""

    def budget(self, c):
        text = ""
        if c.budget is not None:
            text = f'<span class="text-nowrap"> · {escape(format_rupiah(c.budget, self.locale))}</span>'
            if c.funding_source:
                text += f' <span class="text-muted">({self.funding.get(c.funding_source, "")})</span>'
        if c.responsible_office:
            text += f'<span class="text-muted"> · {escape(c.responsible_office)}</span>'
        return text
