"""Flask extensions, created unbound and initialised in `create_app`."""
from flask import has_request_context, request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import SelectPagination
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can alter and drop them on every backend (SQLite included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


MAX_PAGE = 100_000


class RowPagination(SelectPagination):
    """A page of a select of columns, each row made into `row_type` (a read model)."""

    def _query_items(self):
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        make = self._query_args["row_type"]
        return [make(*row) for row in db.read(select)]


def _page_arg(page):
    """`?page=` read leniently and bounded: 10**20 made an OFFSET no database accepts (a 500)."""
    if page is None and has_request_context():
        from rakor.core.urls import int_arg

        page = int_arg(request.args, "page", 1, MAX_PAGE) or 1
    return page


class _SQLAlchemy(SQLAlchemy):
    def read(self, statement, params=None):
        """The rows of a select of columns (a read model, not ORM objects), run on the session's
        connection in its transaction. Session.execute runs the ORM's statement handling even
        for columns (compile state, execute events, the result's ORM wrapping): a third or more of
        such a statement's CPU (in process: the commitment list 0.65 against 0.40 ms, the meeting's
        participant figures 0.37 against 0.24 ms; bench/issue20-figures.md, stop 31). Pending
        changes are flushed first, as Session.execute would (unless inside `no_autoflush`)."""
        session = self.session()
        if session.autoflush:
            session.flush()  # nothing to do, and cheap, when nothing is pending
        return session.connection().execute(statement, params)

    def paginate(self, select, *, page=None, **kwargs):
        return super().paginate(select, page=_page_arg(page), **kwargs)

    def paginate_rows(self, select, row_type, *, page=None, per_page=None, max_per_page=None,
                      error_out=True, count=True):
        """`paginate` for a select of columns: its items are `row_type(*row)`, not ORM objects."""
        return RowPagination(select=select, session=self.session(), row_type=row_type, page=_page_arg(page),
                             per_page=per_page, max_per_page=max_per_page, error_out=error_out, count=count)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
