"""The columns of each import file (INTERFACES.md), header matching and row parsing.

A header matches when it equals, after folding case and diacritics and dropping spaces,
underscores and punctuation, the officers' Vietnamese header, the snake_case key or an alias:
"Mã đối tượng", "MA DOI TUONG" and "ma_doi_tuong" are the same column.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, lru_cache

from core.imports import values as v
from core.imports.problems import N_, BadValue, RowError
from core.imports.reader import cell_text
from core.imports.providers import ProviderNames
from core.vietnamese_text import fold


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs to know besides the cell: the date and the reference data."""

    today: date
    units: frozenset[str] = frozenset()
    # Code -> (programme, coefficient)
    categories: Mapping[str, tuple[str, Decimal]] = field(default_factory=dict)
    providers: ProviderNames = field(default_factory=lambda: ProviderNames({}))


@dataclass(frozen=True)
class Column:
    key: str  # snake_case key of INTERFACES.md
    header: str  # the officers' Vietnamese header
    parse: Callable[[str, ParseContext], object]
    required: bool = False
    aliases: tuple[str, ...] = ()


# Columns with few distinct values in a file (codes, methods, amounts): each distinct text is
# parsed once per import.
REPEATING = frozenset({"ma_xa", "gioi_tinh", "che_do", "dien_doi_tuong", "he_so", "so_tien", "hinh_thuc",
                       "don_vi_chi_tra", "quan_he", "ky_chi_tra", "trang_thai", "ngay_chi_tra", "tu_ngay",
                       "den_ngay", "gio"})


_SPACES = re.compile(r"\s+")


def parse_code(text: str) -> str:
    """Beneficiary codes compare without case or inner spaces ('hue 0001' is 'HUE0001')."""
    return v.parse_text(_SPACES.sub("", text).upper(), 30)


def _text(limit: int) -> Callable[[str, ParseContext], str]:
    return lambda text, ctx: v.parse_text(text, limit)


def parse_provider(text: str, ctx: ParseContext) -> str:
    """The provider's one name ('Viettel' -> 'Viettel Money'); an unknown name is kept as written
    (the importer reports it, core.imports.providers)."""
    written = v.parse_text(text, 60)
    return ctx.providers.canonical(written) or written


CODE = Column("ma_doi_tuong", "Mã đối tượng", lambda t, c: parse_code(t), True,
              ("Mã ĐT", "Mã số đối tượng", "code"))
PERIOD = Column("ky_chi_tra", "Kỳ chi trả", lambda t, c: v.parse_period(t), True,
                ("Kỳ", "Tháng", "Tháng chi trả", "period"))
UNIT = Column("ma_xa", "Mã xã", lambda t, c: v.parse_unit_code(t, c.units), True,
              ("Mã phường", "Mã xã/phường", "Mã xã phường", "Mã đơn vị", "unit_code"))

BENEFICIARY_COLUMNS: tuple[Column, ...] = (
    CODE,
    Column("ho_ten", "Họ và tên", _text(120), True, ("Họ tên", "Tên", "Họ và tên đối tượng", "full_name")),
    Column("ngay_sinh", "Ngày sinh", lambda t, c: v.parse_birth(t, c.today), True,
           ("Năm sinh", "Ngày tháng năm sinh", "Ngày/năm sinh", "birth_date")),
    Column("gioi_tinh", "Giới tính", lambda t, c: v.parse_gender(t), aliases=("gender",)),
    Column("so_cccd", "Số CCCD", lambda t, c: v.parse_national_id(t),
           aliases=("CCCD", "Số CMND/CCCD", "Số CMND", "CMND", "Số định danh", "national_id")),
    UNIT,
    Column("dia_chi", "Địa chỉ", _text(255), aliases=("address",)),
    Column("che_do", "Chế độ", lambda t, c: v.parse_programme(t), aliases=("Chương trình", "programme")),
    Column("dien_doi_tuong", "Diện đối tượng", lambda t, c: v.parse_categories(t, c.categories),
           aliases=("Diện", "Mã diện", "categories")),
    Column("he_so", "Hệ số", lambda t, c: v.parse_coefficient(t), aliases=("coefficient",)),
    Column("so_tien", "Số tiền hàng tháng", lambda t, c: v.parse_amount(t),
           aliases=("Số tiền", "Mức trợ cấp", "Mức hưởng", "monthly_amount")),
    Column("hinh_thuc", "Hình thức nhận", lambda t, c: v.parse_method(t),
           aliases=("Hình thức", "Hình thức chi trả", "method")),
    Column("don_vi_chi_tra", "Đơn vị chi trả", parse_provider, aliases=("provider",)),
    Column("so_tai_khoan", "Số tài khoản", lambda t, c: v.parse_account_number(t),
           aliases=("STK", "Số TK", "Tài khoản số", "account_number")),
    Column("so_dien_thoai", "Số điện thoại", lambda t, c: v.parse_phone(t),
           aliases=("SĐT", "Số ĐT", "Điện thoại", "ĐT", "SĐT đối tượng", "phone")),
    Column("nguoi_giam_ho", "Người giám hộ", _text(120),
           aliases=("Họ tên người giám hộ", "Người được ủy quyền", "Người giám hộ/được ủy quyền",
                    "guardian_name")),
    Column("sdt_nguoi_giam_ho", "SĐT người giám hộ", lambda t, c: v.parse_phone(t),
           aliases=("Số điện thoại người giám hộ", "Điện thoại người giám hộ", "SĐT người được ủy quyền",
                    "Số ĐT người giám hộ", "guardian_phone")),
    Column("quan_he", "Quan hệ", _text(40), aliases=("Quan hệ với đối tượng", "relation")),
)

PAYMENT_COLUMNS: tuple[Column, ...] = (
    PERIOD,
    CODE,
    Column("so_tien", "Số tiền", lambda t, c: v.parse_amount(t),
           aliases=("Số tiền chi trả", "Số tiền hàng tháng", "amount")),
    Column("trang_thai", "Trạng thái", lambda t, c: v.parse_status(t), True,
           aliases=("Kết quả", "Kết quả chi trả", "Tình trạng", "status")),
    Column("ngay_chi_tra", "Ngày chi trả", lambda t, c: v.parse_date(t), aliases=("Ngày nhận", "paid_on")),
    Column("hinh_thuc", "Hình thức", lambda t, c: v.parse_method(t),
           aliases=("Hình thức nhận", "Hình thức chi trả", "method")),
    Column("ma_giao_dich", "Mã giao dịch", _text(64), aliases=("Mã GD", "transaction_id")),
    Column("ghi_chu", "Ghi chú", _text(255), aliases=("Lý do", "note")),
)

SCHEDULE_COLUMNS: tuple[Column, ...] = (
    PERIOD,
    UNIT,
    Column("hinh_thuc", "Hình thức", lambda t, c: v.parse_method(t), aliases=("Hình thức chi trả", "method")),
    Column("tu_ngay", "Từ ngày", lambda t, c: v.parse_date(t), True, ("Ngày bắt đầu", "start_date")),
    Column("den_ngay", "Đến ngày", lambda t, c: v.parse_date(t), aliases=("Ngày kết thúc", "end_date")),
    Column("gio", "Giờ", lambda t, c: v.parse_hours(t), aliases=("Giờ chi trả", "Thời gian", "hours")),
    Column("dia_diem", "Địa điểm", _text(255), True, ("Địa điểm chi trả", "Nơi chi trả", "place")),
)


def header_key(text: str) -> str:
    """'Mã đối tượng', 'MA_DOI_TUONG', 'Mã-đối tượng:' -> 'madoituong'."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text)))


def _spelled(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@lru_cache(maxsize=1)
def _vietnamese_headers() -> frozenset[str]:
    return frozenset(_spelled(name) for columns in (BENEFICIARY_COLUMNS, PAYMENT_COLUMNS, SCHEDULE_COLUMNS)
                     for column in columns for name in (column.header, *column.aliases) if not name.isascii())


@lru_cache(maxsize=1)
def _header_keys() -> frozenset[str]:
    return frozenset(header_key(name) for columns in (BENEFICIARY_COLUMNS, PAYMENT_COLUMNS, SCHEDULE_COLUMNS)
                     for column in columns for name in (column.key, column.header, *column.aliases))


def is_known_header(text: str) -> bool:
    """A header of any import, matched as `match_headers` does (finds the header row)."""
    return len(text) < 200 and header_key(text) in _header_keys()


def is_vietnamese_header(text: str) -> bool:
    """A header of any import spelled exactly, diacritics included (case and spaces aside): how
    reading a line in a wrong encoding is told apart from reading it in the right one."""
    return _spelled(text) in _vietnamese_headers()


@dataclass
class Layout:
    """Which of a kind's columns a file has, under which header as written."""

    headers: dict[str, str]  # column key -> header in the file
    columns: tuple[Column, ...]
    # (key, text) -> value, REPEATING only
    parsed: dict[tuple[str, str], object] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.headers

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.header for c in self.columns if c.key == key)

    @cached_property
    def present(self) -> list[tuple[Column, str]]:
        """(column, header in the file) for the columns the file has, in the kind's order."""
        return [(c, self.headers[c.key]) for c in self.columns if c.key in self.headers]

    @property
    def missing(self) -> list[Column]:
        return [c for c in self.columns if c.required and c.key not in self.headers]


def match_headers(headers: Iterable[str], columns: Sequence[Column]) -> Layout:
    """Map the file's headers to columns; unknown headers are ignored, the first match wins."""
    names: dict[str, Column] = {}
    for column in columns:
        for name in (column.key, column.header, *column.aliases):
            names.setdefault(header_key(name), column)
    found: dict[str, str] = {}
    for header in headers:
        column = names.get(header_key(header))
        if column is not None and column.key not in found:
            found[column.key] = header
    return Layout(found, tuple(columns))


def missing_column_errors(layout: Layout) -> list[RowError]:
    from core.i18n import translator

    message = translator("vi")._("The file has no such column, so nothing was imported.")
    return [RowError(1, column.header, message) for column in layout.missing]


_MISSING = object()


def parse_row(row: int, raw: Mapping[str, object], layout: Layout,
              ctx: ParseContext) -> tuple[dict, list[RowError]]:
    """Typed values of one row by column key (None for an empty cell), and its problems."""
    values: dict[str, object] = {}
    errors: list[RowError] = []
    for column, header in layout.present:
        value = raw.get(header)
        text = value.strip() if isinstance(value, str) else cell_text(value)
        if not text:
            values[column.key] = None
            if column.required:
                errors.append(RowError(row, header, BadValue(N_("This value is required.")).message()))
            continue
        try:
            if column.key in REPEATING:
                cached = layout.parsed.get((column.key, text), _MISSING)
                if cached is _MISSING:
                    cached = layout.parsed[(column.key, text)] = column.parse(text, ctx)
                values[column.key] = cached
            else:
                values[column.key] = column.parse(text, ctx)
        except BadValue as problem:
            values[column.key] = None
            errors.append(RowError(row, header, problem.message()))
    return values, errors
