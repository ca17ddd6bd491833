"""SMS through Twilio's webhooks, signed the way Twilio signs them (X-Twilio-Signature over
ANSINH_PUBLIC_URL + path and the sorted form fields): answers in TwiML, GSM-7 only; bad
signatures refused; a redelivered MessageSid answered the same with no second effect; delivery
receipts recorded against the outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from core.models import AuditLog, Complaint, OutboxMessage, Person, SeenMessage
from core.outbox.writes import enqueue
from core.vietnamese_text import is_gsm7, sms_size
from tests.support.twilio_sms import inbound, messages, signed_post
from tests.support.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    STRANGER_PHONE,
    build_world,
)


@pytest.fixture
def world(sessions):
    return build_world(sessions)


def test_signed_question_is_answered_with_the_amount_in_gsm7(client, settings, world):
    texts = messages(signed_post(client, settings, "/sms/twilio",
                                 inbound(LAI_PHONE, "tien thang nay ve chua")))
    assert texts and LAI_AMOUNT_VI in " ".join(texts)
    for text in texts:
        assert is_gsm7(text), text
        assert sms_size(text).segments <= settings.sms_max_segments


def test_keywords_are_answered_too(client, settings, world):
    texts = messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, "TC")))
    assert LAI_AMOUNT_VI in " ".join(texts)


def test_another_offices_money_is_sent_to_that_office_not_answered_from_the_last_question(client, settings,
                                                                                          world):
    first = messages(signed_post(client, settings, "/sms/twilio",
                                 inbound(LAI_PHONE, "tien thang 12 ve chua")))
    assert "12/2026" in " ".join(first)  # the memory now holds a question about a month
    texts = messages(signed_post(client, settings, "/sms/twilio",
                                 inbound(LAI_PHONE, "Lương hưu của ba tôi tháng 12 có tăng không")))
    joined = " ".join(texts)
    assert "Bao hiem xa hoi" in joined and "12/2026" not in joined and LAI_AMOUNT_VI not in joined
    assert all(is_gsm7(text) and sms_size(text).segments <= settings.sms_max_segments for text in texts)


def test_stranger_gets_no_amount(client, settings, world):
    texts = messages(signed_post(client, settings, "/sms/twilio",
                                 inbound(STRANGER_PHONE, "tien thang nay ve chua")))
    assert texts and LAI_AMOUNT_VI not in " ".join(texts)


@pytest.mark.parametrize("headers", [{}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}])
def test_missing_or_bad_signature_is_403(client, world, headers):
    response = client.post("/sms/twilio", data=inbound(LAI_PHONE, "TC"), headers=headers)
    assert response.status_code == 403


def test_signature_of_another_token_or_url_is_403(client, settings, world):
    assert signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, "TC"),
                       token="other").status_code == 403
    fields = inbound(LAI_PHONE, "TC")
    wrong_url = RequestValidator(settings.twilio_auth_token).compute_signature("http://localhost/sms/twilio",
                                                                               fields)
    assert client.post("/sms/twilio", data=fields,
                       headers={"X-Twilio-Signature": wrong_url}).status_code == 403


def test_signature_over_the_url_with_its_default_port_is_accepted(client, settings, world):
    """Twilio has signed the same URL with and without ':80'/':443'; both forms are answered."""
    fields = inbound(LAI_PHONE, "tien thang nay ve chua")
    with_port = settings.public_url.replace("http://testserver", "http://testserver:80") + "/sms/twilio"
    assert with_port != settings.public_url + "/sms/twilio"
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(with_port, fields)
    response = client.post("/sms/twilio", data=fields, headers={"X-Twilio-Signature": signature})
    assert LAI_AMOUNT_VI in messages(response)[0]


def test_tampered_body_is_403(client, settings, world):
    fields = inbound(LAI_PHONE, "TC")
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        settings.public_url + "/sms/twilio", fields
    )
    fields["From"] = "+84905318246"
    assert client.post("/sms/twilio", data=fields,
                       headers={"X-Twilio-Signature": signature}).status_code == 403


def test_redelivered_message_sid_has_no_second_effect(client, settings, world, sessions):
    fields = inbound(LAI_PHONE, "khieu nai: chua nhan duoc tien thang nay")
    first = signed_post(client, settings, "/sms/twilio", fields)
    again = signed_post(client, settings, "/sms/twilio", fields)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1
        assert (
            session.scalar(
                select(func.count())
                .select_from(SeenMessage)
                .where(SeenMessage.message_id == fields["MessageSid"])
            )
            == 1
        )


def test_redelivered_question_is_disclosed_once(client, settings, world, sessions):
    fields = inbound(LAI_PHONE, "TC")
    signed_post(client, settings, "/sms/twilio", fields)
    signed_post(client, settings, "/sms/twilio", fields)
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action.like("disclose.%"))
            )
            == 1
        )


def _sent_message(sessions, provider_id: str) -> int:
    with sessions.begin() as session:
        row = enqueue(session, channel="sms", address=LAI_PHONE, text="x", kind="notification",
                      key="k-receipt")
        row.status, row.provider_id = "sent", provider_id
        return row.id


def test_status_callback_marks_delivered(client, settings, sessions):
    message_id = _sent_message(sessions, "SMdelivered0001")
    response = signed_post(client, settings, "/sms/twilio/status",
                           {"MessageSid": "SMdelivered0001", "MessageStatus": "delivered",
                            "AccountSid": "AC1"},
                           query="ik=k-receipt")
    assert response.status_code == 204
    with sessions() as session:
        row = session.get(OutboxMessage, message_id)
        assert row.status == "delivered" and row.delivered_at is not None


def test_status_callback_records_failure_with_error_code(client, settings, sessions):
    message_id = _sent_message(sessions, "SMfailed0001")
    signed_post(client, settings, "/sms/twilio/status",
                {"MessageSid": "SMfailed0001", "MessageStatus": "undelivered", "ErrorCode": "30003"})
    with sessions() as session:
        row = session.get(OutboxMessage, message_id)
        assert row.status == "failed" and "30003" in row.last_error


def test_status_callback_needs_a_signature(client, sessions):
    message_id = _sent_message(sessions, "SMunsigned")
    response = client.post("/sms/twilio/status",
                           data={"MessageSid": "SMunsigned", "MessageStatus": "delivered"})
    assert response.status_code == 403
    with sessions() as session:
        assert session.get(OutboxMessage, message_id).status == "sent"


def test_signature_checked_against_public_url_behind_a_proxy(runtime, world):
    from ansinh import create_app

    runtime.settings = runtime.settings.with_(public_url="https://ansinh.example.vn")
    client = create_app(runtime.settings, runtime=runtime).test_client()
    texts = messages(signed_post(client, runtime.settings, "/sms/twilio", inbound(LAI_PHONE, "TC")))
    assert LAI_AMOUNT_VI in " ".join(texts)


UNSURE = "Thang 11 lanh o dau duoc chua"  # where and when, or whether it has come: read both ways


def _ask(client, settings, body: str):
    return signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, body))


def _numbered(text: str) -> dict[str, str]:
    """{"Tien da ve chua": "2", …} from the lines "2. Tien da ve chua" of a choice."""
    return {line.split(". ", 1)[1]: line.split(".", 1)[0] for line in text.splitlines() if line[:1].isdigit()}


def test_an_unsure_reading_asks_with_numbers_and_the_number_answers_the_question(client, settings, world):
    [offer] = messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, UNSURE)))
    assert is_gsm7(offer) and sms_size(offer).segments <= settings.sms_max_segments
    numbers = _numbered(offer)
    assert "Tien da ve chua" in numbers and "Khac: goi can bo" in numbers and len(numbers) <= 4
    assert LAI_AMOUNT_VI not in offer
    answer = messages(_ask(client, settings, numbers["Tien da ve chua"]))
    assert LAI_AMOUNT_VI in " ".join(answer) and "11/2026" in " ".join(answer)  # the month of the question
    again = messages(_ask(client, settings, numbers["Tien da ve chua"]))
    assert LAI_AMOUNT_VI not in " ".join(again)  # a choice is answered once: a later "2" is not a pick


def test_other_calls_the_officer_and_a_new_question_forgets_the_choice(client, settings, world):
    numbers = _numbered(messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, UNSURE)))[0])
    officer = messages(_ask(client, settings, numbers["Khac: goi can bo"]))
    assert any(ch.isdigit() for ch in " ".join(officer)) and "Tien da ve chua" not in " ".join(officer)
    messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, UNSURE)))
    messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, "cam on")))
    after = messages(_ask(client, settings, numbers["Tien da ve chua"]))
    assert LAI_AMOUNT_VI not in " ".join(after)


def test_a_stop_inside_thanks_is_offered_and_its_number_stops_the_notices(client, settings, world, sessions):
    """"Cảm ơn ad, … ad tắt thông báo cho em nha": read as thanks, the stop the rules found is offered
    first rather than dropped, and its number does what was asked."""
    thanks = "cam on ad, em ve o voi ong roi, ad tat thong bao cho em nha"
    [offer] = messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, thanks)))
    numbers = _numbered(offer)
    assert "Ngung nhan tin bao" in numbers, offer
    messages(_ask(client, settings, numbers["Ngung nhan tin bao"]))
    with sessions() as session:
        lai = session.scalars(select(Person).where(Person.name == "Nguyễn Thị Lài")).one()
        assert lai.opted_out


def test_an_out_of_scope_question_is_told_whom_to_ask(client, settings, world):
    texts = messages(signed_post(client, settings, "/sms/twilio",
                                 inbound(LAI_PHONE, "Cho hoi tram y te xa may gio mo cua")))
    joined = " ".join(texts)
    assert "tro cap" in joined and "tram y te" in joined and LAI_AMOUNT_VI not in joined
