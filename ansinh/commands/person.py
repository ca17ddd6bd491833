"""`ansinh person export|erase|allow-reimport`: personal data of one beneficiary (by code) or one
contact person (by phone), for the province's data-protection requests (Law 91/2025).
Whoever runs the CLI holds the database, so no unit scope applies; every run is audited."""
from __future__ import annotations

import getpass
import json
import sys

import click

from ansinh.cli_support import pass_state, require_identifier_key
from core.privacy.audit import record_disclosure
from core.storage.db import transaction
from core.i18n import translator
from core.phones import mask_phone
from core.privacy import find_subject
from core.privacy.erase import erase_beneficiary, erase_person
from core.privacy.export import export_beneficiary, export_person
from core.privacy.reimport import allow_reimport


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:80]
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "cli"


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def register(main: click.Group) -> None:
    @main.group(help="personal data of one person: export everything held, or erase")
    def person() -> None:
        pass

    @person.command("export",
                    help="everything held about a beneficiary (code) or a contact person (phone), as JSON")
    @click.argument("who")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                  help="write to this file instead of stdout")
    @pass_state
    def person_export(state, who: str, output: str | None) -> None:
        require_identifier_key(state)  # erasures are remembered by keyed hash
        t, runtime = translator("vi"), state.runtime
        with transaction(runtime.sessions) as session:
            subject = find_subject(session, who)
            if subject is None:
                _fail(t._("No beneficiary has the code %(code)s, and it is not a phone number.",
                          code=who[:40]))
            now, actor = runtime.clock.now(), _actor()
            if subject.beneficiary is not None:
                data = export_beneficiary(session, subject.beneficiary, actor, now)
                record_disclosure(session, actor, "privacy.export", subject.beneficiary.id, "cli",
                                  {"subject": "beneficiary"}, at=now)
            else:
                data = export_person(session, subject.person, subject.phone, actor, now)
                person_id = subject.person.id if subject.person else None
                record_disclosure(session, actor, "privacy.export", None, "cli",
                                  {"subject": "person", "person_id": person_id}, at=now)
        body = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(body + "\n")
            except OSError:
                _fail(t._("Cannot write the file %(path)s: check the folder and its permissions.",
                          path=output))
            click.echo(t._("Export written to %(path)s.", path=output), err=True)
        else:
            click.echo(body)

    @person.command("erase", help="erase a contact person (phone) or anonymise a beneficiary who left (code)")
    @click.argument("who")
    @click.option("--yes", is_flag=True, help="do not ask to type WHO again to confirm")
    @pass_state
    def person_erase(state, who: str, yes: bool) -> None:
        require_identifier_key(state)  # erasures are remembered by keyed hash
        t, runtime = translator("vi"), state.runtime
        with transaction(runtime.sessions) as session:
            subject = find_subject(session, who)
            if subject is None or (subject.beneficiary is None and subject.person is None):
                _fail(
                    t._("Nobody to erase: no beneficiary has this code and no one holds this phone number.")
                )
            if not yes:
                typed = click.prompt(t._("This cannot be undone. Type %(who)s again to confirm",
                                         who=who.strip()), default="")
                if typed.strip().upper() != who.strip().upper():
                    _fail(t._("What you typed does not match. Nothing was erased."))
            now, actor = runtime.clock.now(), _actor()
            if subject.beneficiary is not None:
                result = erase_beneficiary(session, subject.beneficiary, actor, "cli", now, runtime.state)
                done = t._("Beneficiary erased: payments are kept under the code %(code)s.",
                           code=subject.beneficiary.code)
            else:
                result = erase_person(session, subject.person, actor, "cli", now, runtime.state)
                done = t._("The person reached at %(phone)s was erased.", phone=mask_phone(subject.phone))
        click.echo(done)
        click.echo(t._("%(persons)s persons, %(contacts)s links, %(cancelled)s waiting messages cancelled, "
                       "%(blanked)s messages and %(complaints)s complaints cleared.",
                       persons=result.persons, contacts=result.contacts, cancelled=result.messages_cancelled,
                       blanked=result.messages_blanked, complaints=result.complaints_blanked))

    @person.command("allow-reimport",
                    help="let the next import create an erased beneficiary code again (re-enrolment)")
    @click.argument("code")
    @pass_state
    def person_allow_reimport(state, code: str) -> None:
        require_identifier_key(state)  # erasures are remembered by keyed hash
        t, runtime = translator("vi"), state.runtime
        with transaction(runtime.sessions) as session:
            removed = allow_reimport(session, code)
            if removed:
                record_disclosure(session, _actor(), "privacy.allow_reimport", None, "cli", {},
                                  at=runtime.clock.now())
        if not removed:
            _fail(t._("The code %(code)s was not erased.", code=code[:40]))
        click.echo(t._("The next import may create %(code)s again.", code=code[:40]))
