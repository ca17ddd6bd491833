"""Periods, SMS keywords, identifiers and the requested language, as tables of what people type."""
from __future__ import annotations

from datetime import date

import pytest

from core.nlu import parse

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("text, period", [
    ("Tiền tháng này về chưa", "2026-11"),
    ("tháng ni có tiền chưa o", "2026-11"),
    ("tien thang nay ve chua", "2026-11"),
    ("Tiền kỳ này đã chuyển chưa", "2026-11"),
    ("tiền tháng trước đã chuyển chưa", "2026-10"),
    ("Tháng rồi đã chi cho ôn chưa", "2026-10"),
    ("tiền tháng vừa rồi có chưa", "2026-10"),
    ("tiền tháng trước nữa về chưa", "2026-09"),
    ("Tháng sau phát tiền ngày mô", "2026-12"),
    ("tháng tới có tiền không", "2026-12"),
    ("Tiền tháng 10 về chưa", "2026-10"),
    ("t10 có tiền chưa", "2026-10"),
    ("th11 về chưa", "2026-11"),
    ("thg 9 có chưa", "2026-09"),
    ("T.12 khi nào phát", "2026-12"),
    ("tiền 10/2026 về chưa", "2026-10"),
    ("tiền 10-2026 về chưa", "2026-10"),
    ("tiền 2026-10 về chưa", "2026-10"),
    ("tiền tháng 12/2025 đã trả chưa", "2025-12"),
    ("tháng 10 năm ngoái", "2025-10"),
    ("tháng 1 năm sau phát ngày mấy", "2027-01"),
    ("tháng mười có chưa", "2026-10"),
    ("tháng mười một có chưa", "2026-11"),
    ("tháng chạp phát tiền ngày mô", "2026-12"),
    ("tháng giêng có tiền không", "2027-01"),
    ("tiền tháng sáu", "2026-06"),
    ("Tiền tháng 1 khi nào phát", "2027-01"),  # 2 months ahead beats 10 back
    ("Tiền tháng 4 khi nào phát", "2027-04"),  # 5 ahead beats 7 back
    ("Tháng 5 ôn được mấy trăm", "2026-05"),  # 6 and 6: the past wins the tie
    ("tháng 6 chi rồi phải không", "2026-06"),
    ("ngày 20/11 có tiền không", "2026-11"),
    ("Did the money for October come?", "2026-10"),
    ("payment last month", "2026-10"),
    ("TIỀN THÁNG NÀY VỀ CHƯA", "2026-11"),
    ("tienthangni ve chua o", "2026-11"),  # typed without spaces
    ("check payment nov", "2026-11"),
    ("tháng ni năm ngoái mệ được bao nhiêu", "2025-11"),
    ("last month's payment", "2026-10"),
    ("bữa phát tiền tháng 9, người phát đưa có 700 nghìn", "2026-09"),  # a comma: "9 người" is not a count
    ("lương hưu tháng 12 năm ni khi nào về", "2026-12"),
    ("Tháng 10 người phát tiền ở thôn đưa thiếu 100 nghìn", "2026-10"),
    # The month asked about
    ("Cháu tròn 4 tuổi vào tháng 12, xin hỏi từ tháng 1 tiền của cháu còn bao nhiêu", "2027-01"),
    ("Mẹ tôi hồi tháng 8 nhận tiền mặt hay qua tài khoản", "2026-08"),  # "hồi tháng 8" is not "hỏi"
    ("money in sept", "2026-09"),
    ("hỏi sếp giúp em", None),  # "sếp" folds to "sep": not September
    ("tienthangtruoc ve chua", "2026-10"),
    ("hệ số 1,5 là bao nhiêu tiền", None),
    ("Ông 76 tuổi không có lương hưu có được tiền không", None),
    ("Sao mẹ tôi được 750.000", None),
    ("sinh năm 1948", None),
    ("Mỗi tháng tôi được mấy tiền", None),
    ("mỗi tháng 1 lần", None),
    ("Đã 3 tháng rồi chưa có tiền", None),
    ("Mấy tháng qua nhận đủ không", None),
    ("các tháng trước đã nhận", None),
    ("hai tháng trước", None),
    ("tiền tháng tôi lãnh", None),
    ("số mới 0912-345-678", None),
    ("đăng ký này", None),
    ("Lịch sử 6 tháng", None),
])
def test_period(text, period):
    assert parse(text, TODAY).slots.get("period") == period


@pytest.mark.parametrize("today, text, period", [
    (date(2026, 1, 10), "tháng trước", "2025-12"),
    (date(2026, 1, 10), "tháng 12", "2025-12"),
    (date(2026, 12, 31), "tháng sau", "2027-01"),
    (date(2026, 12, 31), "tháng 1", "2027-01"),
    (date(2026, 6, 15), "tháng 12", "2025-12"),  # tie of 6 months: the past
])
def test_period_across_years(today, text, period):
    assert parse(text, today).slots.get("period") == period


@pytest.mark.parametrize("text, intent, slots", [
    ("DK 4600987 1948", "register", {"beneficiary_code": "4600987", "dob": "1948"}),
    ("dk bt4600123 12/03/1950", "register", {"beneficiary_code": "BT4600123", "dob": "1950-03-12"}),
    ("ĐK BT 4600001 1948", "register", {"beneficiary_code": "BT4600001", "dob": "1948"}),
    ("Dk BT4600456 05-06-1945", "register", {"beneficiary_code": "BT4600456", "dob": "1945-06-05"}),
    ("DK 4600555 12031939", "register", {"beneficiary_code": "4600555", "dob": "1939-03-12"}),
    ("DK", "register", {}),
    ("HUY", "stop", {}),
    ("Hủy", "stop", {}),
    ("huỷ.", "stop", {}),
    ("STOP", "stop", {}),
    ("stop nhan tin", "stop", {}),
    ("TC", "payment_status", {}),
    ("TC 10", "payment_status", {"period": "2026-10"}),
    ("tc t11", "payment_status", {"period": "2026-11"}),
    ("TC 10/2026", "payment_status", {"period": "2026-10"}),
    ("tc thang truoc", "payment_status", {"period": "2026-10"}),
    ("TC10", "payment_status", {"period": "2026-10"}),
    ("LICH", "payment_schedule", {}),
    ("lịch", "payment_schedule", {}),
    ("LICH 12", "payment_schedule", {"period": "2026-12"}),
    ("LS", "payment_history", {}),
    ("LS 6 tháng", "payment_history", {}),  # six months back, not June
    ("TC 11 cho ba Phan Thi Cuc, em la chau giam ho", "payment_status", {"period": "2026-11"}),
    ("GIUP", "help", {}),
    ("giúp", "help", {}),
    ("EN", "change_language", {"language": "en"}),
    ("vi", "change_language", {"language": "vi"}),
])
def test_sms_keywords(text, intent, slots):
    result = parse(text, TODAY)
    assert (result.intent, result.slots) == (intent, slots)


@pytest.mark.parametrize("text, intent", [
    ("lịch sử nhận tiền", "payment_history"),
    ("Huy ơi cho hỏi tiền tháng này về chưa", "payment_status"),
    ("dk bao nhieu tien 1 thang", "payment_amount"),
    ("Muốn hủy ví điện tử, nhận lại tiền mặt", "payment_method"),
])
def test_keyword_words_in_ordinary_sentences_are_free_text(text, intent):
    assert parse(text, TODAY).intent == intent


@pytest.mark.parametrize("text, slots", [
    ("Số điện thoại mới của tôi là 0912345678", {"phone": "+84912345678"}),
    ("so moi 0912 345 678", {"phone": "+84912345678"}),
    ("số mới +84 905 123 456", {"phone": "+84905123456"}),
    ("đổi qua số 84935111222", {"phone": "+84935111222"}),
    ("số cũ 01682345678 bị mất", {"phone": "+84382345678"}),
    ("Mã đối tượng 4600987, ngày sinh 05/06/1945", {"beneficiary_code": "4600987", "dob": "1945-06-05"}),
    ("Mã đối tượng của tôi là BT4600321", {"beneficiary_code": "BT4600321"}),
    ("Đăng ký cho ba tôi, mã 4600888, sinh năm 1944", {"beneficiary_code": "4600888", "dob": "1944"}),
    ("Sửa thông tin số CCCD 046123456789", {"national_id": "046123456789"}),
    ("cmnd của mẹ là 191234567", {"national_id": "191234567"}),
    ("Nhập mã xác nhận 123456", {}),
    ("Tôi nhận 500000 đồng", {}),
])
def test_identifiers(text, slots):
    found = {k: v for k, v in parse(text, TODAY).slots.items() if k != "period"}
    assert found == slots


@pytest.mark.parametrize("text, language", [
    ("English", "en"),
    ("Switch to English", "en"),
    ("Đổi sang tiếng Việt", "vi"),
    ("dung tieng viet di", "vi"),
    ("Tôi không hiểu tiếng Anh", "vi"),
    ("I don't understand Vietnamese", "en"),
    ("Sao lại nhắn tiếng Anh, đổi lại tiếng Việt", "vi"),
    ("Đổi ngôn ngữ", "en"),
    ("Change language", "vi"),
])
def test_requested_language(text, language):
    result = parse(text, TODAY)
    assert (result.intent, result.slots.get("language")) == ("change_language", language)


@pytest.mark.parametrize("text, intent", [
    ("Khi nào có tiền tháng 12", "payment_schedule"),
    ("Tiền tháng 10 về chưa", "payment_status"),
    ("Răng tháng ni ít tiền rứa", "payment_amount"),
    ("Tiền bị thiếu so với mọi khi", "complaint"),
    ("Không nhận được tiền mà báo đã chi trả", "complaint"),
    ("Tôi mới đổi số điện thoại", "report_change"),
    ("liên kết số điện thoại", "register"),
    ("dừng nhắn tin", "stop"),
    ("dùng tiếng Việt đi", "change_language"),
    ("Ông 76 tuổi không có lương hưu có được tiền không", "eligibility"),
    ("Tôi muốn đăng ký nhận tin", "register"),
    ("Đăng ký hưởng tiền già cho mệ ở mô", "eligibility"),
    ("Làm sao rút tiền ra", "payment_method"),
    ("Tôi muốn nhận tiền mặt như cũ", "payment_method"),
    ("Nhận tiền mặt ở đâu", "payment_schedule"),
    ("Bao giờ tiền về", "payment_schedule"),
    ("Tiền về rồi, cảm ơn cháu", "thanks"),
    ("Chào anh, tiền tháng này về chưa", "payment_status"),
    ("Tiền điện tháng này bao nhiêu", "unknown"),
    ("Lô đề hôm nay về con gì", "unknown"),
    # a long greeting around a real question: the question wins; a greeting with a name stays one
    ("Chào o, o ơi cho tui hỏi với, tiền của tui tháng trước đã lãnh được chưa rứa o", "payment_status"),
    ("Xin chào, tôi là con của bà Hoa", "greeting"),
    ("Xin chào tổng đài", "greeting"),
    # a code typed after the question does not hide its "chưa"
    ("đã chi trả cho ôn Tám chưa, mã 4603317", "payment_status"),
    ("rút tiền bị thu phí 10 nghìn", "complaint"),
    ("có người xưng cán bộ gọi bảo chuyển 2 triệu để được tăng tiền", "complaint"),
    ("tên mệ bị gạch khỏi danh sách rồi", "complaint"),
    ("xóa tên tôi khỏi danh sách nhận tin", "stop"),
    ("chị em thôi không làm giám hộ nữa, em thay", "report_change"),
    # thanks yields to a question asked with it, not to a statement
    ("Cảm ơn, còn tháng sau phát ngày mấy", "payment_schedule"),
    ("Cám ơn cán bộ đã chuyển tiền cho mệ", "thanks"),
    # Politeness, not "stop"
    ("Xin lỗi làm phiền anh chị, mỗi tháng mẹ em được bao nhiêu ạ", "payment_amount"),
    ("Xin chân thành cảm ơn cán bộ đã hướng dẫn mẹ tôi mở ví, giờ bà nhận tiền mà không phải đi xa",
     "thanks"),
    # a death with "stop sending": the office must learn of the death
    ("mạ tui mất hôm qua rồi, đừng nhắn nữa", "report_change"),
    ("đừng nhắn nữa, tôi mất thẻ rồi", "stop"),
    ("Mẹ tôi đã mất rồi, đừng gửi tin nhắn nữa", "report_change"),  # was "stop": same death, same rule
    ("Mệ tui mất tuần trước, đừng gửi tin tiền trợ cấp nữa, gia đình báo để bên xã cắt", "report_change"),
    # other offices' business
    ("thẻ BHYT hết hạn gia hạn ở đâu", "unknown"),
    ("trợ cấp thất nghiệp nhận ở đâu", "unknown"),
    ("làm căn cước ở mô", "unknown"),
    ("nhật ký chi trả của mệ", "payment_history"),
    # another office's money, unless this allowance is named with it
    ("Lương hưu của ba tôi tháng 12 có tăng không", "unknown"),
    ("Tiền hỗ trợ người có công của ôn tháng ni chừ về chưa", "unknown"),
    ("Có lương hưu có được nhận thêm tiền già không", "eligibility"),
    ("bão có vô Huế không", "unknown"),
    # "chưa" closing a clause asks as much as a closing "chưa"
    ("Tháng trước tiền của mạ tui lãnh rồi hay chưa rứa o, mạ tui lẩn thẩn nỏ nhớ", "payment_status"),
    ("cán bộ bắt ký nhận mà không đưa đủ tiền", "complaint"),
    # a long message: who writes, for whom and from where set the scene; the question after "xin hỏi" decides
    (("Kính gửi cán bộ, tôi là con trai ông Lê Văn Thành, xã Quảng Điền. Xin hỏi khoản trợ cấp tháng 10 "
     "của bố tôi đã được chi trả hay chưa?"), "payment_status"),
    ("Kính gửi cán bộ phụ trách, tôi xin phép hỏi kỳ chi trả tháng sau ở xã Vinh Lộc có đổi địa điểm không",
     "payment_schedule"),
    ("can bo phuong Thuy Xuan ten chi", "contact_officer"),  # a place's name is not "phương thức"
])
def test_confusable_pairs(text, intent):
    assert parse(text, TODAY).intent == intent


@pytest.mark.parametrize("text, intent, slots", [
    ("46002391 t11", "payment_status", {"beneficiary_code": "46002391", "period": "2026-11"}),
    ("BT4600123 tháng này", "payment_status", {"beneficiary_code": "BT4600123", "period": "2026-12"}),
    ("LS 46009910", "payment_history", {"beneficiary_code": "46009910"}),
    ("DK TTH-00413 1942", "register", {"beneficiary_code": "TTH00413", "dob": "1942"}),
    ("TC TTH-00413 11", "payment_status", {"beneficiary_code": "TTH00413", "period": "2026-11"}),
])
def test_a_code_with_a_month_or_a_keyword_is_read_with_both(text, intent, slots):
    """Numbers-only messages: a code and a month ask about that person's money that month; a code
    after a keyword is that keyword's, also all digits ("LS 46009910") or with a hyphen."""
    result = parse(text, date(2026, 12, 8))
    assert (result.intent, result.slots) == (intent, slots)


@pytest.mark.parametrize("text", ["750000?", "1500000 hay 750000", "1.800.000?"])
def test_a_round_sum_alone_asks_about_the_amount_and_is_not_a_code(text):
    result = parse(text, date(2026, 12, 8))
    assert result.intent == "payment_amount" and "beneficiary_code" not in result.slots


def test_a_1900_line_is_not_a_sum():
    assert parse("19006000", date(2026, 12, 8)).intent != "payment_amount"
