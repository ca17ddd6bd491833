"""GET / is a small Vietnamese page linking the phone simulator (only where it is enabled) and the
officers' console; every link works, no English, and no inline script or style (self-only CSP)."""
from __future__ import annotations

import re

import pytest

from ansinh import create_app
from core.i18n import translator


def _client(runtime, simulator: str):
    runtime.settings = runtime.settings.with_(simulator=simulator)
    app = create_app(runtime.settings, runtime=runtime)
    app.config.update(TESTING=True)
    return app.test_client()


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]+)"', html)


@pytest.mark.parametrize("simulator", ["on", "off"])
def test_the_landing_page_links_what_is_there(runtime, simulator):
    client = _client(runtime, simulator)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<html lang="vi">' in html and "AnSinh trả lời người hưởng trợ cấp xã hội" in html
    links = _links(html)
    assert "/console/" in links
    assert ("/simulator" in links) == (simulator == "on")
    for link in links:  # the console answers with its sign-in page, the rest directly
        with client.get(link, follow_redirects=True) as answer:  # a static file is an open file until closed
            assert answer.status_code == 200, link


def test_the_landing_page_has_no_english_and_no_inline_code(runtime):
    response = _client(runtime, "on").get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    english = translator("en")
    for msgid in ("Officers' console", "Phone simulator",
                  "Try the service as a person with a basic phone: dial the USSD code or send an SMS."):
        assert english._(msgid) not in html
    assert not re.search(r"<style|style=|<script|\son[a-z]+=", html, re.IGNORECASE)
