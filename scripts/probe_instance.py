"""Try a running AnSinh as an attacker would: unsigned, tampered and replayed webhooks, malformed
bodies, code/birth-year enumeration, a stranger's personal questions, console password spraying.

Not part of the suite (the suite tests each of these through the app); this checks a deployment.
Run against an instance with the demo loaded and SQLite (it reads the database to count):

    PROBE_URL=http://127.0.0.1:5077 PROBE_DB=/tmp/probe/ansinh.db TWILIO_AUTH_TOKEN=… \
        ANSINH_USSD_SECRET=… .venv/bin/python scripts/probe_instance.py

The instance's ANSINH_PUBLIC_URL must equal PROBE_URL, or every signed SMS is (rightly) refused.
"""
import json
import os
import re
import sqlite3
import uuid

import requests
from twilio.request_validator import RequestValidator
BASE = os.environ.get("PROBE_URL", "http://127.0.0.1:5077").rstrip("/")
URL = BASE + "/sms/twilio"
v = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
db = sqlite3.connect(os.environ["PROBE_DB"])
def sms(frm, body, sid=None, sign=True, tamper=False):
    params = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "From": frm, "To": "+15005550006", "Body": body}
    headers = {}
    if sign:
        headers["X-Twilio-Signature"] = v.compute_signature(URL, params)
    if tamper:
        params["Body"] += " x"
    return requests.post(URL, data=params, headers=headers)
results = {}
results["unsigned"] = sms("+84905000001", "tien ve chua", sign=False).status_code
results["tampered"] = sms("+84905000001", "tien ve chua", tamper=True).status_code
# a verified phone from the demo
phone = db.execute("select address from identities where kind='phone' limit 1").fetchone()[0]
audit0 = db.execute("select count(*) from audit_log").fetchone()[0]
sid = "SM" + uuid.uuid4().hex
a = sms(phone, "tien thang nay ve chua", sid=sid); b = sms(phone, "tien thang nay ve chua", sid=sid)
audit1 = db.execute("select count(*) from audit_log").fetchone()[0]
results["replay_same_answer"] = (a.status_code, b.status_code, a.text == b.text)
results["replay_audit_rows_added"] = audit1 - audit0
results["verified_answer"] = a.text[:160]
# USSD as anyone who reaches the route: no key, a wrong key, then the gateway's key
ussd = {"sessionId": "a1", "phoneNumber": phone, "text": "1"}
USSD_KEY = {"X-AnSinh-Key": os.environ.get("ANSINH_USSD_SECRET", "")}
for name, headers in (("ussd_no_key", {}), ("ussd_wrong_key", {"X-AnSinh-Key": "guess"}),
                      ("ussd_gateway_key", USSD_KEY)):
    results[name] = requests.post(BASE + "/ussd/africastalking", data=ussd, headers=headers).status_code
# malformed
r = requests.post(URL, data=b"\xff\xfe\x00garbage=\xc3(",
                  headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"})
results["invalid_utf8"] = r.status_code
results["huge_body"] = requests.post(BASE + "/ussd/africastalking", headers=USSD_KEY, data={
    "sessionId": "h", "phoneNumber": "+84905000002", "text": "1" * 5_000_000}).status_code
results["ussd_sql_injection"] = requests.post(BASE + "/ussd/africastalking", headers=USSD_KEY, data={
    "sessionId": "i", "phoneNumber": "' OR 1=1 --", "text": "{{7*7}}"}).status_code
results["telegram_no_secret"] = requests.post(BASE + "/telegram/webhook", json={"update_id": 1}).status_code
results["zalo_bad_signature"] = requests.post(BASE + "/zalo/webhook",
                                              data=json.dumps({"event_name": "user_send_text"}),
                                              headers={"X-ZEvent-Signature": "mac=00",
                                                       "Content-Type": "application/json"}).status_code
# enumeration of codes and birth years from one stranger phone
stranger = "+8490" + str(uuid.uuid4().int)[:7]
answers = [sms(stranger, f"DK BT46{n:05d} {1930 + n % 30}").text for n in range(1, 61)]
results["enum_statuses"] = sorted({x[:110] for x in answers[-3:]})
results["enum_codes_sent"] = db.execute("select count(*) from outbox where kind not in "
                                        "('notification','broadcast','reply')").fetchone()[0]
personal = [sms(stranger, f"tien thang {m} ve chua").text for m in range(1, 13)] + [
    sms(stranger, "so tien bao nhieu").text for _ in range(40)
]
results["stranger_personal_last"] = personal[-1][:200]
# console password spraying
s = requests.Session()
codes = []
for n in range(12):
    page = s.get(BASE + "/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    codes.append(s.post(BASE + "/console/login",
                        data={"username": f"canbo{n}", "password": "123456",
                              "csrf_token": token}).status_code)
results["console_spray"] = codes
print(json.dumps(results, ensure_ascii=False, indent=1))
