"""Programme commitments: what each region commits to at a meeting, agreed by the committee."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("commitments", __name__)


def init_app(app):
    from rakor.commitments.models import AgreementRecord
    from rakor.core import page_cache
    from rakor.storage import columns as stored_files

    stored_files.register(AgreementRecord, "final berita acara PDFs")
    from rakor.commitments import notices as commitment_notices
    from rakor.commitments import rules, views  # noqa: F401  (policy rules, routes)
    from rakor.commitments.cli import commitments_cli, indicators_cli
    from rakor.commitments.documents import AGREEMENT, finalise_agreement, verified_agreement
    from rakor.commitments.sections import earlier_commitments_block, meeting_section
    from rakor.documents import registry as documents
    from rakor.documents import verification
    from rakor.meetings import hooks
    from rakor.meetings.lifecycle import MINUTES_FINAL

    # Kept apart from the rest of the meeting page: a commitment submitted re-renders this section only.
    hooks.sections.register("commitments", template="commitments/_meeting_section.html",
                            loader=meeting_section, order=30, part=page_cache.COMMITMENTS)
    hooks.follow_up_blocks.register("commitments", template="commitments/_follow_up_block.html",
                                    loader=earlier_commitments_block, order=10)
    hooks.tabs.register("commitments", label=_l("Commitments"), endpoint="commitments.index",
                        action="meeting.view", order=15)
    documents.register(AGREEMENT)
    commitment_notices.register()
    verification.register("agreement", verified_agreement, order=20)
    # The meeting's commitments close with "minutes final": the berita acara becomes final then.
    hooks.transition_effects.register(MINUTES_FINAL, "agreement", finalise_agreement)
    app.cli.add_command(indicators_cli)
    app.cli.add_command(commitments_cli)
    app.register_blueprint(bp)
