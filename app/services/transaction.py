"""The one transaction rule: a service that changes data commits when it succeeds and rolls back when it fails.

    @transaction("This milestone")
    def mark_complete(milestone, *, ...): ...

On success the change is committed. On any error it is rolled back and the error raised again, so a route never
commits or rolls back: it turns a DomainError into the message next to its field (app.web.applied). SQLAlchemy's
stale-version error (someone else saved first), raised at any flush, becomes ConflictError("This milestone …").
A service called by another runs inside the caller's transaction: only the outermost one commits.

The commit expires what the session holds (SQLAlchemy's default), so whatever is read next is read as stored. A
route therefore builds its answer (the redirect, the "saved" message) from what it read before the change, never
from the records after it: a read after the commit could fail (the database gone a moment later) and turn a change
that is saved into an error page (docs/architecture.md, "No read after a commit").
"""

from functools import wraps

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.errors import ConflictError

_DEPTH = "transaction_depth"
_BEFORE_COMMIT = "before_commit"


def before_commit(work) -> None:
    """Do `work` just before the outermost transaction commits (and not at all if it fails): how something is saved
    in the same transaction as a change it did not make (app.services.submissions)."""
    db.session.info.setdefault(_BEFORE_COMMIT, []).append(work)


def drop_before_commit() -> None:
    db.session.info.pop(_BEFORE_COMMIT, None)


def transaction(what: str = "This record"):
    """`what` names the record in the "changed by someone else" message; a call may pass its own as `what=`."""

    def decorator(change):
        @wraps(change)
        def run(*args, **kwargs):
            info = db.session.info
            outermost = not info.get(_DEPTH)
            info[_DEPTH] = info.get(_DEPTH, 0) + 1
            try:
                result = change(*args, **kwargs)
                if outermost:
                    _commit()
                return result
            except StaleDataError as error:
                if outermost:
                    db.session.rollback()
                raise ConflictError(kwargs.get("what", what)) from error
            except BaseException:
                if outermost:
                    db.session.rollback()
                raise
            finally:
                info[_DEPTH] -= 1
                if outermost:
                    info.pop(_BEFORE_COMMIT, None)

        return run

    return decorator


def _commit() -> None:
    for work in db.session.info.pop(_BEFORE_COMMIT, []):
        work()
    db.session.commit()
