"""How console pages name who did what, and how much of a number they show.

Officers appear by their full name (their login name only when they have none), people by their
channel and a masked address, the command line and the demo in words; an audit row's details are
labelled in Vietnamese. Phone numbers are shown in full only to the commune officer of the unit
they belong to (SECURITY.md); national IDs and account numbers quoted in free text never are."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from console.labels import LABELS, N_, action_label, label
from console.web import bp, runtime, tr
from core.models import Officer
from core.phones import mask_phone
from core.privacy.masking import mask_numbers_in_text

PEOPLE_CHANNELS = ("sms", "ussd", "zalo", "telegram")
DETAIL_KEYS = {
    "query": N_("searched for"), "results": N_("results"), "full_phones": N_("full phone numbers"),
    "recipients": N_("recipients"), "queued": N_("queued"), "file": N_("file"), "broadcast": N_("broadcast"),
    "reason": N_("reason"), "count": N_("count"), "who": N_("who"), "what": N_("action"), "code": N_("code"),
    "period": N_("period"), "format": N_("format"), "status": N_("status"), "username": N_("username"),
    "address": N_("network address"), "message": N_("message"), "channel": N_("channel"), "kind": N_("kind"),
    "subject": N_("about"), "person_id": N_("person no."), "complaint": N_("complaint"),
    "officer": N_("officer"),
    "total": N_("rows"), "created": N_("new"), "updated": N_("updated"), "unchanged": N_("unchanged"),
    "rejected": N_("rejected"), "rows": N_("rows"), "payment_id": N_("payment no."), "page": N_("page"),
    "role": N_("role"), "unit": N_("unit"), "brief": N_("short answer"),
}
HIDDEN_KEYS = {"job", "fingerprint", "seed", "scale"}  # technical: kept in the log, not worth a reader's time
_STATUS_KINDS = ("payment_status", "complaint_status", "broadcast_status", "outbox_status")


def _officer_names() -> dict[str, str]:
    """Every officer's full name by login name, read once per request."""
    names = getattr(g, "officer_names", None)
    if names is None:
        with runtime().sessions() as session:
            names = {username: full_name or username for username, full_name
                     in session.execute(select(Officer.username, Officer.full_name))}
        g.officer_names = names
    return names


@bp.app_template_global()
def officer_name(username: str | None) -> str:
    if not username:
        return ""
    return _officer_names().get(username, username)


@bp.app_template_global()
def who(actor: str | None) -> str:
    """'officer:lan' -> 'Lê Thị Lan'; 'sms:+84905318246' -> 'SMS …8246'; 'cli:root' -> 'Dòng lệnh (root)'."""
    if not actor:
        return ""
    t = tr()
    kind, _, rest = actor.partition(":")
    if kind == "officer" and rest:
        return officer_name(rest)
    if kind == "cli":
        return t._("Command line") + (f" ({rest})" if rest else "")
    if actor == "console:anonymous":
        return t._("Not signed in")
    if kind in PEOPLE_CHANNELS and rest:
        if rest.startswith("person:"):
            return t._("%(channel)s user no. %(id)s", channel=label("channel", kind),
                       id=rest[len("person:"):])
        return f"{label('channel', kind)} {mask_phone(rest)}"
    return actor


def _value(key: str, value) -> str | None:
    """One detail as a reader wants it; None for structured values (filters, lists) left to exports."""
    t = tr()
    if isinstance(value, bool):
        return t._("Yes") if value else t._("No")
    if isinstance(value, (int, float)):
        is_number_of_a_thing = key.endswith("_id") or key in ("broadcast", "message", "job")
        return str(value) if is_number_of_a_thing else t.number(value)
    if not isinstance(value, str):
        return None
    if key == "period":
        return t.period(value) if len(value) == 7 and value[4] == "-" else value
    if key == "status":
        return next((label(kind, value) for kind in _STATUS_KINDS if value in LABELS[kind]), value)
    if key == "kind":
        kinds = ("import_kind", "message_kind")
        return next((label(kind, value) for kind in kinds if value in LABELS[kind]), value)
    if key == "channel":
        return label("channel", value)
    if key == "subject":
        return label("export_subject", value)
    if key == "officer" or key == "username":
        return officer_name(value)
    if key == "reason":
        return t._(value)
    if key == "what":
        return action_label(value)
    if key == "who":
        return who(value)
    return mask_numbers_in_text(value)


@bp.app_template_global()
def detail_items(detail: dict | None) -> list[tuple[str, str]]:
    """An audit row's details as (label, value) pairs, empty ones left out."""
    items = []
    for key, value in (detail or {}).items():
        if value is None or value == "" or key in HIDDEN_KEYS:
            continue
        shown = _value(key, value)
        if shown:
            items.append((tr()._(DETAIL_KEYS[key]) if key in DETAIL_KEYS else key, shown))
    return items


@bp.app_template_global()
def sees_full_phones(unit_code: str | None) -> bool:
    """Only the commune officer of the unit reads its people's phone numbers in full."""
    officer = getattr(g, "officer", None)
    return bool(officer is not None and unit_code and officer.role == "commune"
                and officer.unit_code == unit_code)


@bp.app_template_global()
def shown_text(text: str | None, unit_code: str | None = None) -> str:
    """Free text someone wrote, with the numbers this reader may not see masked."""
    return mask_numbers_in_text(text, phones_in_full=sees_full_phones(unit_code))


@bp.app_template_global()
def shown_phone(address: str | None, unit_code: str | None = None) -> str:
    if not address:
        return ""
    return address if sees_full_phones(unit_code) else mask_phone(address)


@bp.app_template_global()
def event_note(event, unit_code: str | None = None) -> str:
    """A complaint event's note: the kind of complaint, the officer it was given to, or the text."""
    if event.action == "created" and event.note in LABELS["complaint_category"]:
        return label("complaint_category", event.note)
    if event.action == "assigned":
        return officer_name(event.note)
    return shown_text(event.note, unit_code)

