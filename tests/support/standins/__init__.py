"""Local HTTP stand-ins for outside providers (Twilio, Telegram, Zalo): a recording server on
127.0.0.1 with canned answers per path, so tests exercise the real SDKs without the network."""
from tests.support.standins.server import Canned, RecordedRequest, StandIn

__all__ = ["Canned", "RecordedRequest", "StandIn"]
