"""What an approver reads before saying yes: the broadcast as three real recipients will receive
it, each filled with their own beneficiary's values and rendered for their channel as the
fan-out renders it (SMS folded to GSM-7 and cut to the segment limit), with its length and SMS
segments; and when quiet hours will hold it back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.broadcasts.audience import Recipient, find_recipients, template_values
from core.broadcasts.template import fill
from core.clock import Clock
from core.outbox.dispatch import quiet_until
from core.i18n import translator
from core.conversation.render import render_for_channel
from core.vietnamese_text import sms_size, to_gsm7

SAMPLES = 3


@dataclass(frozen=True)
class Sample:
    recipient: Recipient
    text: str
    characters: int  # what the phone counts for SMS (septets or UTF-16 units), letters otherwise
    encoding: str | None  # SMS only
    segments: int | None  # SMS only
    cut: bool = False  # longer than the SMS segment limit: sent cut short


def _varied(recipients: list[Recipient], count: int) -> list[Recipient]:
    """Recipients of different beneficiaries first (their texts differ), then anyone left."""
    chosen, seen = [], set()
    for recipient in recipients:
        if recipient.beneficiary_id not in seen:
            chosen.append(recipient)
            seen.add(recipient.beneficiary_id)
        if len(chosen) == count:
            return chosen
    return (chosen + [r for r in recipients if r not in chosen])[:count]


def samples(session: Session, settings, clock: Clock, text: str, filters: dict,
            count: int = SAMPLES) -> list[Sample]:
    """The text as `count` of the broadcast's recipients would get it today."""
    _, recipients = find_recipients(session, filters)
    chosen = _varied(recipients, count)
    period = filters.get("period") or clock.current_period()
    values = template_values(session, [r.beneficiary_id for r in chosen], period, translator("vi"),
                             clock.today())
    shown = []
    for recipient in chosen:
        filled = fill(text, values.get(recipient.beneficiary_id, {}))
        rendered = render_for_channel(filled, recipient.channel, settings)
        if recipient.channel == "sms":
            size = sms_size(rendered)
            whole = sms_size(filled if settings.sms_encoding == "ucs2" else to_gsm7(filled))
            shown.append(Sample(recipient, rendered, size.characters, size.encoding, size.segments,
                                whole.segments > settings.sms_max_segments))
        else:
            shown.append(Sample(recipient, rendered, len(rendered), None, None))
    return shown


def held_until(settings, clock: Clock, starts: datetime | None = None) -> datetime | None:
    """When a broadcast that may go out at `starts` (now, when None or past) will really start
    because quiet hours hold it (local time); None when they do not."""
    now = clock.now()
    moment = starts if starts is not None and starts > now else now
    return quiet_until(moment.astimezone(clock.tz), settings.quiet_hours)
