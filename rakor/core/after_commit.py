"""Work that follows a commit: what a transaction changed is collected while it flushes and
executes, and acted on only once it has committed (a rollback forgets it).

The page cache moves the versions of the scopes a transaction touched; the API's token cache
moves its generation counter when a user or token changed. Both must act after the commit, never
before (a reader between the two would keep the old data under the new version), and both must
forget what a rolled-back transaction collected.
"""
from sqlalchemy import event
from sqlalchemy.orm import Session

_installed = set()


def follow_commits(key, *, on_flush, on_execute, on_commit):
    """Install, once per process (every app shares SQLAlchemy's Session class):
    - `on_flush(session, flush_context)` and `on_execute(orm_execute_state)`, which record what
      they see in `session.info[key]`;
    - `on_commit(collected)`, called after a commit with what `session.info[key]` held (when
      it held anything), which it no longer holds afterwards."""
    if key in _installed:
        return
    _installed.add(key)

    def after_commit(session):
        collected = session.info.pop(key, None)
        if collected:
            on_commit(collected)

    def after_transaction_end(session, transaction):
        # Only when the outermost transaction ends (a rollback; a commit popped it already): a
        # savepoint rolled back inside a transaction that then commits keeps what was collected.
        if transaction.parent is None:
            session.info.pop(key, None)

    event.listen(Session, "after_flush", on_flush)
    event.listen(Session, "do_orm_execute", on_execute)
    event.listen(Session, "after_commit", after_commit)
    event.listen(Session, "after_transaction_end", after_transaction_end)
