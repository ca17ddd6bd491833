"""Who hears about a beneficiary: the beneficiary and every guardian or authorised person with
consent whose link was not removed, each on one channel, never anyone who opted out.

A person is reached on their preferred channel when they hold a verified identity of that kind
that did not opt out (Zalo unfollow, Telegram block), else by SMS to a verified phone, else on any
verified chat. Set-based: one import may concern 60,000 beneficiaries.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import N_
from core.privacy.audit import record_disclosure
from core.models import Contact, Identity, Person, utcnow
from core.notify.errors import ActionRefused

logger = logging.getLogger(__name__)
CHANNEL_KIND = {"sms": "phone", "zalo": "zalo", "telegram": "telegram"}
KIND_CHANNEL = {kind: channel for channel, kind in CHANNEL_KIND.items()}
CHUNK = 500


@dataclass(frozen=True)
class Recipient:
    person_id: int
    beneficiary_id: int
    role: str  # self / guardian / authorised
    channel: str  # sms / zalo / telegram
    address: str
    language: str
    contact_id: int


class GuardianError(ActionRefused):
    """Removing a link that is not a guardian's or authorised person's."""


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def pick_channel(addresses: dict[str, str], preferred: str | None) -> str | None:
    """Preferred channel, else SMS, else any chat the person verified."""
    for channel in (preferred, "sms", "zalo", "telegram"):
        if channel in addresses:
            return channel
    return None


def addresses_of(session: Session, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """person id -> {channel: address} of verified identities that did not opt out (oldest first)."""
    found: dict[int, dict[str, str]] = {}
    wanted = list(dict.fromkeys(person_ids))
    for chunk in chunks(wanted):
        query = (
            select(Identity.person_id, Identity.kind, Identity.address)
            .where(Identity.person_id.in_(chunk), Identity.verified.is_(True), Identity.opted_out.is_(False))
            .order_by(Identity.id)
        )
        for person_id, kind, address in session.execute(query):
            channel = KIND_CHANNEL.get(kind)
            if channel:
                found.setdefault(person_id, {}).setdefault(channel, address)
    return found


def recipients_for_many(session: Session, beneficiary_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """beneficiary id -> the people to tell, the beneficiary first, then guardians by seniority."""
    wanted = list(dict.fromkeys(beneficiary_ids))
    links: list[tuple] = []
    for chunk in chunks(wanted):
        query = (
            select(Contact.id, Contact.beneficiary_id, Contact.person_id, Contact.role,
                   Person.preferred_channel, Person.language)
            .join(Person, Person.id == Contact.person_id)
            .where(Contact.beneficiary_id.in_(chunk), Contact.removed_at.is_(None),
                   Person.opted_out.is_(False))
            .where((Contact.role == "self") | (Contact.consent.is_(True)))
        )
        links.extend(session.execute(query))
    links.sort(key=lambda row: (row[1], row[3] != "self", row[0]))
    addresses = addresses_of(session, (row[2] for row in links))
    result: dict[int, list[Recipient]] = {beneficiary_id: [] for beneficiary_id in wanted}
    for contact_id, beneficiary_id, person_id, role, preferred, language in links:
        person_addresses = addresses.get(person_id, {})
        channel = pick_channel(person_addresses, preferred)
        if channel is None:
            continue
        result[beneficiary_id].append(Recipient(person_id, beneficiary_id, role, channel,
                                                person_addresses[channel],
                                                language or "vi", contact_id))
    return result


def recipients_for(session: Session, beneficiary_id: int) -> list[Recipient]:
    return recipients_for_many(session, [beneficiary_id])[beneficiary_id]


def reach_person(session: Session, person_id: int, *, ignore_opt_out: bool = False) -> tuple[str, str] | None:
    """(channel, address) to reach one person; `ignore_opt_out` for direct answers to their request."""
    person = session.get(Person, person_id)
    if person is None or (person.opted_out and not ignore_opt_out):
        return None
    addresses = addresses_of(session, [person_id]).get(person_id, {})
    channel = pick_channel(addresses, person.preferred_channel)
    return (channel, addresses[channel]) if channel else None


def remove_guardian(session: Session, beneficiary_id: int, person_id: int, actor: str,
                    channel: str | None = None) -> Contact:
    """End a guardian's or authorised person's link (asked by an officer or by the beneficiary):
    they stop hearing about the beneficiary at once. Removing twice is a no-op."""
    contact = session.scalar(
        select(Contact).where(Contact.beneficiary_id == beneficiary_id, Contact.person_id == person_id)
    )
    if contact is None or contact.role == "self":
        raise GuardianError(N_("This person is not a guardian of this beneficiary."))
    if contact.removed_at is None:
        contact.removed_at = contact.consent_withdrawn_at = utcnow()
        contact.consent_withdrawn_channel = channel
        record_disclosure(session, actor, "guardian.remove", beneficiary_id, channel,
                          {"person_id": person_id, "role": contact.role, "contact_id": contact.id})
        logger.info("contact %s removed by %s", contact.id, actor)
    return contact
