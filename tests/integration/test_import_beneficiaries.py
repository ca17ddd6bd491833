"""Importing the officers' beneficiaries lists into the database (SQLite or PostgreSQL)."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from core.imports import hash_identifier, import_file
from core.models import (
    AuditLog,
    Beneficiary,
    BeneficiaryCategory,
    Contact,
    Identity,
    Person,
)

TODAY = date(2026, 11, 26)
HEADER = ("Mã đối tượng,Họ và tên,Ngày sinh,Mã xã,Diện đối tượng,Số tiền hàng tháng,Số điện thoại,"
          "Người giám hộ,SĐT người giám hộ,Quan hệ\n")


def counts(sessions) -> dict[str, int]:
    with sessions() as s:
        return {model.__name__: s.scalar(select(func.count()).select_from(model))
                for model in (Beneficiary, BeneficiaryCategory, Person, Identity, Contact)}


def people_of(sessions, code: str) -> set[tuple]:
    """(phone, person name, role, relation, removed?) for each contact of a beneficiary."""
    with sessions() as s:
        rows = s.execute(
            select(Identity.address, Person.name, Contact.role, Contact.relation, Contact.removed_at)
            .join(Person, Person.id == Contact.person_id).join(Identity, Identity.person_id == Person.id)
            .join(Beneficiary, Beneficiary.id == Contact.beneficiary_id).where(Beneficiary.code == code)
        )
        return {(phone, name, role, relation, removed is not None) for phone, name, role, relation,
                removed in rows}


def write(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_officers_list_is_imported_with_its_people(sessions, data_dir):
    report = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    assert (report.total, report.created, report.updated, report.unchanged, report.rejected) == (6, 6, 0, 0,
                                                                                                 0)
    with sessions() as s:
        lai = s.scalars(select(Beneficiary).where(Beneficiary.code == "HUE-0001")).one()
        assert (lai.name_ascii, lai.birth_date, lai.gender,
                lai.unit_code) == ("nguyen thi lai", date(1938, 3, 12), "nu", "19786")
        assert lai.national_id_hash == hash_identifier("046138000123")
        stored = " ".join(str(v) for v in s.execute(text("SELECT * FROM beneficiaries")).all())
        assert "046138000123" not in stored and "1234567890123" not in stored
        mai = s.scalars(select(Beneficiary).where(Beneficiary.code == "HUE-0003")).one()
        # no amount and no coefficient in the file: 500.000đ × the NKT_DBN coefficient 2.0
        assert (mai.coefficient, mai.monthly_amount, mai.method,
                mai.has_account) == (Decimal("2.00"), 1_000_000, "account", True)
        assert (mai.account_last4, mai.account_hash) == ("0123", hash_identifier("1234567890123"))
        tu = s.scalars(select(Beneficiary).where(Beneficiary.code == "HUE-0002")).one()
        assert (tu.birth_date, tu.birth_year, tu.coefficient, tu.monthly_amount) == (None, 1941,
                                                                                     Decimal("1.50"), 750_000)
        assert sorted(tu.category_codes) == ["NCT_80", "NKT_NANG"] and tu.method == "ewallet"
        assert (
            s.scalars(select(Beneficiary.programme_code).where(Beneficiary.code == "HUE-0004")).one()
            == "HTXH"
        )
        identity = s.scalars(select(Identity).where(Identity.address == "+84382345678")).one()
        assert (identity.kind, identity.verified, identity.verified_by) == ("phone", True, "on_file")
        contact = s.scalars(select(Contact).where(Contact.person_id == identity.person_id)).one()
        assert (contact.role, contact.consent, contact.consent_channel,
                contact.source) == ("self", True, "import", "import")
        assert s.scalars(select(AuditLog.action)).all() == ["import.beneficiaries"]
    assert people_of(sessions, "HUE-0001") == {
        ("+84912345678", "Nguyễn Thị Lài", "self", None, False),
        ("+84905111222", "Trần Văn Hùng", "guardian", "con", False),
    }
    assert people_of(sessions, "HUE-0004") == {
        ("+84912345681", "Phan Văn Bảy", "self", None, False),
        ("+84912345682", "Phan Thị Hoa", "authorised", "được ủy quyền", False),
    }
    assert people_of(sessions,
                     "HUE-0006") == {("+84382345699", "Nguyễn Văn An", "guardian", "ông nội", False)}


def test_one_guardian_of_two_beneficiaries_is_one_person(sessions, data_dir):
    import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    with sessions() as s:
        guardians = s.scalars(select(Person).join(Identity).where(Identity.address == "+84905111222")).all()
        assert len(guardians) == 1
        codes = s.scalars(
            select(Beneficiary.code).join(Contact).where(Contact.person_id == guardians[0].id)
        ).all()
        assert sorted(codes) == ["HUE-0001", "HUE-0002"]


def test_the_same_file_twice_changes_nothing(sessions, data_dir):
    import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    before = counts(sessions)
    with sessions() as s:
        stamps = dict(s.execute(select(Beneficiary.code, Beneficiary.updated_at)).all())
    again = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 6, [])
    assert counts(sessions) == before
    with sessions() as s:
        assert dict(s.execute(select(Beneficiary.code, Beneficiary.updated_at)).all()) == stamps


def test_snake_case_and_bom_tab_files(sessions, data_dir):
    snake = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries_snake.csv", today=TODAY)
    bom = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries_bom.csv", today=TODAY)
    assert (snake.created, snake.rejected, bom.created, bom.rejected) == (2, 0, 2, 0)
    assert people_of(sessions, "HUE-0102") == {("+84935123456", "Đặng Thị Thu", "guardian", "con gái", False)}
    # 0121 -> 079
    assert people_of(sessions, "HUE-0201") == {("+84792345678", "Hoàng Thị Nở", "self", None, False)}
    with sessions() as s:
        assert s.scalar(select(Beneficiary.monthly_amount).where(Beneficiary.code == "HUE-0202")) == 750_000


def test_bad_rows_are_listed_and_good_rows_kept(sessions, data_dir):
    report = import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries_errors.csv", today=TODAY)
    assert (report.total, report.created, report.rejected) == (9, 5, 4)
    assert [e.line() for e in report.errors] == [
        "Dòng 7, cột «Ngày sinh»: «31/02/1940» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh).",
        "Dòng 8, cột «Mã xã»: Không có xã, phường nào mang mã «99999».",
        "Dòng 8, cột «Diện đối tượng»: Không có mã diện đối tượng: NCT_99.",
        "Dòng 8, cột «Số tiền hàng tháng»: «năm trăm» không phải là số tiền hợp lệ (ví dụ 750.000).",
        "Dòng 8, cột «Số điện thoại»: «12345» không phải là số điện thoại Việt Nam hợp lệ.",
        "Dòng 9, cột «Mã đối tượng»: Mã «HUE-0301» đã có ở dòng 2.",
        "Dòng 10, cột «Mã đối tượng»: Ô này không được để trống.",
        "Dòng 10, cột «Hình thức nhận»: «Séc» không phải là hình thức nhận hợp lệ (Tiền mặt, Tài khoản hoặc "
        "Ví điện tử).",
    ]
    with sessions() as s:
        assert sorted(s.scalars(select(Beneficiary.code))) == [f"HUE-030{i}" for i in range(1, 6)]
        assert s.scalar(select(Beneficiary.full_name).where(Beneficiary.code == "HUE-0301")) == "Lê Thị Một"


def test_a_missing_required_column_rejects_the_whole_file(sessions, tmp_path):
    path = write(tmp_path, "thieu_cot.csv", "Mã đối tượng,Họ và tên,Ngày sinh\nHUE-1,Lê Thị Một,1940\n")
    report = import_file(sessions, "beneficiaries", path, today=TODAY)
    assert [e.line() for e in report.errors] == [
        "Dòng 1, cột «Mã xã»: Tệp thiếu cột bắt buộc này nên chưa nhập dòng nào."]
    assert (report.total, report.created, report.rejected) == (1, 0, 1)
    assert counts(sessions)["Beneficiary"] == 0


def test_reimport_moves_a_changed_phone_and_removes_a_dropped_guardian(sessions, tmp_path):
    first = write(tmp_path, "t10.csv", HEADER
                  + "HUE-1,Lê Thị Một,1940,19786,NCT_80,500000,0912345601,Trần Văn Con,0905000001,con\n"
                  + "HUE-2,Lê Văn Hai,1941,19786,NCT_80,500000,0912345602,Trần Văn Con,0905000001,cháu\n")
    import_file(sessions, "beneficiaries", first, today=TODAY)
    with sessions() as s:
        person_one = s.scalar(select(Identity.person_id).where(Identity.address == "+84912345601"))
    second = write(tmp_path, "t11.csv", HEADER
                   + "HUE-1,Lê Thị Một,1940,19786,NCT_80,500000,0912345699,,,\n"
                   + "HUE-2,Lê Văn Hai,1941,19786,NCT_80,750000,0912345602,Trần Văn Con,0905000001,cháu\n")
    report = import_file(sessions, "beneficiaries", second, today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    assert people_of(sessions, "HUE-1") == {
        ("+84912345699", "Lê Thị Một", "self", None, False),
        ("+84905000001", "Trần Văn Con", "guardian", "con", True),
    }
    assert people_of(sessions, "HUE-2") == {
        ("+84912345602", "Lê Văn Hai", "self", None, False),
        ("+84905000001", "Trần Văn Con", "guardian", "cháu", False),
    }
    with sessions() as s:
        # the same person, reachable at the new number only
        assert s.scalar(select(Identity.person_id).where(Identity.address == "+84912345699")) == person_one
        assert s.scalar(select(Identity.id).where(Identity.address == "+84912345601")) is None
        assert s.scalar(select(Beneficiary.monthly_amount).where(Beneficiary.code == "HUE-2")) == 750_000


def test_a_file_without_the_phone_columns_leaves_people_alone(sessions, tmp_path):
    import_file(sessions, "beneficiaries", write(tmp_path, "a.csv", HEADER
                + "HUE-1,Lê Thị Một,1940,19786,NCT_80,500000,0912345601,Trần Văn Con,0905000001,con\n"),
                today=TODAY)
    report = import_file(sessions, "beneficiaries", write(
        tmp_path, "b.csv", "Mã đối tượng,Họ tên,Năm sinh,Mã xã\nHUE-1,Lê Thị Một,1940,19786\n"), today=TODAY)
    assert report.updated == 1
    assert len(people_of(sessions, "HUE-1")) == 2
    with sessions() as s:
        assert s.scalar(select(Beneficiary.monthly_amount).where(Beneficiary.code == "HUE-1")) == 500_000


def test_xlsx_list(sessions, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đối tượng", "Họ và tên", "Ngày sinh", "Mã xã", "Diện đối tượng", "Hệ số",
                  "Số tiền hàng tháng",
                  "Hình thức nhận", "Số điện thoại"])
    sheet.append(["HUE-X1", "Tôn Nữ Thị Hà", datetime(1939, 5, 4), 19786, "NCT_80", 1, 500000.0, "Tiền mặt",
                  1682345600])
    sheet.append(["HUE-X2", "Hồ Văn Ba", 1944, "19786", "NKT_NANG", 1.5, None, "Viettel Money", "0912345600"])
    path = tmp_path / "danh_sach.xlsx"
    book.save(path)
    report = import_file(sessions, "beneficiaries", path, today=TODAY)
    assert (report.created, report.rejected) == (2, 0), [e.line() for e in report.errors]
    with sessions() as s:
        rows = dict(s.execute(select(Beneficiary.code, Beneficiary.birth_date)).all())
        assert rows == {"HUE-X1": date(1939, 5, 4), "HUE-X2": None}
        assert s.scalar(select(Beneficiary.monthly_amount).where(Beneficiary.code == "HUE-X2")) == 750_000
    assert people_of(sessions, "HUE-X1") == {("+84382345600", "Tôn Nữ Thị Hà", "self", None, False)}


def test_a_database_error_during_the_import_leaves_nothing_written(sessions, data_dir):
    def failing_listener(session, events):
        session.execute(text("INSERT INTO beneficiaries (code) VALUES ('HUE-0001')"))  # violates constraints

    with pytest.raises(SQLAlchemyError):
        import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY,
                    listeners=[failing_listener])
    assert set(counts(sessions).values()) == {0}
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_listeners_run_inside_the_transaction(sessions, data_dir):
    seen = []

    def listener(session, events):
        seen.append(session.scalar(select(func.count()).select_from(Beneficiary)))

    import_file(sessions, "beneficiaries",
                io.BytesIO((data_dir / "import_beneficiaries.csv").read_bytes()).getvalue(),
                filename="ds.csv", today=TODAY, listeners=[listener])
    assert seen == [6]


def test_a_one_row_correction_to_a_large_list(sessions, data_dir, tmp_path):
    """A short file against many stored rows takes the chunked look-up path."""
    import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    fix = write(tmp_path, "sua.csv", "Mã đối tượng,Họ và tên,Ngày sinh,Mã xã,Số điện thoại,Người giám hộ,"
                "SĐT người giám hộ,Quan hệ\nHUE-0002,Lê Văn Tư,1941,19786,+84 912 345 680,Trần Văn "
                "Hùng,0905111333,cháu\n")
    report = import_file(sessions, "beneficiaries", fix, today=TODAY)
    assert (report.created, report.updated) == (0, 1)
    # the guardian has a new number: the same person, reachable at it for both people they look after
    assert people_of(sessions, "HUE-0002") == {
        ("+84912345680", "Lê Văn Tư", "self", None, False),
        ("+84905111333", "Trần Văn Hùng", "guardian", "cháu", False),
    }
    assert ("+84905111333", "Trần Văn Hùng", "guardian", "con", False) in people_of(sessions, "HUE-0001")
