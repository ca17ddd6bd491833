"""What can go wrong in an import, and the records an import reports back.

Messages are English msgids here; the officer reads them in Vietnamese from the catalogs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.i18n import (
    N_,  # noqa: F401 - re-exported
    Translator,
    translator,
)

SHOWN_LENGTH = 60
# C0/C1 controls (terminal escapes) and bidirectional overrides (text that reads backwards)
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """A cell or header as quoted back in a report: short, and with nothing that could move the
    cursor of the officer's terminal or reverse the text around it."""
    text = UNSAFE.sub("?", " ".join(text.split()))
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 1] + "…"


class BadValue(ValueError):
    """One cell cannot be understood: `msgid` and its named values say why."""

    def __init__(self, msgid: str, **values: object):
        values = {k: shown(v) if isinstance(v, str) else v for k, v in values.items()}
        super().__init__(msgid % values if values else msgid)
        self.msgid = msgid
        self.values = values

    def message(self, t: Translator | None = None) -> str:
        return (t or translator("vi"))._(self.msgid, **self.values)


class ImportFileError(Exception):
    """The whole file cannot be read (missing, not CSV/XLSX, not UTF-8). `str()` is Vietnamese."""

    def __init__(self, msgid: str, **values: object):
        self.msgid = msgid
        self.values = values
        super().__init__(translator("vi")._(msgid, **values))


@dataclass
class RowError:
    """A problem on one spreadsheet row (row 1 is the header) in one column, as headed in the file."""

    row: int
    column: str
    message: str

    def __post_init__(self) -> None:
        self.column = shown(str(self.column))

    def line(self, t: Translator | None = None) -> str:
        return (t or translator("vi"))._(
            "Row %(row)s, column «%(column)s»: %(message)s", row=self.row, column=self.column,
            message=self.message
        )


@dataclass
class PaymentChanged:
    """A payment that is new or whose status changed (notifications hook on these)."""

    payment_id: int
    beneficiary_id: int
    period: str
    old_status: str | None
    new_status: str


@dataclass
class ScheduleSet:
    """A cash schedule that is new or changed."""

    schedule_id: int
    unit_code: str
    period: str


MAX_LISTED_ERRORS = 1000


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    events: list = field(default_factory=list)  # PaymentChanged / ScheduleSet
    unlisted_rows: int = 0  # rejected rows counted but not listed (beyond MAX_LISTED_ERRORS)
    refusal: tuple[str, dict] | None = None  # (msgid, values): the whole file was refused
    unknown_providers: dict[str, list] = field(default_factory=dict)  # alias key -> [as written, rows]

    def add_errors(self, errors: list[RowError]) -> None:
        """One row's problems: listed while the list is short, then only counted, so a national
        file with the same mistake on every row does not fill memory with messages."""
        if not errors:
            return
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.extend(errors)
        else:
            self.unlisted_rows += 1

    def refuse(self, msgid: str, **values: object) -> None:
        """Nothing in the file can be imported (a missing column, the wrong kind of file)."""
        self.refusal = (msgid, values)

    def unknown_provider(self, key: str, written: str) -> None:
        """A good row names a provider the alias table does not know (it is still imported)."""
        entry = self.unknown_providers.setdefault(key, [shown(written), 0])
        entry[1] += 1

    @property
    def rejected(self) -> int:
        """Distinct rows with at least one error; every row when the file was refused."""
        if self.refusal is not None:
            return self.total
        return len({error.row for error in self.errors}) + self.unlisted_rows

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def headline(self, t: Translator | None = None) -> tuple[str, str]:
        """(outcome, sentence) for the top of the report: 'ok', 'warn' (some rows imported) or
        'error' (none was), so nobody reads "imported" when nothing was."""
        t = t or translator("vi")
        if self.refusal is not None:
            msgid, values = self.refusal
            values = {k: t._(v) if k in TRANSLATED_VALUES else v for k, v in values.items()}
            return "error", t._(msgid, **values)
        if self.rejected and not self.accepted:
            return "error", t._("No row was imported: every row has a problem. Fix the rows below and import "
                                "the "
                                "file again.")
        if not self.total:
            return "warn", t._("The file has no rows under its header: nothing was imported.")
        if self.rejected:
            return "warn", t._("Good rows were imported; the rows below were rejected. Fix them and import "
                               "the file "
                               "again.")
        return "ok", t._("Every row was imported.")

    def warnings(self, t: Translator | None = None) -> list[str]:
        """Things imported as written that an officer should look at, most rows first."""
        t = t or translator("vi")
        unknown = sorted(self.unknown_providers.values(), key=lambda entry: (-entry[1], entry[0]))
        return [t._("Unknown payment provider: %(name)s (%(count)s rows)", name=name, count=t.number(count))
                for name, count in unknown]


TRANSLATED_VALUES = frozenset({"found", "chosen"})  # refusal values that are msgids themselves
