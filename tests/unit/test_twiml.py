"""The SMS webhook writes its TwiML itself (ussd.sms.twiml); whatever the replies, it must be
exactly what Twilio's MessagingResponse writes for them."""
from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from twilio.twiml.messaging_response import MessagingResponse

from core.conversation.inbound_reply import Reply
from core.conversation.render import render_for_channel
from core.settings import Settings
from ussd.sms import twiml

TEXT = st.text(alphabet=st.sampled_from(list("aăâđễ ,.:;!?0123456789\t\n\r<>&\"'€…“”₫]]>") + ["😀"]),
               max_size=60)


def _twilio(replies: list[Reply], settings: Settings) -> str:
    response = MessagingResponse()
    for reply in replies:
        if reply.text:
            response.message(render_for_channel(reply.text, "sms", settings))
    return str(response)


@hypothesis_settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXT, max_size=3), encoding=st.sampled_from(["gsm7", "ucs2"]))
def test_twiml_is_what_twilio_writes(texts, encoding):
    settings = Settings(database_url="sqlite://", secret_key="x", sms_encoding=encoding, sms_max_segments=3)
    replies = [Reply(text) for text in texts]
    assert twiml(replies, settings) == _twilio(replies, settings)
