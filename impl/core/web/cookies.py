"""Cookies a browser must send cross-site: `SameSite=None`, which browsers take only with
`Secure` (a SameSite=None cookie without it is refused), for the user agents that
understand it.

Vendors that sniff the user agent for this (Okta adds SameSite=None "to all relevant
cookies" for Chrome 76 and Firefox 69 onwards, release notes 2019.10.0, and not for Chrome
on iOS 12, 2019.10.2) do what Chromium's "SameSite=None: Known Incompatible Clients" page
(chromium.org/updates/same-site/incompatible-clients) tells servers to: send it to every
browser but those that misread it. A vendor asks for it per request (`send_cross_site`);
every Set-Cookie of the answer is then written so, in the one layer that writes them.
"""

from __future__ import annotations

import re

from starlette.types import Scope

from .headers import first_header

CROSS_SITE_KEY = "sessim.cross_site_cookies"
USER_AGENT = b"user-agent"
# Chrome 51 to 66 refuse a SameSite=None cookie; iOS 12 and Safari on macOS 10.14 take it
# for SameSite=Strict; UC Browser before 12.13.2 refuses it (Chromium's list).
_CHROMIUM = re.compile(r"Chrom(?:e|ium)/(\d+)\.")
_IOS_12 = re.compile(r"\(iP(?:hone|ad|od)[^)]* OS 12_")
_MACOS_10_14 = re.compile(r"\(Macintosh;[^)]* Mac OS X 10_14[_)\s]")
_UC = re.compile(r"UCBrowser/(\d+)\.(\d+)\.(\d+)")


def understands_same_site_none(user_agent: str) -> bool:
    """A browser (its User-Agent names Mozilla, as every browser's does) not on Chromium's
    list of clients that misread SameSite=None. SDKs and command-line clients are not
    browsers: they get what the vendor sends them."""
    if "Mozilla/" not in user_agent or _IOS_12.search(user_agent):
        return False
    if _MACOS_10_14.search(user_agent) and "Chrom" not in user_agent:
        return False  # Safari and the apps that embed it
    uc = _UC.search(user_agent)
    if uc:
        return tuple(map(int, uc.groups())) >= (12, 13, 2)
    chromium = _CHROMIUM.search(user_agent)
    return not (chromium and 51 <= int(chromium[1]) <= 66)


def send_cross_site(scope: Scope) -> None:
    """Every cookie of this request's answer is sent as `cross_site` writes it, when the
    caller's user agent understands SameSite=None (else as the vendor wrote it)."""
    if understands_same_site_none(first_header(scope, USER_AGENT) or ""):
        scope[CROSS_SITE_KEY] = True


def sends_cross_site(scope: Scope) -> bool:
    return bool(scope.get(CROSS_SITE_KEY))


def cross_site(cookie: str) -> str:
    """A Set-Cookie value with `Secure` (added when missing) and `SameSite=None` (in place of
    any other SameSite), in the separator the value already uses."""
    separator = ";" if ";" in cookie and "; " not in cookie else "; "
    parts = [part.strip() for part in cookie.split(";")]
    kept = [part for part in parts if not part.lower().startswith("samesite")]
    secure = any(part.lower() == "secure" for part in kept[1:])
    return separator.join([*kept, *([] if secure else ["Secure"]), "SameSite=None"])
