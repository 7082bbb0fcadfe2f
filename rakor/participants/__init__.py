from flask import Blueprint

bp = Blueprint("participants", __name__)

from rakor.meetings import sections as meeting_sections  # noqa: E402
from rakor.participants import views  # noqa: E402

meeting_sections.register("participants/_meeting_section.html", views.meeting_section, order=20)
