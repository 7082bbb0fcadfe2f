"""The API's blueprints (one per group of resources: the groups of the documentation)."""
from flask_smorest import Blueprint

meetings = Blueprint("api_meetings", __name__, description="Meetings, their agenda and participants")
reference = Blueprint("api_reference", __name__,
                      description="Read-only lists: regions, agencies, indicators, programme codes")
commitments = Blueprint("api_commitments", __name__, description="Commitments and their lifecycle")
progress = Blueprint("api_progress", __name__, description="Quarterly progress updates")
figures = Blueprint("api_figures", __name__, description="Dashboard figures and documents")

ALL = (meetings, reference, commitments, progress, figures)
