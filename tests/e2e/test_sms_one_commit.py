"""An SMS turn writes its MessageSid, its audit rows and the conversation memory in one commit, so
twin deliveries of one MessageSid racing each other still have one effect, and a turn that fails
leaves nothing remembered (Twilio's retry gets a real answer)."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from ansinh import create_app
from ansinh.runtime import Runtime
from core.storage.dedupe import DatabaseDedupe
from core.models import AuditLog, Complaint, SeenMessage, StateEntry
from tests.conftest import REDIS_URL
from tests.e2e.test_sms_twilio import inbound, messages, signed_post
from tests.ussd_factories import LAI_AMOUNT_VI, LAI_PHONE, build_world


@pytest.fixture
def world(sessions):
    return build_world(sessions)


def _count(sessions, model, *where) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_one_commit_holds_the_answer_the_audit_row_the_memory_and_the_message_id(app, client, settings,
                                                                                 world, runtime, sessions):
    commits = []

    def count_commit(connection):
        commits.append(1)

    fields = inbound(LAI_PHONE, "tien thang nay ve chua")
    # Every engine: on PostgreSQL the turns run on an autocommit twin of runtime.engine (core.storage.db).
    event.listen(Engine, "commit", count_commit)
    try:
        assert LAI_AMOUNT_VI in messages(signed_post(client, settings, "/sms/twilio", fields))[0]
    finally:
        event.remove(Engine, "commit", count_commit)
    assert len(commits) == 1
    assert _count(sessions, SeenMessage, SeenMessage.message_id == fields["MessageSid"]) == 1
    assert _count(sessions, AuditLog, AuditLog.action.like("disclose.%")) == 1
    if runtime.settings.redis_url is None:
        assert _count(sessions, StateEntry, StateEntry.key.like("dialog:phone:%")) == 1


@pytest.fixture(params=["database", "redis"])
def twin_app(request, app, settings, clock, engine, sessions):
    """The app with MessageSids kept in the database (the unique key is the claim) or in Redis
    (SET NX is the claim, replaced by the answer after the commit)."""
    if request.param == "database":
        return app
    if not REDIS_URL:
        pytest.skip("ANSINH_TEST_REDIS_URL not set")
    runtime = Runtime(settings.with_(redis_url=REDIS_URL), clock)
    runtime.__dict__["engine"], runtime.__dict__["sessions"] = engine, sessions
    return create_app(runtime.settings, runtime=runtime)


def test_twin_deliveries_racing_each_other_have_one_effect(twin_app, settings, world, sessions, monkeypatch):
    """Both deliveries are checked before either commits. In the database both pass the look-up;
    the MessageSid row lets one commit, the other rolls back and answers with the first one's
    TwiML. In Redis the check is the claim: the second finds it and asks Twilio to retry (503)."""
    app = twin_app
    dedupe = app.extensions["ansinh.ussd"].dedupe
    both_checked = threading.Barrier(2, timeout=20)
    original = dedupe.check

    checked: list[int] = []

    def check_then_wait(session, provider, message_id):
        try:
            original(session, provider, message_id)
        finally:  # a twin turned away at its check has still been checked; later retries do not wait
            if len(checked) < 2:
                checked.append(1)
                both_checked.wait()

    monkeypatch.setattr(dedupe, "check", check_then_wait)
    fields = inbound(LAI_PHONE, "khieu nai: chua nhan duoc tien thang nay", sid=f"SM{uuid.uuid4().hex}")
    answers: list = [None, None]

    def deliver(index: int) -> None:
        answers[index] = signed_post(app.test_client(), settings, "/sms/twilio", fields)

    twins = [threading.Thread(target=deliver, args=(i,)) for i in range(2)]
    for twin in twins:
        twin.start()
    for twin in twins:
        twin.join(60)
    assert all(a is not None for a in answers)
    answered = [a for a in answers if a.status_code == 200]
    assert answered and all(a.status_code in (200, 503) for a in answers)
    assert all(a.get_data() == answered[0].get_data() for a in answered)
    assert messages(answered[0])[0]
    assert _count(sessions, Complaint) == 1
    if isinstance(dedupe, DatabaseDedupe):  # the loser waits for the winner's commit, then repeats its answer
        assert len(answered) == 2
        assert _count(sessions, SeenMessage, SeenMessage.message_id == fields["MessageSid"]) == 1
    again = signed_post(app.test_client(), settings, "/sms/twilio", fields)  # Twilio's later retry
    assert again.status_code == 200 and again.get_data() == answered[0].get_data()
    assert _count(sessions, Complaint) == 1


def test_a_turn_that_fails_is_not_remembered(app, client, settings, world, sessions, monkeypatch):
    dialog = app.extensions["ansinh.ussd"].dialog
    fields = inbound(LAI_PHONE, "tien thang nay ve chua")

    def broken(turn):
        raise RuntimeError("answer failed")

    monkeypatch.setattr(dialog, "_route", broken)
    sorry = messages(signed_post(client, settings, "/sms/twilio", fields))[0]
    assert "1900" in sorry and LAI_AMOUNT_VI not in sorry
    assert _count(sessions, SeenMessage, SeenMessage.message_id == fields["MessageSid"]) == 0
    monkeypatch.undo()
    # Twilio's retry
    assert LAI_AMOUNT_VI in messages(signed_post(client, settings, "/sms/twilio", fields))[0]
    assert _count(sessions, SeenMessage, SeenMessage.message_id == fields["MessageSid"]) == 1


def test_an_unchanged_memory_is_rewritten_only_as_it_nears_its_end(client, settings, world, runtime, clock):
    """Asking the same again changes nothing in the conversation's memory: no write, until less than
    MEMORY_TTL is left, so a follow-up within half an hour of any message still finds it."""
    if runtime.settings.redis_url is not None:
        pytest.skip("the memory is in Redis, whose keys expire by its own clock")
    writes: list[str] = []

    def watch(_connection, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO state_entries"):
            writes.append(statement)

    def ask() -> str:
        return messages(signed_post(client, settings, "/sms/twilio",
                                    inbound(LAI_PHONE, "tien thang nay ve chua")))[0]

    event.listen(Engine, "before_cursor_execute", watch)
    try:
        assert LAI_AMOUNT_VI in ask() and len(writes) == 1
        clock.advance(minutes=14)
        assert LAI_AMOUNT_VI in ask() and len(writes) == 1  # 31 minutes left: left alone
        clock.advance(minutes=2)
        assert LAI_AMOUNT_VI in ask() and len(writes) == 2  # 29 left: kept for longer again
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
    key = f"dialog:phone:{LAI_PHONE}"
    assert runtime.state.recall(key).expires_at - clock.now() > timedelta(minutes=30)
