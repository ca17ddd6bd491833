"""The people behind a beneficiaries list: the beneficiary's own phone and the guardian's.

A phone number on the officers' list is a verified Identity of one Person (the carrier vouches
for the caller). One guardian may look after several beneficiaries: the phone finds the same
Person. A Contact links the Person to the beneficiary as self, guardian or authorised.
Re-importing a changed phone moves the identity (the same person, a new number); a guardian no
longer on the list gets `removed_at`. Only contacts the import created are ever removed.
Whether an old number is still on the list is known only once the whole file has been read, so
a file imported chunk by chunk leaves such rows (`deferred`) for one last pass at the end.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.imports.bulk import (
    SeenKeys,
    allocate_ids,
    insert_rows,
    select_in,
    update_by_id,
)
from core.models import Contact, Identity, Person
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)
SLOT_ROLES = {"self": ("self",), "guardian": ("guardian", "authorised")}


@dataclass(frozen=True)
class Link:
    """A person the list names for one beneficiary."""

    phone: str
    name: str | None
    role: str  # self / guardian / authorised
    relation: str | None = None


@dataclass
class Wanted:
    """What the list says about one beneficiary's people; a slot not managed is left alone
    (its columns are absent from the file)."""

    beneficiary_id: int
    is_new: bool
    links: dict[str, Link | None]  # slot ("self" / "guardian") -> link, only for managed slots


class PeopleSync:
    def __init__(self, session: Session, now: datetime, seen_phones: SeenKeys, defer: bool = False):
        self.session = session
        self.now = now
        self.seen_phones = seen_phones  # every phone on the list read so far, changed rows or not
        self.file_phones: set[str] = set()  # those of the stored people's numbers that are on the list
        self.defer = defer  # leave rows that may move a number to a later run (see `deferred`)
        self.deferred: list[Wanted] = []
        self.owner: dict[str, int] = {}  # phone -> person ref (id, or -index-1 for a new person)
        self.identity_of: dict[str, tuple[int, bool]] = {}  # phone -> (identity id, verified)
        self.new_persons: list[dict] = []
        self.new_identities: list[tuple[int, str]] = []  # (person ref, phone)
        self.moved: list[dict] = []
        self.contact_inserts: list[dict] = []
        self.contact_updates: list[dict] = []

    def run(self, wanted: list[Wanted]) -> None:
        phones = [link.phone for w in wanted for link in w.links.values() if link]
        for identity_id, address, person_id, verified in select_in(
            self.session,
            select(Identity.id, Identity.address, Identity.person_id,
                   Identity.verified).where(Identity.kind == "phone"),
            Identity.address,
            phones,
        ):
            self.owner[address] = person_id
            self.identity_of[address] = (identity_id, verified)
        contacts, person_phones, person_names = self._existing(wanted)
        self.file_phones = self.seen_phones.which(address for rows in person_phones.values() for _,
                                                  address in rows)
        for item in wanted:
            self._plan(item, contacts.get(item.beneficiary_id, []), person_phones, person_names)
        self._write()

    def _existing(self, wanted: list[Wanted]):
        old = [w.beneficiary_id for w in wanted if not w.is_new]
        contacts: dict[int, list] = {}
        for row in select_in(
            self.session,
            select(Contact.id, Contact.beneficiary_id, Contact.person_id, Contact.role, Contact.relation,
                   Contact.source, Contact.removed_at),
            Contact.beneficiary_id,
            old,
        ):
            contacts.setdefault(row.beneficiary_id, []).append(row)
        person_ids = [c.person_id for rows in contacts.values() for c in rows]
        person_phones: dict[int, list[tuple[int, str]]] = {}
        for identity_id, person_id, address in select_in(
            self.session,
            select(Identity.id, Identity.person_id, Identity.address).where(Identity.kind == "phone"),
            Identity.person_id,
            person_ids,
        ):
            person_phones.setdefault(person_id, []).append((identity_id, address))
        person_names = dict(select_in(self.session, select(Person.id, Person.name), Person.id, person_ids))
        return contacts, person_phones, person_names

    def _person_for(self, link: Link, slot: str, current: list, person_phones, person_names) -> int:
        """The person who has this phone; else the current one whose old number left the list
        (a new number for the same person); else a new person."""
        if link.phone in self.owner:
            return self.owner[link.phone]
        for contact in current:
            same_person = slot == "self" or fold(person_names.get(contact.person_id) or "") == fold(
                link.name or ""
            )
            if not same_person:
                continue
            for index, (identity_id, address) in enumerate(person_phones.get(contact.person_id, [])):
                if address not in self.file_phones and address != link.phone:
                    self.moved.append({"id": identity_id, "address": link.phone, "verified": True,
                                       "verified_by": "on_file", "verified_at": self.now})
                    person_phones[contact.person_id][index] = (identity_id, link.phone)
                    self.owner.pop(address, None)
                    self.owner[link.phone] = contact.person_id
                    return contact.person_id
        ref = -len(self.new_persons) - 1
        self.new_persons.append({"name": link.name, "language": "vi", "preferred_channel": "sms",
                                 "opted_out": False, "created_at": self.now})
        self.new_identities.append((ref, link.phone))
        self.owner[link.phone] = ref
        return ref

    def _may_move(self, item: Wanted, existing: list, person_phones, person_names) -> bool:
        """Whether a new number on this row could be a stored person's new number: their old
        number is not on the list read so far, but a later chunk may still name it."""
        for slot, link in item.links.items():
            if link is None or link.phone in self.owner:
                continue
            for contact in existing:
                if contact.role not in SLOT_ROLES[slot] or contact.removed_at is not None:
                    continue
                if slot != "self" and fold(person_names.get(contact.person_id) or "") != fold(
                    link.name or ""
                ):
                    continue
                if any(address not in self.file_phones and address != link.phone
                       for _, address in person_phones.get(contact.person_id, [])):
                    return True
        return False

    def _plan(self, item: Wanted, existing: list, person_phones, person_names) -> None:
        if self.defer and existing and self._may_move(item, existing, person_phones, person_names):
            self.deferred.append(item)
            return
        links = dict(item.links)
        self_link, guardian_link = links.get("self"), links.get("guardian")
        if self_link and guardian_link and self_link.phone == guardian_link.phone:
            links["self"] = None  # one phone for both: the person who answers it is the guardian
        desired: dict[int, Link] = {}
        for slot, link in links.items():
            current = [c for c in existing if c.role in SLOT_ROLES[slot] and c.removed_at is None]
            if link is not None:
                desired[self._person_for(link, slot, current, person_phones, person_names)] = link
        by_person = {c.person_id: c for c in existing}
        for person, link in desired.items():
            contact = by_person.get(person)
            if contact is None:
                self.contact_inserts.append(self._contact_row(person, item.beneficiary_id, link))
            elif (contact.role, contact.relation, contact.removed_at) != (link.role, link.relation, None):
                row = {"id": contact.id, "role": link.role, "relation": link.relation, "removed_at": None,
                       "consent": True}
                if contact.removed_at is not None:  # listed again: consent as on the officers' list
                    row.update(consent_at=self.now, consent_channel="import", consent_withdrawn_at=None,
                               consent_withdrawn_channel=None)
                self.contact_updates.append(row)
        managed_roles = {role for slot in item.links for role in SLOT_ROLES[slot]}
        for contact in existing:
            if (contact.person_id not in desired and contact.source == "import" and contact.removed_at is None
                    and contact.role in managed_roles):
                self.contact_updates.append({"id": contact.id, "removed_at": self.now,
                                             "consent_withdrawn_at": self.now,
                                             "consent_withdrawn_channel": "import"})

    def _contact_row(self, person: int, beneficiary_id: int, link: Link) -> dict:
        return {"person_id": person, "beneficiary_id": beneficiary_id, "role": link.role,
                "relation": link.relation,
                "source": "import", "consent": True, "consent_at": self.now, "consent_channel": "import",
                "removed_at": None, "created_at": self.now}

    def _write(self) -> None:
        new_ids = allocate_ids(self.session, Person, len(self.new_persons))
        for person_id, row in zip(new_ids, self.new_persons):
            row["id"] = person_id
        insert_rows(self.session, Person, self.new_persons)

        def resolve(ref: int) -> int:
            return new_ids[-ref - 1] if ref < 0 else ref

        update_by_id(self.session, Identity, self.moved)
        insert_rows(self.session, Identity, [
            {"person_id": resolve(ref), "kind": "phone", "address": phone, "verified": True,
             "verified_at": self.now, "verified_by": "on_file", "opted_out": False, "created_at": self.now}
            for ref, phone in self.new_identities
        ])
        unverified = {identity_id for identity_id, verified in self.identity_of.values() if not verified}
        update_by_id(self.session, Identity, [
            {"id": identity_id, "verified": True, "verified_by": "on_file", "verified_at": self.now}
            for identity_id in unverified
        ])
        for row in self.contact_inserts:
            row["person_id"] = resolve(row["person_id"])
        insert_rows(self.session, Contact, self.contact_inserts)
        update_by_id(self.session, Contact, self.contact_updates)
        logger.info("people: %d new persons, %d moved numbers, %d new contacts, %d contact changes",
                    len(self.new_persons), len(self.moved), len(self.contact_inserts),
                    len(self.contact_updates))
