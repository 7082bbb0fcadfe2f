"""What the participant view modules share: the phone filter, the delegate fields of a form,
the labels every participant page shows."""
from flask import flash
from flask_login import current_user

from rakor.participants.forms import GENDER_LABELS, ROLE_LABELS, STATUS_LABELS
from rakor.participants.invitations import registration_state
from rakor.participants.normalize import format_phone
from rakor.policy import DELEGATE

PARTICIPANT_FIELDS = ("name", "nip", "position", "rank", "phone", "email", "gender")


def phone_filter(value):
    return format_phone(value)


def raw_from_form(form) -> dict:
    return {name: getattr(form, name).data for name in PARTICIPANT_FIELDS}


def flash_warnings(warnings):
    for w in warnings:
        flash(str(w), "warning")


def is_delegate():
    return current_user.role == DELEGATE


def _resolved(labels):
    # Translated once per page: a lazy label resolves through Flask-Babel on every use (twice a
    # row of the participants list).
    return {key: str(label) for key, label in labels.items()}


def meeting_context(meeting):
    return {"meeting": meeting, "role_labels": _resolved(ROLE_LABELS), "gender_labels": _resolved(GENDER_LABELS),
            "status_labels": _resolved(STATUS_LABELS), "registration_state": registration_state(meeting)}
