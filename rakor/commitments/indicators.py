"""Topics and indicators (the measures commitments are given in), changed by the administrator.
Their official baseline values are read and edited in baselines.py."""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings.models import Topic


@dataclass
class IndicatorData:
    FIELDS = ("code", "name", "name_en", "is_indicator", "unit", "direction", "decimals", "default_source")

    code: str
    name: str
    name_en: str | None = None
    is_indicator: bool = False
    unit: str | None = None
    direction: str | None = None
    decimals: int | None = 2
    default_source: str | None = None


def save_indicator(topic: Topic | None, data: IndicatorData) -> Topic:
    """Create (topic None) or change a topic/indicator. A numeric indicator needs a unit and a
    direction (lower or higher is better): percent achieved depends on it."""
    code = re.sub(r"\s+", "_", (data.code or "").strip().upper())
    if not re.fullmatch(r"[A-Z0-9_.-]{1,40}", code):
        raise DomainError(_l("A code is letters, digits and _ . - only, e.g. KEMISKINAN."), field="code")
    other = db.session.scalar(select(Topic).where(Topic.code == code))
    if other is not None and other is not topic:
        raise DomainError(_l("Another indicator has this code."), field="code")
    direction = data.direction or None
    if direction not in (None, "lower", "higher"):
        raise DomainError(_l("Choose a direction."), field="direction")
    if data.is_indicator and (direction is None or not (data.unit or "").strip()):
        raise DomainError(_l("A numeric indicator needs a unit and a direction."), field="direction")
    if topic is None:
        topic = Topic()
        db.session.add(topic)
    topic.code, topic.name = code, data.name.strip()
    topic.name_en = (data.name_en or "").strip() or None
    topic.is_indicator = bool(data.is_indicator)
    topic.unit = (data.unit or "").strip() or None
    topic.direction = direction if data.is_indicator else None
    topic.decimals = 2 if data.decimals is None else data.decimals
    topic.default_source = (data.default_source or "").strip() or None
    db.session.flush()
    return topic
