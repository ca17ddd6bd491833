"""The floor under the webhook benchmarks: what a request costs when it does AnSinh's database work
and nothing else. Not a product, only a measuring stick (bench/web_bench.py, bench/turn_bench.py).

Each route runs the very statements AnSinh runs for the web benchmark's requests (captured from
its SQLAlchemy engine), on the same demo database, and answers a fixed text: no SQLAlchemy, no
menu, no NLU, no catalogs, no TwiML builder. SQLite: raw sqlite3 with AnSinh's own write lock
(core.storage.sqlite_writes). PostgreSQL: raw psycopg (its BEGIN, as AnSinh's), and with ANSINH_REDIS_URL
the menu positions, memories and dedupe keys in Redis with AnSinh's round trips (a SET NX claim,
a GET+PTTL pipeline, then the SETs after the commit).

USSD: the gateway's key compared in constant time (ANSINH_USSD_SECRET, as AnSinh's guard), then
a dial-in reads the caller with this month's payments; "1" also reads the menu position,
then the unit's cash days (a status answer names them), then writes the position and the
disclosure row. SMS: one HMAC for the Twilio signature, then the dedupe read, the caller with this
month's payments, the unit's cash days, the memory, and the writes (dedupe, memory, disclosure).
Keys and message ids begin "floor:", so AnSinh, measured after it on the same database, finds
none of them stored. If this app cannot reach a ratio, no AnSinh can.
"""
from __future__ import annotations

import hmac
import json
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

from flask import Flask, abort, request
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator, compare

from core.storage.sqlite_writes import LockingConnection, write_lock_for

USSD_TTL, MEMORY_TTL, SEEN_TTL = 180, 45 * 60, 7 * 24 * 3600
ASKER = ("SELECT identities.id, identities.verified, persons.id, persons.language, contacts.role, "
         "beneficiaries.*, payments.* "
         "FROM identities JOIN persons ON persons.id = identities.person_id "
         "LEFT OUTER JOIN contacts ON contacts.person_id = persons.id AND contacts.removed_at IS NULL "
         "LEFT OUTER JOIN beneficiaries ON beneficiaries.id = contacts.beneficiary_id "
         "LEFT OUTER JOIN payments ON payments.beneficiary_id = beneficiaries.id AND payments.period = ? "
         "WHERE identities.kind = ? AND identities.address = ?")  # the caller with this month's payments
# The unit's cash days from this month on: what a status answer for a payment not yet made names.
CASH_DAYS = ("SELECT id, unit_code, period, start_date, end_date, hours, place FROM cash_schedules "
             "WHERE unit_code IN (?) AND method = ? AND period >= ? "
             "ORDER BY unit_code, period, start_date, place")
STATE = 'SELECT value, expires_at FROM state_entries WHERE "key" = ?'
SEEN = "SELECT response FROM seen_messages WHERE provider = ? AND message_id = ?"
SET_STATE = ('INSERT INTO state_entries ("key", value, expires_at) VALUES (?, ?, ?) '
             'ON CONFLICT ("key") DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at')
AUDIT = "INSERT INTO audit_log (at, actor, action, beneficiary_id, channel, detail) VALUES (?, ?, ?, ?, ?, ?)"
ADD_SEEN = "INSERT INTO seen_messages (provider, message_id, response, at) VALUES (?, ?, ?, ?)"
MENU = "CON Chao ong\n1 Tien thang nay\n2 Ngay va noi nhan tien\n3 So tien, vi sao\n4 Cac thang truoc"
ANSWER = "Tien tro cap thang nay: 500.000d, da chi tra vao tai khoan ...9503 ngay 04/11."
TWIML = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{ANSWER}</Message></Response>'


class Twin(Exception):
    """This MessageSid was answered already (AnSinh answers it from the store)."""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def period() -> str:
    return now().strftime("%Y-%m")


def audit_row(channel: str, phone: str, who: int | None) -> tuple:
    return (now(), f"{channel}:{phone}", "disclose.payment_status", who, channel,
            json.dumps({"period": period(), "status": "paid"}))


def _who(cursor) -> tuple:
    """(beneficiary id, its unit, how it is paid) from the caller's first row, or Nones."""
    rows = cursor.fetchall()  # a guardian's row per person looked after, as AnSinh reads them all
    if not rows:
        return None, None, None
    row = rows[0]
    names = [column[0] for column in cursor.description]  # beneficiaries' columns come before payments'
    return row[5], row[names.index("unit_code")], row[names.index("method")]


class _Reads:
    """The reads both floors make, in the driver's parameter style (`_sql`)."""

    @staticmethod
    def _sql(statement: str) -> str:
        return statement  # sqlite3: "?" as written

    def _caller(self, connection, phone: str) -> int | None:
        return _who(connection.execute(self._sql(ASKER), (period(), "phone", phone)))[0]

    def _answer_reads(self, connection, phone: str) -> int | None:
        """The caller, then the unit's cash days, as a status answer reads them."""
        who, unit_code, method = _who(connection.execute(self._sql(ASKER), (period(), "phone", phone)))
        if who is not None:
            connection.execute(self._sql(CASH_DAYS), (unit_code, method, period())).fetchall()
        return who


class SqliteFloor(_Reads):
    """Everything in the one database file, every turn's writes in one transaction."""

    def __init__(self, path: str):
        self.path = path
        self.local = threading.local()

    def _db(self) -> sqlite3.Connection:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = sqlite3.connect(self.path, factory=LockingConnection,
                                                                 check_same_thread=False)
            connection.write_lock = write_lock_for(self.path)
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=15000")
        return connection


    def dial_in(self, phone: str) -> None:
        self._caller(self._db(), phone)

    def status_screen(self, key: str, phone: str) -> None:
        connection = self._db()
        connection.execute(STATE, (key,)).fetchone()
        who = self._answer_reads(connection, phone)
        connection.execute(SET_STATE, (key, json.dumps({"phone": phone, "screen": "answer", "b": who}),
                                       now() + timedelta(seconds=USSD_TTL)))
        connection.execute(AUDIT, audit_row("ussd", phone, who))
        connection.commit()

    def status_sms(self, sid: str, phone: str) -> None:
        connection = self._db()
        if connection.execute(SEEN, ("twilio", sid)).fetchone() is not None:
            raise Twin
        who = self._answer_reads(connection, phone)
        key = f"floor:dialog:phone:{phone}"
        connection.execute(STATE, (key,)).fetchone()
        try:
            connection.execute(ADD_SEEN, ("twilio", sid, TWIML, now()))
        except sqlite3.IntegrityError:  # a twin delivery committed first
            connection.rollback()
            raise Twin from None
        connection.execute(SET_STATE,
                           (key, json.dumps({"intent": "payment_status"}),
                            now() + timedelta(seconds=MEMORY_TTL)))
        connection.execute(AUDIT, audit_row("sms", phone, who))
        connection.commit()


class PostgresRedisFloor(_Reads):
    """PostgreSQL for the people, payments and disclosures; Redis for the rest (production mode)."""

    def __init__(self, url: str, redis_url: str):
        import psycopg
        import redis

        self.connect = lambda autocommit: psycopg.connect(url, autocommit=autocommit)
        self.redis = redis.Redis.from_url(redis_url)
        self.local = threading.local()

    def _db(self, autocommit: bool = False):
        name = "reader" if autocommit else "writer"
        connection = getattr(self.local, name, None)
        if connection is None:
            connection = self.connect(autocommit)
            setattr(self.local, name, connection)
        return connection

    @staticmethod
    def _sql(statement: str) -> str:
        return statement.replace("?", "%s")

    def dial_in(self, phone: str) -> None:
        self._caller(self._db(autocommit=True), phone)  # AnSinh's dial-in: one round trip, no BEGIN

    def status_screen(self, key: str, phone: str) -> None:
        self.redis.get(key)
        connection = self._db()
        who = self._answer_reads(connection, phone)
        connection.execute(self._sql(AUDIT), audit_row("ussd", phone, who))
        connection.commit()
        self.redis.set(key, json.dumps({"phone": phone, "screen": "answer", "b": who}), ex=USSD_TTL)

    def status_sms(self, sid: str, phone: str) -> None:
        seen = f"floor:seen:twilio:{sid}"
        if not self.redis.set(seen, "in-flight", nx=True, ex=60):  # the check is the claim
            raise Twin
        connection = self._db()
        who = self._answer_reads(connection, phone)
        key = f"floor:dialog:phone:{phone}"
        memory, ttl_ms = self.redis.pipeline(transaction=False).get(key).pttl(key).execute()
        connection.execute(self._sql(AUDIT), audit_row("sms", phone, who))
        connection.commit()
        self.redis.set(seen, TWIML, ex=SEEN_TTL)
        value = json.dumps({"intent": "payment_status"})
        # AnSinh skips an unchanged memory too
        if memory is None or memory.decode() != value or ttl_ms < 30 * 60 * 1000:
            self.redis.set(key, value, ex=MEMORY_TTL)


def create_app() -> Flask:
    app = Flask(__name__)
    url = make_url(os.environ["ANSINH_DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        floor = SqliteFloor(url.database)
    else:
        floor = PostgresRedisFloor(url.set(drivername="postgresql").render_as_string(hide_password=False),
                                   os.environ["ANSINH_REDIS_URL"])
    validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN", ""))
    public_url = os.environ.get("ANSINH_PUBLIC_URL", "").rstrip("/")
    ussd_key = os.environ.get("ANSINH_USSD_SECRET", "").encode()

    @app.post("/ussd/africastalking")
    def ussd():
        if not hmac.compare_digest(request.headers.get("X-AnSinh-Key", "").encode(), ussd_key):
            abort(401)
        form = request.form
        key, phone = "floor:ussd:" + form.get("sessionId", ""), form.get("phoneNumber", "")
        if not form.get("text"):
            floor.dial_in(phone)
            return MENU, 200, {"Content-Type": "text/plain; charset=utf-8"}
        floor.status_screen(key, phone)
        return "END " + ANSWER, 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.post("/sms/twilio")
    def sms():
        form = request.form
        if not compare(validator.compute_signature(public_url + request.path, form),
                       request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        try:
            floor.status_sms("floor:" + form.get("MessageSid", ""), form.get("From", ""))
        except Twin:
            pass  # AnSinh answers a twin with the stored answer: the same fixed text here
        return TWIML, 200, {"Content-Type": "application/xml"}

    return app
