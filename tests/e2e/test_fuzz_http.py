"""Generated requests against every public route (hypothesis): wrong types, missing fields, huge
bodies, invalid UTF-8, NFD text, emoji, control characters, SQL and template injection. None may
get a 500, and the database must stay consistent. ANSINH_FUZZ_EXAMPLES sets the count per test."""
from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, strategies as st
from sqlalchemy import func, select, text
from twilio.request_validator import RequestValidator

from core.models import Contact, Identity, OutboxMessage, Person
from tests.conftest import TODAY
from tests.fuzz_support import BROKEN_TEXT, JSON_JUNK, PHONE, RAW, TEXT, fuzz_settings, json_ascii, record
from tests.ussd_factories import USSD_AUTH, USSD_SECRET

APP_ID, OA_SECRET, TG_SECRET = "fuzz-app", "fuzz-oa-secret", "fuzz-tg-secret"
KANNEL_KEY = "fuzz-kannel-key"


@pytest.fixture
def settings(settings):
    return settings.with_(zalo_app_id=APP_ID, zalo_oa_secret_key=OA_SECRET, zalo_access_token="a",
                          zalo_refresh_token="r",
                          telegram_bot_token="7000000001:FUZZ", telegram_webhook_secret=TG_SECRET,
                          kannel_secret=KANNEL_KEY)


@pytest.fixture
def demo(sessions, clock):
    """A small slice of the demo province, so fuzzed phones and codes sometimes hit real people."""
    from ansinh.demo import load_demo

    load_demo(sessions, clock.today(), scale=0.01)


def _consistent(sessions) -> None:
    with sessions() as session:
        if session.bind.dialect.name == "sqlite":
            assert list(session.execute(text("PRAGMA foreign_key_check"))) == []
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        orphans = session.scalar(
            select(func.count()).select_from(Identity).outerjoin(Person).where(Person.id.is_(None))
        )
        assert orphans == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            (OutboxMessage.address == "") | (OutboxMessage.text == ""))) == 0
        assert (
            session.scalar(select(func.count()).select_from(Contact).where(Contact.person_id.is_(None))) == 0
        )


FORM_VALUE = st.one_of(TEXT, st.integers().map(str), st.just(""))


@fuzz_settings
@given(fields=st.dictionaries(st.sampled_from(["sessionId", "serviceCode", "phoneNumber", "networkCode",
                                               "text", "input", "x"]),
                              FORM_VALUE, max_size=6),
       path=st.sampled_from(["/ussd/africastalking", "/ussd/session"]), as_json=st.booleans(),
       raw=st.one_of(st.none(), RAW),
       credential=st.sampled_from(["header"] * 3 + ["basic"] * 2 + [None, "wrong"]))
def test_ussd_routes(client, demo, sessions, fields, path, as_json, raw, credential):
    basic = "Basic " + base64.b64encode(f"gw:{USSD_SECRET}".encode()).decode()
    headers = {"header": USSD_AUTH, "basic": {"Authorization": basic},
               "wrong": {"X-AnSinh-Key": USSD_SECRET + "x"}, None: {}}[credential]
    if raw is not None:
        response = client.post(path, data=raw, content_type="application/x-www-form-urlencoded",
                               headers=headers)
    elif as_json:
        response = client.post(path, json=fields, headers=headers)
    else:
        response = client.post(path, data=fields, headers=headers)
    record(path, response.status_code)
    assert response.status_code < 500
    assert (response.status_code == 401) == (credential in (None, "wrong"))
    if response.status_code == 200:
        body = response.get_data(as_text=True)
        assert body.startswith(("CON ", "END ")) and len(body) <= 182 and body.isascii()


@fuzz_settings
@given(body=TEXT, sender=PHONE, sid=st.one_of(st.text(max_size=40), st.uuids().map(str)),
       signed=st.booleans(),
       extra=st.dictionaries(st.text(max_size=10), FORM_VALUE, max_size=3), raw=st.one_of(st.none(), RAW))
def test_sms_routes(client, demo, sessions, settings, body, sender, sid, signed, extra, raw):
    params = {**extra, "MessageSid": sid, "From": sender, "To": "+15005550006", "Body": body}
    headers = {}
    if signed:
        headers["X-Twilio-Signature"] = RequestValidator(settings.twilio_auth_token).compute_signature(
            settings.public_url + "/sms/twilio", params)
    if raw is not None:
        response = client.post("/sms/twilio", data=raw, headers=headers,
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.post("/sms/twilio", data=params, headers=headers)
    record("/sms/twilio", response.status_code)
    assert response.status_code < 500
    status = client.post("/sms/twilio/status", data={"MessageSid": sid, "MessageStatus": body[:20]},
                         headers=headers)
    record("/sms/twilio/status", status.status_code)
    assert status.status_code < 500


@fuzz_settings
@given(sender=PHONE, octets=st.one_of(RAW, TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                                      TEXT.map(lambda t: t.encode("utf-16-be", "surrogatepass"))),
       coding=st.sampled_from(["0", "1", "2", "", "9", "x"]),
       charset=st.sampled_from(["UTF-8", "UTF-16BE", "8-BIT", "", "no"]),
       sid=st.text(max_size=200), key=st.sampled_from([KANNEL_KEY] * 4 + [None, "wrong"]), post=st.booleans(),
       outbox=st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=20)), status=st.one_of(
           st.sampled_from(["1", "2", "4", "8", "16"]), st.text(max_size=6)))
def test_kannel_routes(client, demo, sessions, sender, octets, coding, charset, sid, key, post, outbox,
                       status):
    from urllib.parse import quote, quote_from_bytes

    fields = {"from": sender, "to": "8079", "coding": coding, "charset": charset, "id": sid}
    if key is not None:
        fields["key"] = key
    query = "&".join(f"{k}={quote(v, safe='')}" for k,
                     v in fields.items()) + "&text=" + quote_from_bytes(octets, safe="")
    if post:
        response = client.post("/sms/kannel", data=query, content_type="application/x-www-form-urlencoded")
    else:
        response = client.get("/sms/kannel?" + query)
    record("/sms/kannel", response.status_code)
    assert response.status_code < 500
    assert (response.status_code == 403) == (key != KANNEL_KEY)
    report = {"outbox": outbox, "status": status, **({"key": key} if key is not None else {})}
    dlr = client.get("/sms/kannel/dlr", query_string=report)
    record("/sms/kannel/dlr", dlr.status_code)
    assert dlr.status_code < 500 and (dlr.status_code == 403) == (key != KANNEL_KEY)


def _zalo_event(draw_text, user, event_name, msg_id, timestamp):
    return {"app_id": APP_ID, "event_name": event_name, "sender": {"id": user}, "recipient": {"id": "oa"},
            "follower": {"id": user}, "message": {"text": draw_text, "msg_id": msg_id},
            "timestamp": timestamp}


NOW_MS = int(TODAY.timestamp() * 1000)  # the app's FakeClock: a signed event is fresh near it
FIVE_MINUTES_MS = 5 * 60 * 1000


# Most examples carry no deliberate flaw (so they reach the conversation); the rest carry one.
FLAWLESS = ["none"] * 5


@fuzz_settings
@given(message=TEXT, user=st.one_of(st.text(max_size=30), st.integers().map(str)),
       event_name=st.sampled_from(["user_send_text", "follow", "unfollow", "user_received_message",
                                   "user_seen_message", "x"]),
       msg_id=st.text(max_size=40), age_ms=st.integers(-FIVE_MINUTES_MS, FIVE_MINUTES_MS),
       flaw=st.sampled_from(FLAWLESS + ["stale", "odd timestamp", "reshaped", "broken text"]),
       stale_ms=st.integers(FIVE_MINUTES_MS + 1, 10**13),
       odd_timestamp=st.one_of(st.text(max_size=20), JSON_JUNK),
       reshaped=st.dictionaries(
           st.sampled_from(["message", "sender", "follower", "recipient", "event_name", "timestamp"]),
           JSON_JUNK,
           min_size=1, max_size=2),
       broken=BROKEN_TEXT, broken_where=st.sampled_from(["text", "user", "msg_id"]),
       mode=st.sampled_from(["signed"] * 4 + ["unsigned", "raw", "json"]), raw=RAW, junk=JSON_JUNK)
def test_zalo_webhook(client, demo, message, user, event_name, msg_id, age_ms, flaw, stale_ms, odd_timestamp,
                      reshaped,
                      broken, broken_where, mode, raw, junk):
    """Signed events, fresh or stale, of the right shape or with a part replaced by any JSON value."""
    if flaw == "broken text":
        message, user, msg_id = [broken if broken_where == where else value
                                 for where, value in (("text", message), ("user", user), ("msg_id", msg_id))]
    timestamp = {"stale": str(NOW_MS - stale_ms), "odd timestamp": odd_timestamp}.get(flaw,
                                                                                      str(NOW_MS + age_ms))
    event = {**_zalo_event(message, user, event_name, msg_id, timestamp),
             **(reshaped if flaw == "reshaped" else {})}
    body = json_ascii(event)
    headers = {"Content-Type": "application/json"}
    if mode == "raw":
        body = raw
    elif mode == "json":
        body = json_ascii(junk)
    if mode != "unsigned":
        stamp = str(event.get("timestamp", "")).encode("utf-8", "surrogatepass") if mode == "signed" else b""
        signed = hashlib.sha256(APP_ID.encode() + body + stamp + OA_SECRET.encode()).hexdigest()
        headers["X-ZEvent-Signature"] = "mac=" + signed
    response = client.post("/zalo/webhook", data=body, headers=headers)
    record("/zalo/webhook", response.status_code)
    assert response.status_code < 500
    if mode == "unsigned" or (mode == "signed" and flaw == "stale"):
        assert response.status_code == 403
    elif mode == "signed" and flaw == "broken text":
        assert response.status_code == 400


@fuzz_settings
@given(message=TEXT, chat_id=st.one_of(st.integers(), st.text(max_size=20)), update_id=st.integers(),
       secret=st.sampled_from([TG_SECRET] * 4 + ["", "wrong"]), contact=st.booleans(), phone=PHONE,
       send_raw=st.sampled_from([False] * 3 + [True]), raw=RAW,
       junk=st.dictionaries(st.text(max_size=10), st.one_of(st.none(), st.integers(), st.text(max_size=20)),
                            max_size=4),
       flaw=st.sampled_from(FLAWLESS + ["update_id", "fields", "reshaped", "broken text"]), odd=JSON_JUNK,
       odd_fields=st.dictionaries(st.sampled_from(["text", "chat", "from", "contact", "date", "message_id"]),
                                  JSON_JUNK,
                                  min_size=1, max_size=3),
       reshaped=st.dictionaries(st.sampled_from(["message", "callback_query", "edited_message"]), JSON_JUNK,
                                min_size=1, max_size=2), broken=BROKEN_TEXT)
def test_telegram_webhook(client, demo, message, chat_id, update_id, secret, contact, phone, send_raw, raw,
                          junk, flaw,
                          odd, odd_fields, reshaped, broken):
    """Updates with the right secret and an update_id that is not an integer, fields of the message
    replaced by any JSON value, whole parts replaced, or text that is not valid Unicode."""
    update = {"update_id": odd if flaw == "update_id" else update_id, "message": {
        "message_id": 1, "date": 1795000000, "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "F"}, **junk}}
    if contact:
        update["message"]["contact"] = {"phone_number": phone, "first_name": "F", "user_id": chat_id}
    else:
        update["message"]["text"] = broken if flaw == "broken text" else message
    if flaw == "fields":
        update["message"].update(odd_fields)
    elif flaw == "reshaped":
        update.update(reshaped)
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    body = raw if send_raw else json_ascii(update)
    response = client.post("/telegram/webhook", data=body, headers=headers, content_type="application/json")
    record("/telegram/webhook", response.status_code)
    assert response.status_code < 500
    if secret != TG_SECRET:
        assert response.status_code == 403
    elif not send_raw and (
        flaw == "broken text" and not contact or flaw == "update_id" and not _integer(odd)
    ):
        assert response.status_code == 400


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@fuzz_settings
@given(username=TEXT, password=TEXT, csrf=st.one_of(st.none(), st.text(max_size=40)), path=st.sampled_from(
    ["/console/login", "/console/beneficiaries", "/console/imports", "/console/broadcasts/new",
     "/console/complaints"]),
    query=st.dictionaries(st.sampled_from(["q", "period", "page", "unit", "next"]), TEXT, max_size=3),
       raw=st.one_of(st.none(), RAW))
def test_console_routes(client, demo, username, password, csrf, path, query, raw):
    form = {"username": username, "password": password}
    if csrf is not None:
        form["csrf_token"] = csrf
    if raw is not None:
        response = client.post(path, data=raw, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(path, data=form, query_string=query)
    record(path, response.status_code)
    assert response.status_code < 500
    response = client.get(path, query_string=query)
    record(path, response.status_code)
    assert response.status_code < 500


@pytest.fixture(autouse=True)
def _database_stays_consistent(sessions):
    yield
    _consistent(sessions)
