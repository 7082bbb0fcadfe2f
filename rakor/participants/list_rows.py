"""The rows of the participants table (templates/participants/_index_body.html), written in
Python rather than in the template's row loop.

Why: rendered fresh, the page of the demo meeting (100 rows a page) spent most of its CPU in
that loop: Jinja looks each value up through `environment.getattr`, autoescapes it through
markupsafe's Python `escape`, calls each filter and `_()` through its context and asked the
policy once a row. Here a row is one f-string with every text value escaped
(core/html_escape.py), labels translated once a page and the rule `participant.edit` asked
through policy.can once per agency (its answer depends only on the reader and the row's
agency: rakor/participants/rules.py).

Everything a row shows depends only on the row, the reader's role and agency, the meeting's
registration state and the locale, as the kept content requires (meetings/web.py
kept_content); the CSRF token is the reader's, which the page cache swaps for a placeholder.
"""
from flask_babel import gettext as _
from markupsafe import Markup

from rakor.core.formatting import format_nip, format_time
from rakor.core.html_escape import text as escape
from rakor.core.phones import format_phone
from rakor.policy import can


class ParticipantRows:
    """`rows(participants) -> Markup`: the <tr> of ListedParticipant rows for one page and one
    reader. `row_url` maps "edit", "badge", "cancel" to functions id -> URL; `may_change`: the
    reader may change registrations now (committee, or registration open)."""

    def __init__(self, *, user, row_url, may_change, csrf_token, role_labels, gender_labels, timezone, locale):
        self.user = user
        self.edit_url, self.badge_url, self.cancel_url = row_url["edit"], row_url["badge"], row_url["cancel"]
        self.may_change = may_change
        self.csrf = escape(csrf_token)
        self.roles = {k: escape(v) for k, v in role_labels.items()}
        self.genders = {k: escape(v) for k, v in gender_labels.items()}
        self.timezone = timezone
        self.locale = locale
        self.may_edit = {}  # agency id -> policy.can(user, "participant.edit", row)
        t = self.t = {"cancelled": _("Cancelled"), "present": _("Present"), "registered": _("Registered"),
                      "edit": _("Edit"), "badge": _("Badge"), "cancel": _("Cancel registration"),
                      "unregister": _("Unregister"), "beyond": _("Beyond quota:")}
        self.confirm = _("Cancel the registration of %(name)s?")
        self.badge = {"cancelled": f'<span class="badge text-bg-secondary">{t["cancelled"]}</span>',
                      "registered": f'<span class="badge text-bg-light border">{t["registered"]}</span>'}

    def __call__(self, participants):
        return Markup("".join([self.row(p) for p in participants]))

    def _may_edit(self, p):
        may = self.may_edit.get(p.agency_id)
        if may is None:
            may = self.may_edit[p.agency_id] = can(self.user, "participant.edit", p)
        return may

    def row(self, p):
        name, agency = escape(p.name), escape(p.agency_short_name)
        nip = format_nip(p.nip)
        phone = format_phone(p.phone)
        role = self.roles.get(p.meeting_role, "")
        head = name
        if p.gender:
            head += f' <span class="text-muted small">({self.genders.get(p.gender, "")})</span>'
        head += f'<div class="small text-muted d-md-none participant-agency">{agency}</div>'
        if p.nip or p.position or p.phone:
            # On a phone the NIP, position and phone columns are hidden: the same under the name.
            details = " · ".join([escape(v) for v in (p.position, nip, phone) if v])
            head += f'<div class="small text-muted d-lg-none participant-details">{details}</div>'
        if p.meeting_role != "peserta":
            head += f'<div class="small text-muted d-xxl-none">{role}</div>'
        if p.quota_override_reason:
            head += f'<div class="small text-warning-emphasis">{self.t["beyond"]} {escape(p.quota_override_reason)}</div>'
        email = escape(p.email)
        contact = f'<div class="text-nowrap">{escape(phone)}</div>'
        if p.email:
            contact += f'<div class="contact-email text-truncate" title="{email}">{email}</div>'
        if p.status == "cancelled":
            status = self.badge["cancelled"]
        elif p.checked_in_at:
            status = (f'<span class="badge text-bg-success text-wrap">{self.t["present"]} '
                      f'{escape(format_time(p.checked_in_at, self.timezone, self.locale))}</span>')
        else:
            status = self.badge["registered"]
        return (f'<tr data-participant-id="{p.id}"><td>{head}</td>'
                f'<td class="d-none d-lg-table-cell"><div class="font-monospace small">{escape(nip)}</div>'
                f'<div class="small">{escape(p.position)}</div></td>'
                f'<td class="d-none d-md-table-cell">{agency}</td>'
                f'<td class="small d-none d-md-table-cell">{contact}</td>'
                f'<td class="d-none d-xxl-table-cell">{role}</td>'
                f'<td>{status}</td><td class="text-end participant-actions">{self.actions(p, name)}</td></tr>\n')

    def actions(self, p, name):
        # Short labels keep the column narrow; the full action is in the title and for screen readers.
        if p.status != "registered" or not self._may_edit(p):
            return ""
        t = self.t
        edit = cancel = ""
        if self.may_change:
            edit = f'<a class="btn btn-sm btn-outline-primary" href="{self.edit_url(p.id)}">{t["edit"]}</a>'
            cancel = (f'<form method="post" action="{self.cancel_url(p.id)}" class="d-grid" '
                      f'data-confirm="{self.confirm % {"name": name}}">'
                      f'<input type="hidden" name="csrf_token" value="{self.csrf}">'
                      f'<button type="submit" class="btn btn-sm btn-outline-danger" title="{t["cancel"]}" '
                      f'aria-label="{t["cancel"]}">{t["unregister"]}<span class="visually-hidden"> ({t["cancel"]})'
                      f'</span></button></form>')
        return (f'<div class="d-flex flex-column flex-sm-row justify-content-end gap-1 text-nowrap">{edit}'
                f'<a class="btn btn-sm btn-outline-secondary" href="{self.badge_url(p.id)}">{t["badge"]}</a>'
                f'{cancel}</div>')
