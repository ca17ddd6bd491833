"""The category of a complaint is read from its words (core.complaints.tickets.category_of), so officers can
sort their queue and a scam report is answered with the warning never to give a code or PIN."""
from __future__ import annotations

import pytest

from core.complaints.tickets import category_of


@pytest.mark.parametrize("text, intent, category", [
    ("có người gọi hỏi mã OTP", "complaint", "scam"),
    ("có người xưng cán bộ gọi bảo chuyển 2 triệu để được tăng tiền", "complaint", "scam"),
    ("nhan tin bao trung thuong doi chuyen tien", "complaint", "scam"),
    ("Công an giả gọi điện đòi chuyển khoản", "complaint", "scam"),
    ("Someone sent my grandma an SMS with a link asking for her bank password", "complaint", "scam"),
    ("rút tiền bị thu phí 10 nghìn", "complaint", "fees"),
    ("tháng này bị thiếu 250 nghìn", "complaint", "short_paid"),
    ("3 tháng chưa nhận được tiền", "complaint", "not_received"),
    ("mệ tui mất hôm qua", "report_change", "change"),
    ("có người xưng là cán bộ đến nhà lấy thẻ, mệ mới mất", "report_change", "scam"),
    ("cán bộ nói chuyện khó nghe", "complaint", "other"),
])
def test_category_from_the_words(text, intent, category):
    assert category_of(text, intent) == category
