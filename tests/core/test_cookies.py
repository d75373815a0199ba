"""core.web.cookies: which user agents take SameSite=None, and a cookie written for them."""

from __future__ import annotations

import pytest
from sessim.core.web.cookies import cross_site, understands_same_site_none

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{}.0.0.0"


@pytest.mark.parametrize(
    ("user_agent", "understands"),
    [
        (CHROME.format(131), True),
        (CHROME.format(67), True),
        (CHROME.format(66), False),
        (CHROME.format(51), False),
        (CHROME.format(50), True),  # before SameSite: every cookie is sent cross-site
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", True),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
            False,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            True,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/12.1.2 Safari/605.1.15",
            False,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            True,
        ),
        ("Mozilla/5.0 (Linux; U; Android 9) UCBrowser/12.13.0.1207 Mobile Safari/534.30", False),
        ("Mozilla/5.0 (Linux; U; Android 9) UCBrowser/12.13.2.1208 Mobile Safari/534.30", True),
        ("okta-sdk-python/2.9.13 python/3.12.1", False),
        ("curl/8.5.0", False),
        ("", False),
    ],
)
def test_which_user_agents_take_same_site_none(user_agent: str, understands: bool) -> None:
    assert understands_same_site_none(user_agent) is understands


@pytest.mark.parametrize(
    ("cookie", "written"),
    [
        ("sid=1; Path=/", "sid=1; Path=/; Secure; SameSite=None"),
        (
            'sid="";Version=1;Path=/;Max-Age=0',
            'sid="";Version=1;Path=/;Max-Age=0;Secure;SameSite=None',
        ),
        ("sid=1;Version=1;Path=/;Secure", "sid=1;Version=1;Path=/;Secure;SameSite=None"),
        (
            "a=1; HttpOnly; Secure; SameSite=Lax; Path=/",
            "a=1; HttpOnly; Secure; Path=/; SameSite=None",
        ),
        ("a=1", "a=1; Secure; SameSite=None"),
        ("secure=1", "secure=1; Secure; SameSite=None"),  # a cookie named secure is no attribute
        ("a=1; Path=/; Secure; SameSite=None", "a=1; Path=/; Secure; SameSite=None"),
    ],
)
def test_a_cookie_written_cross_site(cookie: str, written: str) -> None:
    assert cross_site(cookie) == written
