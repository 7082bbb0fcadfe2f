"""The one way a view commits: `with domain_action(form) as done: services.x(...)`.

Services flush and raise `DomainError`; they never commit. The block commits what the service
did, or, on a `DomainError`, rolls back and reports the error where the user is looking: on the
form (the field the error names, else the form), else through `on_error`, else as a flash.
Any other exception rolls back and propagates (a 500, logged). `done.ok` tells the view which
happened. Same idea as Indico's commit-once in `indico/web/rh.py`, scoped to a block so a view
that only re-renders a form never commits.
"""
from contextlib import contextmanager
from types import SimpleNamespace

from flask import flash

from rakor.core.errors import DomainError
from rakor.core.forms import add_domain_error
from rakor.extensions import db


@contextmanager
def domain_action(form=None, on_error=None):
    outcome = SimpleNamespace(ok=False, error=None)
    try:
        yield outcome
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        outcome.error = error
        if on_error is not None:
            on_error(error)
        elif form is not None:
            add_domain_error(form, error)
        else:
            flash(str(error.message), "danger")
    except BaseException:
        db.session.rollback()
        raise
    else:
        outcome.ok = True
