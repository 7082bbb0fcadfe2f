import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core import page_cache
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db
from rakor.policy import ROLES
from rakor.regions.models import Agency


class UserManagedAgency(db.Model):
    """An agency a committee user manages beside its own, or a leadership user oversees beside
    its own (issue 22, tenancy): a provincial secretariat helping a regency. The administrator
    edits them on the user's page; rakor/auth/tenancy.py reads them."""

    __tablename__ = "user_managed_agency"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)

    def page_cache_scopes(self):
        """Which meetings a user sees and manages: any page (rakor/core/page_cache.py)."""
        return {page_cache.GLOBAL}


user_managed_agency = UserManagedAgency.__table__


def new_session_token():
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        CheckConstraint("role != 'delegate' OR agency_id IS NOT NULL", name="delegate_has_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the Flask-Login id: rotating it logs out every existing session of the user
    # (disable, password change) without any server-side session store.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # The secret of the user's private calendar feed (/calendar/feed/<token>.ics); None until
    # asked for, replaced or removed to revoke a subscription (meetings/feed.py).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Loaded when asked for (three pages name the delegate's agency): every request loads the
    # signed-in user, and joining agency, region and province into that query was a fifth of a
    # cached meeting page's CPU. Lists of users join it themselves (admin.queries).
    agency: Mapped[Agency | None] = relationship(lazy="select")

    @property
    def is_active(self):
        return self.active

    def page_cache_scopes(self):
        """Pages show users by name and act on their role and agency; a sign-in (its timestamp,
        its session token) changes no page (rakor/core/page_cache.py)."""
        if page_cache.changed(self, "name", "email", "role", "agency_id", "active"):
            return {page_cache.GLOBAL}
        return set()

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self):
        self.session_token = new_session_token()

    def __repr__(self):
        return f"<User {self.email} {self.role}>"
