"""A webhook turn's unit of work: one Connection transaction, which the turn's ORM Session joins
only if the turn uses mapped objects.

A webhook turn runs its statements through core.storage.prepared on the connection, so most turns
never touch the ORM; yet a Session transaction around them cost more than the statements' own
driver work (its transaction object, the connection handed out through it, the commit's state
machine and events: about 0.26 M instructions a turn, BENCHMARKS.md, issue 24). Here the turn
begins the Connection's transaction itself and binds its Session to that connection
(`join_transaction_mode="rollback_only"`): a lookup by primary key, a flush or a SAVEPOINT still
works, on the same connection and in the same transaction, and a rollback still rolls back all of it.

What the Session's commit did is done here in the same order: the disclosure rows
(core.privacy.audit), the ORM's flush, COMMIT, then the actions kept for after the commit
(core.storage.db.after_commit), or on a rollback the actions kept for that case.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from core.privacy.audit import drop_pending, write_pending
from core.storage import turn_connection
from core.storage.db import end_after_commit_actions

_CONNECTION = "ansinh.turn_unit"


def begin(factory: sessionmaker[Session]) -> Session:
    """A session for one turn whose transaction is its own connection's, begun here (a factory
    bound to anything but an Engine gives its own session, as before)."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        return factory()
    connection = bind.connect()
    try:
        connection.begin()
        session = factory(bind=connection, join_transaction_mode="rollback_only")
    except BaseException:
        connection.close()
        raise
    session.info[_CONNECTION] = connection
    turn_connection.keep(session, connection)
    return session


def commit(session: Session) -> None:
    """Commit the turn: session.commit() for a session `begin` did not open."""
    connection: Connection | None = session.info.get(_CONNECTION)
    if connection is None:
        session.commit()
        return
    write_pending(session, committing=True)
    joined = session.in_transaction()
    if joined:
        session.flush()
    connection.commit()
    if joined:
        session.commit()  # ends the joined transaction (COMMIT was sent above): its listeners run now
    else:
        end_after_commit_actions(session, committed=True)
        turn_connection.forget(session)


def rollback(session: Session) -> None:
    """Roll the turn back: session.rollback() for a session `begin` did not open."""
    connection: Connection | None = session.info.get(_CONNECTION)
    if connection is None:
        session.rollback()
        return
    if session.in_transaction():
        session.rollback()  # rolls the connection's transaction back too (rollback_only)
    if connection.in_transaction():
        connection.rollback()
    drop_pending(session)
    end_after_commit_actions(session, committed=False)
    turn_connection.forget(session)


def end(session: Session) -> None:
    """After the turn: one neither committed nor rolled back (a redelivery answered from the
    record, an error on the way) is rolled back, as Session.close() did; the connection goes back
    to the pool."""
    connection: Connection | None = session.info.get(_CONNECTION)
    if connection is None:
        session.close()
        return
    try:
        if connection.in_transaction() or session.in_transaction():
            rollback(session)
        if session.identity_map or session.new or session.deleted:
            session.close()  # detach what the turn loaded
    finally:
        session.info.pop(_CONNECTION, None)
        connection.close()
