"""What can go wrong in an import, and the records an import reports back.

Messages are English msgids here; the officer reads them in Vietnamese from the catalogs.
"""
from __future__ import annotations

from core.i18n import N_  # noqa: F401 - re-exported

from dataclasses import dataclass, field

from core.i18n import Translator, translator




class BadValue(ValueError):
    """One cell cannot be understood: `msgid` and its named values say why."""

    def __init__(self, msgid: str, **values: object):
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

    def line(self, t: Translator | None = None) -> str:
        return (t or translator("vi"))._(
            "Row %(row)s, column «%(column)s»: %(message)s", row=self.row, column=self.column, message=self.message
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


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    events: list = field(default_factory=list)  # PaymentChanged / ScheduleSet

    @property
    def rejected(self) -> int:
        """Distinct rows with at least one error."""
        return len({error.row for error in self.errors})
