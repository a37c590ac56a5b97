"""The one transaction rule: a service that changes data commits when it succeeds and rolls back when it fails.

    @transaction("This milestone")
    def mark_complete(milestone, *, ...): ...

On success the change is committed. On any error it is rolled back and the error raised again, so a route never
commits or rolls back: it turns a DomainError into the message next to its field (app.web.applied). SQLAlchemy's
stale-version error (someone else saved first), raised at any flush, becomes ConflictError("This milestone …").
A service called by another runs inside the caller's transaction: only the outermost one commits.

The commit keeps what the session holds (no expire on commit): the route then builds its answer (the redirect, the
"saved" message) from the records as they were written, without reading them again. A read after the commit could
fail (the database gone a moment later) and turn a change that is saved into an error page, and a person who then
retries would save it twice. The next request reads everything afresh: each request has its own session.
"""

from functools import wraps

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.errors import ConflictError

_DEPTH = "transaction_depth"


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
                    _commit_keeping_what_is_held()
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

        return run

    return decorator


def _commit_keeping_what_is_held() -> None:
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
