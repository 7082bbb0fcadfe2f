"""Progress updates, through the reporting service."""
from rakor.progress import services
from rakor.progress.services import UpdateData


def update_data(period="2024-Q1", status="on_track", **fields) -> UpdateData:
    return UpdateData(period=period, status=status, **fields)


def make_update(commitment, by_user, period="2024-Q1", status="on_track", *, today=None, **fields):
    """The update of `period` reported by `by_user`; returns the ProgressUpdate."""
    return services.report(commitment, update_data(period, status, **fields), by_user, today=today).update
