"""Payment providers' names as officers write them become one provider each (issue 18 item 3):
"Viettel" is Viettel Money, not a provider beside it. Unknown names are imported as written and
reported; a province adds its own names with `ansinh provider alias`, and `ansinh db upgrade`
brings the names stored before to their one name."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ansinh.cli import main
from core.imports import import_file
from core.reports.indicators import compute
from core.models import Beneficiary

TODAY = date(2026, 11, 26)
HEADER = "Mã đối tượng,Họ và tên,Ngày sinh,Mã xã,Diện đối tượng,Hình thức nhận,Đơn vị chi trả\n"
VIETTEL, VNPOST = "Viettel Money", "VNPost – VietinBank"
WRITTEN = {
    "Viettel": VIETTEL, "Viettel Money": VIETTEL, "VIETTEL MONEY": VIETTEL, "ViettelPay": VIETTEL,
    "viettel  pay": VIETTEL, "Ví Viettel Money": VIETTEL, "Viettel-Money": VIETTEL,
    "Viettel Money chi nhánh Huế": VIETTEL,
    "Bưu điện": VNPOST, "BƯU ĐIỆN": VNPOST, unicodedata.normalize("NFD", "Bưu Điện"): VNPOST,
    "Buu dien": VNPOST,
    "VNPost": VNPOST, "VN Post": VNPOST, "Bưu điện - VietinBank": VNPOST, "VNPost – VietinBank": VNPOST,
    "Bưu điện tỉnh Thừa Thiên Huế": VNPOST, "VietinBank": VNPOST, "Ngân hàng VietinBank": VNPOST,
    "VNPT Money": "VNPT Money", "VNPT": "VNPT Money", "vnpt pay": "VNPT Money",
    "MoMo": "MoMo", "Ví MoMo": "MoMo", "MOMO": "MoMo",
    "Agribank": "Agribank", "NH Agribank Huế": "Agribank", "Ngân hàng Nông nghiệp và PTNT": "Agribank",
}


def rows(providers: list[str], start: int = 1) -> str:
    return "".join(f'HUE-{start + i:04d},Người {start + i},1940,19786,NCT_80,Ví điện tử,"{name}"\n'
                   for i, name in enumerate(providers))


def stored(sessions) -> dict[str, str]:
    with sessions() as session:
        return dict(session.execute(select(Beneficiary.code, Beneficiary.provider)).all())


@pytest.fixture
def cli(settings):
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), env={"ANSINH_DATABASE_URL": settings.database_url})


def test_the_names_officers_write_are_one_provider_each(sessions, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + rows(list(WRITTEN)), encoding="utf-8")
    report = import_file(sessions, "beneficiaries", path, today=TODAY)
    assert (report.created, report.rejected, report.warnings()) == (len(WRITTEN), 0, [])
    assert list(stored(sessions).values()) == list(WRITTEN.values())
    payments = tmp_path / "chi_tra.csv"  # the indicators count the people on the period's payee list
    payments.write_text("Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Hình thức\n" + "".join(
        f"11/2026,HUE-{i:04d},500.000,Đã chi trả,05/11/2026,Ví điện tử\n" for i in range(1,
                                                                                         len(WRITTEN) + 1)),
        encoding="utf-8")
    assert import_file(sessions, "payments", payments, today=TODAY).rejected == 0
    with sessions() as session:
        providers = [row.label for row in compute(session, "2026-11").by_provider]
    assert sorted(providers) == sorted({VIETTEL, VNPOST, "VNPT Money", "MoMo", "Agribank"})


def test_unknown_providers_are_imported_as_written_and_reported(sessions, tmp_path, cli):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + rows(["Vietel Money", "Viettel", "vietel money", "Quỹ tín dụng Phú Vinh", ""]),
                    encoding="utf-8")
    result = cli("import", "beneficiaries", str(path), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Tổng số dòng: 5 · thêm mới: 5 · cập nhật: 0 · không đổi: 0 · bị từ chối: 0",
        "Cảnh báo (các dòng này vẫn được nhập, ghi như trong tệp):",
        "Đơn vị chi trả không rõ: Vietel Money (2 dòng)",
        "Đơn vị chi trả không rõ: Quỹ tín dụng Phú Vinh (1 dòng)",
    ]
    assert stored(sessions) == {"HUE-0001": "Vietel Money", "HUE-0002": VIETTEL, "HUE-0003": "vietel money",
                                "HUE-0004": "Quỹ tín dụng Phú Vinh", "HUE-0005": None}


def test_a_province_adds_its_own_name_and_stored_rows_follow(sessions, tmp_path, cli):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + rows(["Vietel Money", "BĐ Phú Vang", "Viettel"]), encoding="utf-8")
    import_file(sessions, "beneficiaries", path, today=TODAY)
    result = cli("provider", "alias", "Vietel  Money", "viettel")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Từ nay «Vietel Money» được hiểu là Viettel Money; "
                                     "đã đổi 1 tên đang lưu sang tên này.")
    result = cli("provider", "alias", "BĐ Phú Vang", "Bưu điện Phú Vang")
    assert result.output.splitlines()[0] == "Bưu điện Phú Vang là một đơn vị chi trả mới."
    assert stored(sessions) == {"HUE-0001": VIETTEL, "HUE-0002": "Bưu điện Phú Vang", "HUE-0003": VIETTEL}
    again = import_file(sessions, "beneficiaries", path, today=TODAY)
    assert (again.unchanged, again.updated, again.warnings()) == (1, 2, [])  # row hashes held the old names
    listing = cli("provider", "list").output.splitlines()
    assert "Bưu điện Phú Vang: BĐ Phú Vang" in listing
    assert any(line.startswith("Viettel Money: ") and "Vietel Money" in line for line in listing)
    assert cli("provider", "alias", " - ", "Viettel").exit_code == 2


def test_db_upgrade_brings_names_stored_before_to_their_one_name(sessions, cli):
    from tests.console_support import make_beneficiary, make_payment

    with sessions.begin() as session:
        for code, provider in (("HUE-1", "Viettel"), ("HUE-2", "Bưu điện - VietinBank"), ("HUE-3", "Quỹ X")):
            beneficiary = make_beneficiary(session, code, "Người", provider=provider)
            make_payment(session, beneficiary, "2026-11", provider=provider)
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    with sessions() as session:
        from core.models import Payment

        assert stored(sessions) == {"HUE-1": VIETTEL, "HUE-2": VNPOST, "HUE-3": "Quỹ X"}
        assert sorted(session.scalars(select(Payment.provider))) == sorted([VIETTEL, VNPOST, "Quỹ X"])
