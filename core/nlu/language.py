"""Which language a change_language message asks for: the one named after "sang/qua/to/in",
the other one after "không hiểu/không đọc được/don't understand", else the last one named, else the
language the message is not written in ("Change language" -> vi, "Đổi ngôn ngữ" -> en)."""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

NAMES = {("tieng", "anh"): "en", ("anh", "ngu"): "en", ("english",): "en", ("tieng", "viet"): "vi",
         ("vietnamese",): "vi", ("viet", "ngu"): "vi"}
TOWARDS = {"sang", "qua", "to", "in", "use", "speak", "bang", "dung", "lai"}
REFUSALS = {("khong", "hieu"), ("khong", "doc"), ("khong", "biet"), ("don", "t"), ("do", "not"),
            ("cannot",), ("can", "t")}
ENGLISH_WORDS = {"the", "to", "please", "change", "language", "switch", "set", "i", "my", "me", "you",
                 "english", "vietnamese", "speak", "use", "reply", "in", "do", "can", "version"}
OTHER = {"en": "vi", "vi": "en"}


def _mentions(tokens: tuple[str, ...]) -> list[tuple[int, str]]:
    found = []
    for i in range(len(tokens)):
        for name, language in NAMES.items():
            if tuple(tokens[i:i + len(name)]) == name:
                found.append((i, language))
    return found


def requested_language(tokens: tuple[str, ...]) -> str:
    mentions = _mentions(tokens)
    for index, language in mentions:
        if index and tokens[index - 1] in TOWARDS:
            return language
    for index, language in mentions:
        before = tokens[max(0, index - 4):index]
        if any(tuple(before[j:j + len(r)]) == r for r in REFUSALS for j in range(len(before))):
            return OTHER[language]
    if mentions:
        return mentions[-1][1]
    english = sum(1 for t in tokens if t in ENGLISH_WORDS)
    return "vi" if tokens and english * 2 >= len(tokens) else "en"
