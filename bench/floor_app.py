"""The floor under the webhook benchmarks: what a request costs when it does AnSinh's database work
and nothing else. Not a product, only a measuring stick (BENCH_FLOOR=1 in bench/web_bench.py).

Each route runs the very statements AnSinh runs for the web benchmark's requests (captured from
its SQLAlchemy engine), on the same demo database, through raw sqlite3 with AnSinh's own write
lock (core.sqlite_writes), and answers a fixed text: no SQLAlchemy, no menu, no NLU, no catalogs,
no TwiML builder. USSD: a dial-in reads the caller; "1" also reads the menu position and this
month's payment, then writes the position and the disclosure row. SMS: one HMAC for the Twilio
signature, then the dedupe read, the caller, the memory, the payment, and three writes (dedupe,
memory, disclosure). Its keys and message ids begin "floor:", so AnSinh, measured after it on the
same database, finds none of them stored. If this app cannot reach a ratio, no AnSinh can.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

from flask import Flask, abort, request
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator, compare

from core.sqlite_writes import LockingConnection, write_lock_for

ASKER = ("SELECT identities.id, identities.verified, persons.id, persons.language, contacts.role, beneficiaries.* "
         "FROM identities JOIN persons ON persons.id = identities.person_id "
         "LEFT OUTER JOIN contacts ON contacts.person_id = persons.id AND contacts.removed_at IS NULL "
         "LEFT OUTER JOIN beneficiaries ON beneficiaries.id = contacts.beneficiary_id "
         "WHERE identities.kind = ? AND identities.address = ?")
STATE = 'SELECT value, expires_at FROM state_entries WHERE "key" = ?'
PAYMENT = "SELECT * FROM payments WHERE beneficiary_id = ? AND period = ?"
SEEN = "SELECT response FROM seen_messages WHERE provider = ? AND message_id = ?"
SET_STATE = ('INSERT INTO state_entries ("key", value, expires_at) VALUES (?, ?, ?) '
             'ON CONFLICT ("key") DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at')
AUDIT = "INSERT INTO audit_log (at, actor, action, beneficiary_id, channel, detail) VALUES (?, ?, ?, ?, ?, ?)"
ADD_SEEN = "INSERT INTO seen_messages (provider, message_id, response, at) VALUES (?, ?, ?, ?)"
MENU = "CON Chao ong\n1 Tien thang nay\n2 Ngay va noi nhan tien\n3 So tien, vi sao\n4 Cac thang truoc"
ANSWER = "Tien tro cap thang nay: 500.000d, da chi tra vao tai khoan ...9503 ngay 04/11."
TWIML = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{ANSWER}</Message></Response>'


def create_app() -> Flask:
    app = Flask(__name__)
    path = make_url(os.environ["ANSINH_DATABASE_URL"]).database
    validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN", ""))
    public_url = os.environ.get("ANSINH_PUBLIC_URL", "").rstrip("/")
    local = threading.local()

    def db() -> sqlite3.Connection:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = sqlite3.connect(path, factory=LockingConnection, check_same_thread=False)
            connection.write_lock = write_lock_for(path)
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=15000")
        return connection

    def now() -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)

    def beneficiary(connection: sqlite3.Connection, phone: str) -> int | None:
        rows = connection.execute(ASKER, ("phone", phone)).fetchall()
        return rows[0][5] if rows else None

    def disclose(connection: sqlite3.Connection, channel: str, phone: str, who: int | None) -> None:
        connection.execute(AUDIT, (now(), f"{channel}:{phone}", "disclose.payment_status", who, channel,
                                   json.dumps({"period": now().strftime("%Y-%m"), "status": "paid"})))

    @app.post("/ussd/africastalking")
    def ussd():
        form = request.form
        key, phone = "floor:ussd:" + form.get("sessionId", ""), form.get("phoneNumber", "")
        connection = db()
        if not form.get("text"):
            beneficiary(connection, phone)
            return MENU, 200, {"Content-Type": "text/plain; charset=utf-8"}
        connection.execute(STATE, (key,)).fetchone()
        who = beneficiary(connection, phone)
        connection.execute(PAYMENT, (who, now().strftime("%Y-%m"))).fetchone()
        connection.execute(SET_STATE, (key, json.dumps({"phone": phone, "depth": 1, "screen": "answer", "b": who}),
                                       now() + timedelta(seconds=180)))
        disclose(connection, "ussd", phone, who)
        connection.commit()
        return "END " + ANSWER, 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.post("/sms/twilio")
    def sms():
        form = request.form
        if not compare(validator.compute_signature(public_url + request.path, form),
                       request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        sid, phone = "floor:" + form.get("MessageSid", ""), form.get("From", "")
        connection = db()
        if connection.execute(SEEN, ("twilio", sid)).fetchone() is not None:
            return TWIML, 200, {"Content-Type": "application/xml"}
        who = beneficiary(connection, phone)
        key = f"floor:dialog:phone:{phone}"
        connection.execute(STATE, (key,)).fetchone()
        connection.execute(PAYMENT, (who, now().strftime("%Y-%m"))).fetchone()
        try:
            connection.execute(ADD_SEEN, ("twilio", sid, TWIML, now()))
        except sqlite3.IntegrityError:  # a twin delivery committed first (as AnSinh: answered from the store)
            connection.rollback()
            return TWIML, 200, {"Content-Type": "application/xml"}
        connection.execute(SET_STATE, (key, json.dumps({"intent": "payment_status"}), now() + timedelta(minutes=45)))
        disclose(connection, "sms", phone, who)
        connection.commit()
        return TWIML, 200, {"Content-Type": "application/xml"}

    return app
