"""The connection of a session's transaction, looked up once per transaction.

Session.connection() walks the session's transaction state machine on every call; a webhook turn
asks for it for each of its prepared statements (core.storage.prepared), five to eight times. The
connection a root transaction began on is kept in `session.info` from the session's after_begin
event until that transaction ends (after_transaction_end), so it is only ever the connection of the
transaction in progress: not a cache that can go stale. A session bound to several databases, or a
connection asked for with execution options, goes through Session.connection() as before. A webhook
turn's session (core.conversation.turn_unit) is given its connection by `keep` before any Session
transaction begins, and it is forgotten when the turn commits or rolls back.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

_KEY = "ansinh.turn_connection"


def connection_of(session: Session) -> Connection:
    """What session.connection() answers, without its walk once the transaction has begun."""
    connection = session.info.get(_KEY)
    return connection if connection is not None else session.connection()


def keep(session: Session, connection: Connection) -> None:
    """The turn's own connection (core.conversation.turn_unit), before any Session transaction begins."""
    session.info[_KEY] = connection


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_begin")
def _keep(session: Session, transaction, connection: Connection) -> None:
    if transaction.parent is not None:
        return
    bind = session.bind
    info = session.info
    if info.get(_KEY) is connection:  # the turn's own (keep), which this transaction joined
        return
    # Only the connection session.connection() itself answers: that of the session's own bind, in a
    # session with no per-mapper binds; a second connection in one transaction turns the shortcut off.
    ours = bind is not None and not session.binds and connection.engine is bind.engine and _KEY not in info
    info[_KEY] = connection if ours else None


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)
