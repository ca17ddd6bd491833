"""A demo-like province for walking every console page: the demo (small scale) with its officers,
then what a day brings, each through the path people take: questions and a complaint by signed
SMS, the complaint handled in the console, a broadcast written and approved, a message the
network gave up on, and an officer's import of a list with national IDs and account numbers.

`console_urls` lists one or more URLs for every GET route of the console blueprint, so a test
that walks them covers pages added later too (an unknown route parameter fails loudly)."""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field, replace

from argon2 import PasswordHasher
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from ansinh.demo import load_demo
from ansinh.demo.identities import IDENTITY_PEOPLE
from core.outbox.dispatch import Dispatcher, TemporaryError
from core.imports import KINDS
from core.models import (
    Beneficiary,
    Broadcast,
    Complaint,
    Contact,
    Identity,
    OutboxMessage,
)
from core.officers.accounts import DEMO_PASSWORD, ensure_demo_officers
from tests.console_support import post, sign_in

SCALE = 0.005
COMMUNE, PROVINCE = "canbo.phuvinh", "tinh.admin"  # Xã Phú Vinh's officer, and the province's
COMMUNE_UNIT = "19945"
LAI, LAI_PHONE, HUNG_PHONE = "BT4600001", "+84978451203", "+84905318246"  # Phú Vinh; Hùng is her guardian
# An officer's list with what must never be shown again: national IDs and full account numbers.
IMPORTED = [  # code, name, national ID, account number, phone
    ("PV-9001", "Đặng Thị Hiền", "046152009911", "0451000123456", "0914552301"),
    ("PV-9002", "Lương Văn Khải", "046149003377", "8801234567", "0916220417"),
]
IMPORT_HEADER = ("Mã đối tượng,Họ và tên,Ngày sinh,Giới tính,Mã xã,Diện đối tượng,Số tiền hàng tháng,"
                 "Hình thức nhận,Số CCCD,Số tài khoản,Đơn vị chi trả,Số điện thoại\n")
COMPLAINT = "khieu nai: me toi chua nhan duoc tien thang 11, goi lai so 0905318246"  # a phone in the text
_sids = itertools.count(1)


@dataclass
class Walk:
    """What the pages are about: ids to put in URLs, and the secrets no page may show."""

    beneficiary_codes: list[str]
    complaint_ids: list[int]
    broadcast_ids: list[int]
    person_ids: dict[str, list[int]]  # beneficiary code -> contact person ids
    import_jobs: dict[str, str] = field(default_factory=dict)  # officer -> job id
    national_ids: list[str] = field(default_factory=list)
    account_numbers: list[str] = field(default_factory=list)


def _sms(client, settings, phone: str, body: str) -> None:
    fields = {"MessageSid": f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32, "From": phone,
              "To": settings.twilio_from, "Body": body, "NumMedia": "0", "NumSegments": "1"}
    url = settings.public_url + "/sms/twilio"
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, fields)
    response = client.post("/sms/twilio", data=fields, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.status_code


class _Unreachable:
    """A network that times out with the number in its error: the message is given up."""

    channel = "sms"

    def send(self, message):
        raise TemporaryError(f"timeout sending to {message.address}")


def cheap_passwords(monkeypatch) -> None:
    """Argon2 at its smallest for these accounts: what is tested here is the pages, not the hash,
    and the default costs a second or more per sign-in on a busy machine."""
    import core.officers.accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(core.officers.accounts, "_hasher", cheap)


def build_walk(app, runtime, today) -> Walk:
    """The demo and one day's activity, through the web service's own routes."""
    sessions, settings = runtime.sessions, runtime.settings
    load_demo(sessions, today, scale=SCALE)
    with sessions.begin() as session:
        ensure_demo_officers(session)
    app.config["CONSOLE_IMPORT_INLINE"] = True
    client = app.test_client()
    _sms(client, settings, LAI_PHONE, "tien thang nay ve chua")
    _sms(client, settings, HUNG_PHONE, "lich su chi tra cua me toi")
    _sms(client, settings, HUNG_PHONE, COMPLAINT)
    with sessions() as session:
        complaint_ids = list(session.scalars(select(Complaint.id).order_by(Complaint.id)))
    assert complaint_ids, "the SMS complaint was not filed"

    walk = Walk(beneficiary_codes=[], complaint_ids=complaint_ids, broadcast_ids=[], person_ids={})
    sign_in(client, COMMUNE, DEMO_PASSWORD)
    url = f"/console/complaints/{complaint_ids[0]}"
    post(client, url + "/assign", {"officer": COMMUNE})
    post(client, url + "/reply", {"text": "Tiền đã chuyển ngày 05/11, ông bà kiểm tra giúp."})
    created = post(client, "/console/broadcasts/new", {
        "text": "Kính gửi {ho_ten}: tiền tháng {ky} là {so_tien}, nhận ngày {ngay_chi_tra} tại {dia_diem}.",
        "action": "create", "period": "2026-12"})
    assert created.status_code == 302, created.status_code
    rows = "".join(f"{code},{name},12/05/1941,Nữ,{COMMUNE_UNIT},NCT_80,500.000,Ví điện tử,{cccd},{account},"
                   f"Viettel Money,{phone}\n" for code, name, cccd, account, phone in IMPORTED)
    bad = (f"PV-9003,Sai Ngày Sinh,31/02/1940,Nam,{COMMUNE_UNIT},NCT_80,500.000,Tiền mặt,046140001234,,,"
           "0916000111\n")
    uploaded = post(client, "/console/imports", {"kind": "beneficiaries", "file": (
        io.BytesIO((IMPORT_HEADER + rows + bad).encode("utf-8")), "danh-sach-phu-vinh.csv")},
        content_type="multipart/form-data")
    walk.import_jobs[COMMUNE] = uploaded.headers["Location"].rsplit("/", 1)[1]
    walk.national_ids = [p.national_id for p in IDENTITY_PEOPLE if p.national_id] + [r[2] for r in IMPORTED]
    walk.national_ids.append("046140001234")
    walk.account_numbers = [p.account for p in IDENTITY_PEOPLE if p.account and len(p.account) > 4]
    walk.account_numbers += [r[3] for r in IMPORTED]

    province = app.test_client()
    sign_in(province, PROVINCE, DEMO_PASSWORD)
    with sessions() as session:
        broadcast_id = session.scalar(select(Broadcast.id).order_by(Broadcast.id.desc()))
    post(province, f"/console/broadcasts/{broadcast_id}/approve")
    post(province, "/console/broadcasts/new",
         {"text": "Kính gửi {ho_ten}: mời mở tài khoản.", "action": "create", "method": "cash"})
    give_up_at_once = replace(settings, outbox_max_attempts=1)
    Dispatcher(sessions, {"sms": _Unreachable()}, runtime.clock, give_up_at_once).run_once(3)
    with sessions() as session:
        walk.broadcast_ids = list(session.scalars(select(Broadcast.id).order_by(Broadcast.id)))
        named = set(session.scalars(select(Beneficiary.code).where(Beneficiary.id.in_(
            select(OutboxMessage.beneficiary_id).union(select(Complaint.beneficiary_id))))))
        ours = list(session.scalars(select(Beneficiary.code).where(Beneficiary.unit_code == COMMUNE_UNIT)
                                    .order_by(Beneficiary.code).limit(3)))
        codes = sorted(named | set(ours) | {p.code for p in IDENTITY_PEOPLE} | {r[0] for r in IMPORTED})
        walk.beneficiary_codes = codes
        for code in codes:
            walk.person_ids[code] = list(session.scalars(
                select(Contact.person_id).join(Beneficiary, Beneficiary.id == Contact.beneficiary_id)
                .where(Beneficiary.code == code, Contact.role != "self")))
    return walk


def phones_on_file(sessions) -> set[str]:
    """Every phone the service holds for beneficiaries and their contacts, in E.164."""
    with sessions() as session:
        found = set(session.scalars(select(Identity.address).where(Identity.kind == "phone")))
        found |= set(session.scalars(select(OutboxMessage.address).where(OutboxMessage.channel == "sms")))
        found |= {p for p in session.scalars(select(Complaint.reply_to)) if p and p.startswith("+")}
    return found


def console_urls(app, walk: Walk, officer: str) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET route of the console; parameterised routes once per value."""
    values = {
        "code": walk.beneficiary_codes,
        "complaint_id": walk.complaint_ids,
        "broadcast_id": walk.broadcast_ids,
        "job_id": [walk.import_jobs.get(officer, "unknown-job")],
        "fmt": ["csv", "xlsx"],
        "kind": list(KINDS),
        "filename": ["console.css", "console.js"],
    }
    urls: list[tuple[str, str]] = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or "GET" not in (rule.methods or ()):
            continue
        arguments = sorted(rule.arguments)
        if arguments == ["code", "person_id"]:
            combos = [{"code": code, "person_id": pid} for code in walk.beneficiary_codes
                      for pid in walk.person_ids.get(code, [])]
        else:
            unknown = [name for name in arguments if name not in values]
            assert not unknown, (
                f"console route {rule.rule} needs {unknown}: add them to tests/console_walk.py"
            )
            choices = itertools.product(*(values[a] for a in arguments))
            combos = [dict(zip(arguments, chosen)) for chosen in choices]
        for combo in combos:
            with app.test_request_context():
                from flask import url_for

                urls.append((rule.endpoint, url_for(rule.endpoint, **combo)))
        if rule.endpoint == "console.erase_form":
            for code in walk.beneficiary_codes:
                for pid in walk.person_ids.get(code, []):
                    with app.test_request_context():
                        from flask import url_for

                        urls.append((rule.endpoint, url_for(rule.endpoint, code=code, person=pid)))
    return urls

