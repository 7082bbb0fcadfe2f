"""How far a commitment should be by the end of a period, if its target is reached evenly from
its agreement to its target date. The percent achieved is measured against the final target, so
a first quarter's "17,4 %" next to "on track" reads as a contradiction unless the page also says
that about a quarter of the way was expected by then."""
from datetime import datetime
from decimal import Decimal

from rakor.core.formatting import local_date
from rakor.progress import periods


def expected_share(commitment, period_key) -> Decimal | None:
    """Percent of the way to the target expected at the end of period `period_key`; None when
    the commitment has no target date or the period cannot be read."""
    target_day = getattr(commitment, "target_date", None)
    began = getattr(commitment, "agreed_at", None) or getattr(commitment, "created_at", None)
    if target_day is None or began is None or not period_key:
        return None
    try:
        period_end = periods.parse_period(period_key).end
    except ValueError:
        return None
    start = local_date(began) if isinstance(began, datetime) else began
    if period_end >= target_day or target_day <= start:
        return Decimal(100)
    if period_end <= start:
        return Decimal(0)
    share = Decimal((period_end - start).days) / Decimal((target_day - start).days) * 100
    return share.quantize(Decimal("1"))
