"""`ansinh person …` as the province's data-protection officer runs it: export a beneficiary or a
phone's owner as JSON, erase with --yes or by typing the code again, and a re-import of the old
commune list skips the erased code with a row-level note until re-enrolment is allowed."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.models import AuditLog, Beneficiary, Contact, Erasure, Identity, Person

HUNG = "+84905111222"  # Trần Văn Hùng: guardian of HUE-0001 and HUE-0002 in the sample list


@pytest.fixture
def cli(runtime):
    state = CliState()
    state._runtime = runtime

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(main, [str(a) for a in args], obj=state, input=stdin)

    return invoke


@pytest.fixture
def imported(cli, data_dir, sessions):
    result = cli("import", "beneficiaries", data_dir / "import_beneficiaries.csv", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    return sessions


def test_export_by_code_and_by_phone(cli, imported):
    result = cli("person", "export", "hue-0001")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["beneficiary"]["full_name"] == "Nguyễn Thị Lài"
    assert data["beneficiary"]["national_id"] == "chỉ lưu mã băm có khoá"
    assert (
        "046138000123" not in result.output
        and "0905111222" not in result.output
        and HUNG not in result.output
    )
    assert data["not_held"].startswith("AnSinh không lưu số CCCD"), "what is not held, said in Vietnamese"
    guardian = next(c for c in data["contacts"] if c["role"] == "guardian")
    assert (guardian["consent"], guardian["consent_channel"]) == (True, "import") and guardian["consent_at"]
    by_phone = json.loads(cli("person", "export", "0905 111 222").output)
    assert {link["beneficiary"]["code"] for link in by_phone["links"]} == {"HUE-0001", "HUE-0002"}
    with imported() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "privacy.export")
            )
            == 2
        )


def test_unknown_subject_is_a_clear_error(cli, imported):
    result = cli("person", "export", "KHONG-CO")
    assert result.exit_code == 1 and "Không có đối tượng nào mang mã KHONG-CO" in result.output


def test_erase_asks_to_type_it_again(cli, imported):
    refused = cli("person", "erase", "HUE-0001", stdin="HUE-0002\n")
    assert refused.exit_code == 1 and "Chưa xoá gì cả" in refused.output
    with imported() as session:
        assert (
            session.scalar(select(Beneficiary.full_name).where(Beneficiary.code == "HUE-0001"))
            == "Nguyễn Thị Lài"
        )


def test_erasing_a_guardian_of_two_by_phone(cli, imported):
    result = cli("person", "erase", "0905111222", "--yes")
    assert result.exit_code == 0, result.output
    assert "…1222" in result.output
    with imported() as session:
        assert session.scalar(select(Identity).where(Identity.address == HUNG)) is None
        assert session.scalar(select(func.count()).select_from(Erasure).where(Erasure.kind == "person")) == 1
        assert session.scalar(select(func.count()).select_from(Beneficiary)) == 6, "the beneficiaries stay"
    after = json.loads(cli("person", "export", HUNG).output)
    assert after["person"] is None and after["erased_at"]


def test_an_erased_beneficiary_is_skipped_on_reimport_until_allowed(cli, imported, data_dir):
    result = cli("person", "erase", "HUE-0001", "--yes")
    assert result.exit_code == 0, result.output
    with imported() as session:
        lai = session.scalar(select(Beneficiary).where(Beneficiary.code.like("XOA-%")))
        assert lai.full_name == "" and lai.birth_date is None and not lai.active
        own = session.scalar(select(Identity).where(Identity.address == "+84912345678"))
        assert own is None, "her own phone is erased"
        assert session.scalar(select(Identity).where(Identity.address == HUNG)) is not None, (
            "the guardian of another stays"
        )
        assert (
            session.scalar(select(func.count()).select_from(Contact).where(Contact.beneficiary_id == lai.id))
            == 0
        )
    again = cli("import", "beneficiaries", data_dir / "import_beneficiaries.csv")
    assert again.exit_code == 1
    assert "bị từ chối: 1" in again.output and "Mã «HUE-0001» đã bị xoá ngày" in again.output
    with imported() as session:
        assert session.scalar(select(Beneficiary).where(Beneficiary.code == "HUE-0001")) is None
        assert (
            session.scalar(select(func.count()).select_from(Person).where(Person.name == "Nguyễn Thị Lài"))
            == 0
        )
    allowed = cli("person", "allow-reimport", "HUE-0001")
    assert allowed.exit_code == 0, allowed.output
    enrolled = cli("import", "beneficiaries", data_dir / "import_beneficiaries.csv")
    assert enrolled.exit_code == 0 and "thêm mới: 1" in enrolled.output, enrolled.output
