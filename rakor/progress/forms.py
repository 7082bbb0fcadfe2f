"""Progress forms: one row per commitment in the quarterly table (the same row serves the
single-update page), numbers and Rupiah typed the Indonesian way ('6,00' and '6.00' alike),
and the review and local-holiday forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from rakor.commitments.forms import DecimalTextField, RupiahField
from rakor.core.datetime_fields import DateTextField
from rakor.core.forms import BaseForm, choices
from rakor.progress.lifecycle import UpdateStatus


def status_choices():
    return choices([("", "—"), *((s.value, s.label) for s in UpdateStatus)])


class UpdateRowForm(BaseForm):
    """One commitment's report for the period. Left empty, the row is skipped."""

    realised_value = DecimalTextField(_l("Realised value"), validators=[Optional()])
    percent = DecimalTextField(_l("Percent achieved"), validators=[Optional()])
    budget_realised = RupiahField(_l("Budget realised (Rp)"), validators=[Optional()])
    physical_percent = DecimalTextField(_l("Physical realisation (%)"), validators=[Optional()],
                                        description=_l("How much of the work is done (realisasi fisik), 0-100."))
    status = SelectField(_l("Status"), validators=[Optional()], choices=status_choices())
    narrative = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=5000)])
    obstacles = TextAreaField(_l("Obstacles (kendala)"), validators=[Optional(), Length(max=5000)])
    next_steps = TextAreaField(_l("Next steps"), validators=[Optional(), Length(max=5000)])
    evidence = FileField(_l("Evidence file (bukti dukung)"))
    confirm_percent = BooleanField(_l("Yes, this percent is right"))
    revision = HiddenField()  # the period's revision the row was based on

    def filled(self):
        return any(f.data not in (None, "", False) for f in (
            self.realised_value, self.percent, self.budget_realised, self.physical_percent, self.status, self.narrative,
            self.obstacles, self.next_steps)) or bool(self.evidence.data)

    def expected_revision(self):
        """The revision the row was based on; blank is "none yet" (0), so a row sent without
        it cannot overwrite a report made meanwhile, and anything else unreadable matches no
        revision (-1): the stale-edit check is never skipped."""
        value = str(self.revision.data or "").strip()
        if not value:
            return 0
        return int(value) if value.isascii() and value.isdigit() else -1


class PeriodForm(BaseForm):
    """The single-update page's period: a quarter, or a date for an ad-hoc update."""

    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=40)],
                         description=_l("A quarter (Triwulan III 2024) or a date (17/08/2024)."))


class CsrfForm(BaseForm):
    """The CSRF token of a page whose row forms carry none."""


class ReviewForm(BaseForm):
    note = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    expected = HiddenField()


class HolidayForm(BaseForm):
    day = DateTextField(_l("Date"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class BulkReviewForm(BaseForm):
    """Verify or send back the ticked updates (`update` = their ids, read by the view)."""

    action = SelectField(choices=choices([("verify", "verify"), ("return", "return")]),
                         validators=[DataRequired()])
    note = TextAreaField(_l("Reason for sending back (sent to each reporter)"),
                         validators=[Optional(), Length(max=1000)])


class MonitoringLetterForm(BaseForm):
    """The monitoring report's letter elements. Everything may stay empty while the report is a
    draft; issuing it asks for the addressee, the place and the whole signature block."""

    addressee = StringField(_l("Addressee (Yth.)"), validators=[Optional(), Length(max=300)],
                            description=_l("Whom the report goes to, e.g. Gubernur Kalimantan Selatan or Sekretaris "
                                           "Daerah Provinsi Kalimantan Selatan."))
    addressee_place = StringField(_l("Addressee's town (di ...)"), validators=[Optional(), Length(max=100)])
    place = StringField(_l("Place of signing"), validators=[Optional(), Length(max=100)],
                        description=_l("The town written before the date, e.g. Banjarbaru."))
    signer_position = StringField(_l("Signing officer's position (jabatan)"), validators=[Optional(), Length(max=200)],
                                  description=_l("The head of the organising agency, e.g. Kepala Bappeda Provinsi "
                                                 "Kalimantan Selatan."))
    signer_name = StringField(_l("Signing officer's name"), validators=[Optional(), Length(max=200)])
    signer_rank = StringField(_l("Rank and grade (pangkat/golongan)"), validators=[Optional(), Length(max=100)],
                              description=_l("E.g. Pembina Utama Muda (IV/c)."))
    signer_nip = StringField(_l("Signing officer's NIP"), validators=[
        Optional(), Regexp(r"^\s*[0-9]{8}\s?[0-9]{6}\s?[0-9]\s?[0-9]{3}\s*$", message=_l("A NIP has exactly 18 digits."))])
    copies = TextAreaField(_l("Copies to (tembusan)"), validators=[Optional(), Length(max=3000)],
                           description=_l("One addressee a line, e.g. Sekretaris Daerah Provinsi Kalimantan Selatan."))
    conclusions = TextAreaField(_l("Conclusions and general recommendations"), validators=[Optional(), Length(max=5000)],
                                description=_l("Printed after the obstacles and recommendations of each region; "
                                               "optional."))


class IssueForm(BaseForm):
    """Terbitkan laporan: the next number of the agency's register, or one typed from the
    agency's central mail office (never one given before)."""

    number = StringField(_l("Number from the central mail office (optional)"),
                         validators=[Optional(), Length(max=100)],
                         description=_l("Leave empty to take the next number of the agency's register."))
