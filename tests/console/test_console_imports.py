"""Imports through the browser: counts, the row-level error report on screen and as a CSV, the
notifications the import queued, a commune officer's file limited to their unit, and the
background job whose status the page polls."""
from __future__ import annotations

import io
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.models import AuditLog, Beneficiary, OutboxMessage
from tests.support.console_support import (
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    post,
    sign_in,
)

HEADER = ("Mã đối tượng,Họ và tên,Ngày sinh,Giới tính,Mã xã,Diện đối tượng,Số tiền hàng tháng,Hình thức nhận,"
          "Số điện thoại\n")
GOOD = "HUE-0301,Lê Thị Một,12/05/1941,Nữ,19786,NCT_80,500.000,Tiền mặt,0912345691\n"
BAD_DATE = "HUE-0306,Trần Văn Sai,31/02/1940,Nam,19786,NCT_80,500.000,Tiền mặt,0912345696\n"
OTHER_UNIT = "HUE-0401,Hồ Thị Xa,1940,Nữ,19945,NCT_80,500.000,Tiền mặt,0912345601\n"


@pytest.fixture
def officers(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "tinh", "province", "46")
    return sessions


@pytest.fixture
def inline(app):
    app.config["CONSOLE_IMPORT_INLINE"] = True
    return app


def upload(client, kind: str, text: str, name: str = "danh-sach.csv"):
    return post(client, "/console/imports", {"kind": kind, "file": (io.BytesIO(text.encode("utf-8")), name)},
                content_type="multipart/form-data")


def test_an_import_with_errors_shows_and_offers_the_report(client, officers, inline):
    sign_in(client, "lan")
    response = upload(client, "beneficiaries", HEADER + GOOD + BAD_DATE)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Các dòng bị từ chối" in page and "Ngày sinh" in page and ">3<" in page
    assert 'id="import-summary"' in page and "Tải báo cáo lỗi (CSV)" in page
    report = client.get(response.headers["Location"] + "/errors.csv")
    text = report.get_data(as_text=True)
    assert report.mimetype == "text/csv" and text.startswith('\ufeff"Dòng";"Cột";"Lỗi"')
    assert '"3";"Ngày sinh";' in text
    with officers() as session:
        assert session.scalar(select(Beneficiary.code)) == "HUE-0301"
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "import.beneficiaries"))
        assert audit.actor == "officer:lan" and audit.detail["rejected"] == 1


def test_a_commune_officer_cannot_import_another_units_rows(client, officers, inline):
    sign_in(client, "lan")
    response = upload(client, "beneficiaries", HEADER + GOOD + OTHER_UNIT)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "chưa nhập dòng nào" in page and "19945" in page
    with officers() as session:
        assert session.scalar(select(func.count()).select_from(Beneficiary)) == 0
    sign_in(client, "tinh")
    client.get(upload(client, "beneficiaries", HEADER + GOOD + OTHER_UNIT).headers["Location"])
    with officers() as session:
        assert session.scalar(select(func.count()).select_from(Beneficiary)) == 2


def test_paid_results_queue_notifications_and_say_how_many(client, officers, inline):
    with officers.begin() as session:
        make_beneficiary(session, "HUE-0001", "Nguyễn Thị Lài", THUAN_HOA, phone="+84978451203",
                         guardian_phone="+84905318246", method="ewallet")
    sign_in(client, "lan")
    payments = ("Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Hình thức\n"
                "11/2026,HUE-0001,500.000,Đã chi trả,25/11/2026,Ví điện tử\n")
    page = client.get(upload(client, "payments", payments,
                             "ket-qua.csv").headers["Location"]).get_data(as_text=True)
    with officers() as session:
        queued = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "notification")
        )
    assert queued == 2
    assert 'data-count="notifications">2<' in page


def test_only_csv_excel_or_libreoffice_files(client, officers, inline):
    sign_in(client, "lan")
    response = upload(client, "beneficiaries", "x", "danh-sach.pdf")
    assert "Chỉ nhập được tệp CSV, Excel (.xlsx, .xls) hoặc LibreOffice (.ods)" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)


def test_an_unreadable_file_says_why(client, officers, inline):
    sign_in(client, "lan")
    # a workbook cut short in the middle of its zip: nothing can be read, and the page says so
    response = post(
        client,
        "/console/imports",
        {
            "kind": "beneficiaries",
            "file": (io.BytesIO(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40), "a.xlsx"),
        },
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="import-failed"' in page and "Traceback" not in page


def test_a_long_import_runs_in_the_background_and_reports_its_status(client, officers):
    sign_in(client, "lan")
    location = upload(client, "beneficiaries", HEADER + GOOD).headers["Location"]
    job_id = location.rsplit("/", 1)[-1]
    for thread in threading.enumerate():
        if thread.name == f"console-import-{job_id}":
            thread.join(timeout=60)
    status = client.get(location + "/status").get_json()
    assert status["status"] == "done" and status["created"] == 1 and status["total"] == 1
    sign_in(client, "tinh")
    assert client.get(location + "/status").status_code == 404, "another officer's job is not shown"


PAYMENTS = ("Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Hình thức\n"
            "11/2026,HUE-0301,500.000,Đã chi trả,05/11/2026,Tiền mặt\n"
            "11/2026,HUE-0302,500.000,Đã chi trả,05/11/2026,Tiền mặt\n")


def test_a_payments_file_uploaded_as_the_beneficiary_list_is_named_and_counted_right(client, officers,
                                                                                     inline):
    sign_in(client, "lan")
    location = upload(client, "beneficiaries", PAYMENTS, "ket-qua-thang-11.csv").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert ('id="import-headline">Tệp này là danh sách chi trả, không phải danh sách đối tượng, nên chưa '
            'nhập dòng nào.'
            in page)
    assert 'class="flash error"' in page and "Các dòng hợp lệ đã được nhập" not in page
    assert 'data-count="created">0<' in page and 'data-count="rejected">2<' in page
    status = client.get(location + "/status").get_json()
    assert (status["outcome"], status["created"], status["rejected"]) == ("error", 0, 2)
    assert status["headline"].startswith("Tệp này là danh sách chi trả")
    with officers() as session:
        assert session.scalar(select(func.count()).select_from(Beneficiary)) == 0


def test_when_every_row_is_rejected_the_banner_says_none_was_imported(client, officers, inline):
    sign_in(client, "lan")
    page = client.get(upload(client, "beneficiaries",
                             HEADER + BAD_DATE).headers["Location"]).get_data(as_text=True)
    assert (
        "Chưa nhập được dòng nào: dòng nào cũng có lỗi." in page
        and "Các dòng hợp lệ đã được nhập" not in page
    )


@pytest.mark.parametrize("name", ["danh-sach.xls", "danh-sach.ods"])
def test_old_excel_and_libreoffice_lists_upload_like_xlsx(client, officers, inline, name):
    from tests.support.old_workbooks import to_ods, to_xls

    sheet = [["Mã đối tượng", "Họ và tên", "Ngày sinh", "Mã xã", "Diện đối tượng", "Đơn vị chi trả"],
             ["HUE-0301", "Lê Thị Một", datetime(1941, 5, 12), 19786, "NCT_80", "Viettel"],
             ["HUE-0302", "Lê Thị Hai", 1940, 19786, "NCT_80", "Vietel Mony"],
             ["HUE-0303", "Lê Thị Ba", "31/02/1940", 19786, "NCT_80", "Bưu điện"]]
    data = to_xls(sheet) if name.endswith(".xls") else to_ods(sheet)
    sign_in(client, "lan")
    response = post(client, "/console/imports", {"kind": "beneficiaries", "file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-count="created">2<' in page and 'data-count="rejected">1<' in page
    assert "<td class=\"num\">4</td><td>Ngày sinh</td>" in page
    assert '<li>Đơn vị chi trả không rõ: Vietel Mony (1 dòng)</li>' in page
    with officers() as session:
        assert dict(session.execute(select(Beneficiary.code, Beneficiary.provider)).all()) == {
            "HUE-0301": "Viettel Money", "HUE-0302": "Vietel Mony"}


def test_a_damaged_xls_upload_says_why_in_vietnamese(client, officers, inline):
    from tests.support.old_workbooks import to_xls

    data = to_xls([["Mã đối tượng", "Họ và tên"], ["HUE-0301", "Lê Thị Một"]])[:1500]
    sign_in(client, "lan")
    response = post(client, "/console/imports",
                    {"kind": "beneficiaries", "file": (io.BytesIO(data), "cu.xls")},
                    content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="import-failed">Tệp .xls bị hỏng, không đọc được.' in page


def test_a_long_import_shows_how_far_it_is_and_counts_the_vietnamese_way(client, officers):
    """The import is held just before its commit (a listener waits), so the page is read mid-way."""
    from core.imports.listeners import register_listener, unregister_listener

    reached, release = threading.Event(), threading.Event()

    def hold(session, events):
        reached.set()
        release.wait(timeout=120)

    rows = "".join(f"HUE-{n:04d},Người Số {n},12/05/1941,Nữ,19786,NCT_80,500.000,Tiền mặt,09123{n:05d}\n"
                   for n in range(1, 1202))
    register_listener(hold)
    try:
        sign_in(client, "lan")
        location = upload(client, "beneficiaries", HEADER + rows).headers["Location"]
        assert reached.wait(timeout=120), "the import did not reach its end"
        status = client.get(location + "/status").get_json()
        assert status["status"] == "running"
        assert (status["row"], status["rows"], status["percent"]) == (1001, 1202,
                                                                      83), "row 1,001 of 1,202 lines"
        page = client.get(location).get_data(as_text=True)
        assert 'value="83"' in page and "83%" in page and "1.001" in page and "1.202" in page
    finally:
        release.set()
        unregister_listener(hold)
        for thread in threading.enumerate():
            if thread.name.startswith("console-import-"):
                thread.join(timeout=120)
    done = client.get(location).get_data(as_text=True)
    assert ">1.201<" in done, "rows read, with the thousands dot"
    history = client.get("/console/imports").get_data(as_text=True)
    assert ">1.201<" in history and "Nhập danh sách đối tượng" in history and "officer:lan" not in history
