"""Every model, imported in one place so Alembic and relationship strings see them all."""
from rakor.api.models import ApiToken, WebhookDelivery, WebhookEndpoint  # noqa: F401
from rakor.auth.models import User  # noqa: F401
from rakor.commitments.models import Commitment, CommitmentEvent, IndicatorBaseline  # noqa: F401
from rakor.mail.models import OutboundMail, OutboundMailAttachment  # noqa: F401
from rakor.meetings.models import AgendaItem, Material, Meeting, MeetingTransition, Topic  # noqa: F401
from rakor.minutes.models import Minutes, MinutesPdf, MinutesRevision  # noqa: F401
from rakor.notices.models import Notice  # noqa: F401
from rakor.numbering.models import NumberingScheme, NumberSequence, RegisteredNumber  # noqa: F401
from rakor.participants.models import Invitation, InvitationLetter, Participant, SeatQuota  # noqa: F401
from rakor.progress.models import (  # noqa: F401
    LocalHoliday,
    ProgressEvidence,
    ProgressReminder,
    ProgressReview,
    ProgressUpdate,
)
from rakor.regions.models import Agency, Programme, Region  # noqa: F401
