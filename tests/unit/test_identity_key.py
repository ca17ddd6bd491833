"""identity_key takes a sender already in E.164 as it is; that must be what normalizing gives."""
from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.conversation.identity import identity_key
from core.phones import normalize_phone


@hypothesis_settings(max_examples=2000, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
       channel=st.sampled_from(["sms", "ussd"]))
def test_an_e164_sender_is_its_own_key(digits, channel):
    sender = "+84" + digits
    assert identity_key(channel, sender) == ("phone", normalize_phone(sender) or sender)
