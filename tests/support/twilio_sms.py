"""Twilio's inbound SMS webhook as Twilio calls it: the form of one message, signed over
ANSINH_PUBLIC_URL + path, and the TwiML messages of the answer."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator

_sids = itertools.count(1)


def signed_post(client, settings, path: str, fields: dict, token: str | None = None, query: str = ""):
    url = settings.public_url + path + (f"?{query}" if query else "")
    signature = RequestValidator(token or settings.twilio_auth_token).compute_signature(url, fields)
    return client.post(path + (f"?{query}" if query else ""), data=fields,
                       headers={"X-Twilio-Signature": signature})


def inbound(phone: str, body: str, sid: str | None = None) -> dict:
    return {"MessageSid": sid or f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32, "From": phone,
            "To": "+15005550006", "Body": body, "NumMedia": "0", "NumSegments": "1"}


def messages(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype in ("application/xml", "text/xml")
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.tag == "Response"
    return [element.text or "" for element in root.iter("Message")]
