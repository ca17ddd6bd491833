"""Imports are validated and written a chunk of rows at a time (flat memory for a national file),
yet stay one transaction: tiny chunks here put every interesting row on a chunk boundary."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from core.imports import import_file
from core.imports.problems import MAX_LISTED_ERRORS
from core.models import (
    AuditLog,
    Beneficiary,
    BeneficiaryCategory,
    Contact,
    Identity,
    Payment,
    Person,
)

TODAY = date(2026, 11, 26)
HEADER = ("Mã đối tượng,Họ và tên,Ngày sinh,Mã xã,Diện đối tượng,Số tiền hàng tháng,Số điện thoại,"
          "Người giám hộ,SĐT người giám hộ,Quan hệ\n")
FIRST = HEADER + (
    "HUE-1,Lê Thị Một,1940,19786,NCT_80,500000,0912345601,Trần Văn Con,0905000001,con\n"
    "HUE-2,Lê Văn Hai,1941,19786,NCT_80,500000,0912345602,Trần Văn Con,0905000001,cháu\n"
    "HUE-3,Hồ Thị Ba,1942,19777,NKT_DBN,,0912345603,,,\n"
    "HUE-4,Phan Văn Bốn,1943,19810,NCT_80,500000,0912345604,Phan Thị Hoa,0912345605,được ủy quyền\n"
)
# HUE-1 and HUE-3 have new numbers. HUE-1's old number is gone from the list, so it moves to the
# same person; HUE-3's old number comes back on a later row (a new beneficiary's guardian), so
# HUE-3 gets a new person. HUE-2 drops the guardian, who still looks after HUE-1.
SECOND = HEADER + (
    "HUE-1,Lê Thị Một,1940,19786,NCT_80,500000,0912345699,Trần Văn Con,0905000001,con\n"
    "HUE-2,Lê Văn Hai,1941,19786,NCT_80,750000,0912345602,,,\n"
    "HUE-3,Hồ Thị Ba,1942,19777,NKT_DBN,,0912345698,,,\n"
    "HUE-4,Phan Văn Bốn,1943,19810,NCT_80,500000,0912345604,Phan Thị Hoa,0912345605,được ủy quyền\n"
    "HUE-5,Võ Thị Năm,1950,19815,NCT_80,500000,,Hồ Thị Ba,0912345603,con\n"
)


def write(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def state(sessions) -> dict:
    """What the imports wrote, without ids or times: who may ask about whom, at which number."""
    with sessions() as s:
        return {
            "beneficiaries": set(s.execute(select(Beneficiary.code, Beneficiary.full_name,
                                                  Beneficiary.monthly_amount,
                                                  Beneficiary.row_hash)).all()),
            "categories": set(s.execute(select(Beneficiary.code, BeneficiaryCategory.category_code)
                                        .join(BeneficiaryCategory)).all()),
            "contacts": set(s.execute(
                select(Beneficiary.code, Identity.address, Person.name, Contact.role, Contact.relation,
                       Contact.removed_at.is_(None))
                .join(Contact, Contact.beneficiary_id == Beneficiary.id).join(Person,
                                                                              Person.id == Contact.person_id)
                .join(Identity, Identity.person_id == Person.id)).all()),
            "numbers_per_person": sorted(s.execute(select(func.count()).select_from(Identity)
                                                   .group_by(Identity.person_id)).scalars()),
        }


def wipe(sessions) -> None:
    with sessions.begin() as s:
        for model in (Payment, Contact, Identity, Person, BeneficiaryCategory, Beneficiary, AuditLog):
            s.execute(delete(model))


def import_both(sessions, tmp_path, chunk_size: int | None) -> tuple[dict, list]:
    reports = [import_file(sessions, "beneficiaries", write(tmp_path, name, body), today=TODAY,
                           chunk_size=chunk_size)
               for name, body in (("dot1.csv", FIRST), ("dot2.csv", SECOND))]
    return state(sessions), [(r.total, r.created, r.updated, r.unchanged, r.rejected) for r in reports]


@pytest.mark.parametrize("chunk_size", [1, 2, 3])
def test_chunks_of_any_size_write_what_one_chunk_writes(sessions, tmp_path, chunk_size):
    whole, counts = import_both(sessions, tmp_path, None)
    assert counts == [(4, 4, 0, 0, 0), (5, 1, 3, 1, 0)]
    assert ("HUE-1", "+84912345699", "Lê Thị Một", "self", None, True) in whole["contacts"]
    assert ("HUE-3", "+84912345698", "Hồ Thị Ba", "self", None, True) in whole["contacts"]
    assert ("HUE-5", "+84912345603", "Hồ Thị Ba", "guardian", "con", True) in whole["contacts"]
    assert ("HUE-2", "+84905000001", "Trần Văn Con", "guardian", "cháu", False) in whole["contacts"]
    wipe(sessions)
    chunked, chunked_counts = import_both(sessions, tmp_path, chunk_size)
    assert (chunked, chunked_counts) == (whole, counts)


def test_reimport_in_other_chunks_changes_nothing(sessions, data_dir):
    first = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY,
                        chunk_size=2)
    before = state(sessions)
    again = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY,
                        chunk_size=4)
    assert (first.created, again.created, again.updated, again.unchanged, again.rejected) == (6, 0, 0, 6, 0)
    assert state(sessions) == before


def test_a_code_repeated_in_a_later_chunk_is_an_error_on_the_later_row(sessions, tmp_path):
    body = HEADER + (
        "HUE-1,Lê Thị Một,1940,19786,NCT_80,500000,,,,\n"
        "HUE-2,Lê Văn Hai,1941,19786,NCT_80,500000,,,,\n"
        "HUE-3,Hồ Thị Ba,1942,19777,NKT_DBN,,,,,\n"
        "hue-1,Người Khác,1950,19786,NCT_80,500000,,,,\n"
    )
    report = import_file(sessions, "beneficiaries", write(tmp_path, "trung.csv", body), today=TODAY,
                         chunk_size=2)
    assert (report.created, report.rejected) == (3, 1)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (5, "Mã đối tượng", "Mã «HUE-1» đã có ở dòng 2.")]
    with sessions() as s:
        assert s.scalar(select(Beneficiary.full_name).where(Beneficiary.code == "HUE-1")) == "Lê Thị Một"


def test_bad_rows_in_a_late_chunk_are_reported_and_earlier_chunks_kept(sessions, tmp_path):
    body = HEADER + "".join(f"HUE-{i},Lê Thị Một,1940,19786,NCT_80,500000,,,,\n" for i in range(1, 6)) \
        + "HUE-6,Lê Thị Sáu,31/02/1940,19786,NCT_80,500000,,,,\n"
    report = import_file(sessions, "beneficiaries", write(tmp_path, "muon.csv", body), today=TODAY,
                         chunk_size=2)
    assert (report.total, report.created, report.rejected) == (6, 5, 1)
    assert [(e.row, e.column) for e in report.errors] == [(7, "Ngày sinh")]


@pytest.fixture
def failing_insert(sessions):
    """The database refuses one beneficiary (as a full disk or a lost connection would, mid-import)."""
    dialect = sessions.kw["bind"].dialect.name
    with sessions.begin() as s:
        if dialect == "postgresql":
            s.execute(text("CREATE FUNCTION refuse_hue_0006() RETURNS trigger AS $$ BEGIN "
                           "IF NEW.code = 'HUE-0006' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END "
                           "$$ "
                           "LANGUAGE plpgsql"))
            s.execute(text("CREATE TRIGGER refuse_hue_0006 BEFORE INSERT ON beneficiaries FOR EACH ROW "
                           "EXECUTE FUNCTION refuse_hue_0006()"))
        else:
            s.execute(text("CREATE TRIGGER refuse_hue_0006 BEFORE INSERT ON beneficiaries "
                           "WHEN NEW.code = 'HUE-0006' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    yield
    with sessions.begin() as s:
        s.execute(
            text("DROP TRIGGER refuse_hue_0006" + (" ON beneficiaries" if dialect == "postgresql" else ""))
        )
        if dialect == "postgresql":
            s.execute(text("DROP FUNCTION refuse_hue_0006()"))


def test_a_database_error_in_the_last_chunk_leaves_nothing_written(sessions, data_dir, failing_insert):
    with pytest.raises(SQLAlchemyError):
        import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY,
                    chunk_size=2)
    with sessions() as s:
        for model in (Beneficiary, BeneficiaryCategory, Person, Identity, Contact, AuditLog):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_payments_in_chunks(sessions, data_dir, tmp_path):
    import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    body = "Kỳ chi trả,Mã đối tượng,Trạng thái\n" + "".join(
        f"11/2026,HUE-000{i},Đã chi trả\n" for i in range(1, 7)) + "11/2026,HUE-0002,Không thành công\n"
    path = write(tmp_path, "ket_qua.csv", body)
    report = import_file(sessions, "payments", path, today=TODAY, chunk_size=2)
    assert (report.created, report.rejected, len(report.events)) == (6, 1, 6)
    assert [(e.row, e.message) for e in report.errors] == [(8,
                                                            "Mã «HUE-0002» đã có dòng kỳ 11/2026 ở dòng 3.")]
    with sessions() as s:
        assert set(s.scalars(select(Payment.status))) == {"paid"}
    again = import_file(sessions, "payments", path, today=TODAY, chunk_size=3)
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 6, [])


def test_the_error_list_is_bounded_but_every_rejected_row_counted(sessions, tmp_path):
    rows = MAX_LISTED_ERRORS + 5
    body = HEADER + "".join(f"HUE-{i},Lê Thị Một,31/02/1940,19786,NCT_80,500000,,,,\n" for i in range(rows))
    report = import_file(sessions, "beneficiaries", write(tmp_path, "sai.csv", body), today=TODAY,
                         chunk_size=300)
    assert (report.total, report.created, report.rejected, len(report.errors)) == (rows, 0, rows,
                                                                                   MAX_LISTED_ERRORS)
    assert report.errors[0].row == 2


def test_the_officer_is_told_how_many_rejected_rows_are_not_listed(sessions, settings, tmp_path):
    from click.testing import CliRunner

    from ansinh.cli import main

    rows = MAX_LISTED_ERRORS + 5
    body = HEADER + "".join(f"HUE-{i},Lê Thị Một,31/02/1940,19786,NCT_80,500000,,,,\n" for i in range(rows))
    result = CliRunner().invoke(main, ["import", "beneficiaries", str(write(tmp_path, "sai.csv", body))],
                                env={"ANSINH_DATABASE_URL": settings.database_url})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].endswith(f"bị từ chối: {rows}")
    assert lines[1].startswith("Chưa nhập được dòng nào")  # every row was rejected
    assert lines[2] == f"Các lỗi ({MAX_LISTED_ERRORS}):"
    assert lines[-1] == ("… và còn 5 dòng bị từ chối nữa chưa liệt kê ở đây: ông/bà sửa các dòng trên rồi "
                         "nhập lại "
                         "tệp để xem tiếp.")
    assert len(lines) == 3 + MAX_LISTED_ERRORS + 1
