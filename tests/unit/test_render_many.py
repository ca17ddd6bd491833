"""A broadcast renders each recipient's text from cached pieces (ManyRenderer); whatever the
pieces, the result must be exactly what render_for_channel makes of the whole text."""
from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.broadcasts.template import fill, fill_pieces, split_template
from core.conversation.render import ManyRenderer, render_for_channel
from core.settings import Settings

# Vietnamese letters precomposed and decomposed, ASCII, GSM-7 extension characters, typographic
# marks, Hangul jamo and a Tamil vowel sign (which compose across a seam), emoji, tabs.
ALPHABET = st.sampled_from(list("aăâeêoôơuưyAĐđ ễịạờữ,.:;!?0123456789\t\n{}[]€^~|`…–“”₫")
                           + ["e\u0302\u0303", "\u0301", "\u0323", "\u1100", "\u1161", "\u0b92", "\u0bd7",
                              "😀"])
PIECE = st.lists(ALPHABET, max_size=40).map("".join)


def _settings(encoding: str, segments: int) -> Settings:
    return Settings(database_url="sqlite://", secret_key="x", sms_encoding=encoding,
                    sms_max_segments=segments)


@hypothesis_settings(max_examples=400, deadline=None)
@given(pieces=st.lists(PIECE, max_size=8), encoding=st.sampled_from(["gsm7", "ucs2"]),
       segments=st.integers(min_value=1, max_value=3), channel=st.sampled_from(["sms", "zalo", "telegram"]))
def test_pieces_render_like_the_whole_text(pieces, encoding, segments, channel):
    settings = _settings(encoding, segments)
    renderer = ManyRenderer(channel, settings)
    for _ in range(2):  # the second time from the cache
        assert renderer.render(pieces) == render_for_channel("".join(pieces), channel, settings)


def test_long_broadcasts_are_cut_like_any_sms():
    settings = _settings("gsm7", 1)
    parts = split_template("Kính gửi {ho_ten}: tiền tháng {ky} là {so_tien}. " + "Xin cảm ơn ông bà. " * 12)
    values = {"ho_ten": "Nguyễn Thị Lài", "ky": "11/2026", "so_tien": "750.000đ"}
    pieces = fill_pieces(parts, values)
    assert "".join(pieces) == fill("".join(f"{{{p}}}" if i % 2 else p for i, p in enumerate(parts)), values)
    rendered = ManyRenderer("sms", settings).render(pieces)
    assert rendered == render_for_channel("".join(pieces), "sms", settings)
    assert rendered.startswith(
        "Kinh gui Nguyen Thi Lai: tien thang 11/2026 la 750.000d."
    ) and rendered.endswith("...")
