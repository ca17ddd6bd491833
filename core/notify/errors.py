"""A request an officer or a person made that cannot be done, with a catalog message for them."""
from __future__ import annotations


class ActionRefused(ValueError):
    """`msgid` is an English catalog msgid; `message(t)` says it in the reader's language."""

    def __init__(self, msgid: str, **values):
        super().__init__(msgid % values if values else msgid)
        self.msgid, self.values = msgid, values

    def message(self, t) -> str:
        return t._(self.msgid, **self.values)
