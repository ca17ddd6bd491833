"""Every big chat button sends something the NLU reads as that button's intent, in both languages."""
from __future__ import annotations

from datetime import date

import pytest

from core.conversation.chat_menu import MENU_BUTTONS, button_question, main_menu
from core.i18n import Translator
from core.nlu import parse

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_menu_button_parses_to_its_intent(language):
    labels = [choice.label for choice in main_menu(Translator(language))]
    assert len(labels) == len(MENU_BUTTONS)
    for label, (intent, _msgid) in zip(labels, MENU_BUTTONS):
        assert parse(button_question(label), TODAY).intent == intent, label


def test_the_vietnamese_labels_are_the_ones_people_see():
    assert [c.label for c in main_menu(Translator("vi"))] == ["Tiền tháng này", "Lịch chi trả", "Số tiền",
                                                              "Lịch sử",
                                                             "Liên hệ cán bộ"]


@pytest.mark.parametrize("text", ["Tiền tháng này của mẹ về chưa?", "tiền tháng 10", "123456"])
def test_other_text_is_passed_on_unchanged(text):
    assert button_question(text) == text
