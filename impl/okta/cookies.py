"""The cookies real Okta sets, attribute by attribute as okta-sdk-python's session cassettes
recorded them (2025-09-22, a live preview org).

Every API call on the authn, sessions and users paths clears the browser session (`sid`,
`xids`), clears two UI cookies and sets a fresh `JSESSIONID`; refreshing a session by id
sets `xids` and `sid` instead. Sessim's `/sessions/me` calls, which the `sid` cookie itself
authenticates, are not recorded and keep the caller's cookie.
"""

from __future__ import annotations

import secrets

from ..core.kit.sessions import Session

UI_CLEARED = "Expires=Thu, 01 Jan 1970 00:00:10 GMT; Path=/"
SESSION_CLEARED = {
    "sid": 'sid="";Version=1;Path=/;Max-Age=0',
    "xids": 'xids="";Version=1;Path=/;Max-Age=0',
}


def api_cookies() -> dict[str, str]:
    """What every recorded API answer sets, in the recorded order."""
    return {
        **SESSION_CLEARED,
        "autolaunch_triggered": f'autolaunch_triggered=""; {UI_CLEARED}',
        "activate_ca_modal_triggered": f'activate_ca_modal_triggered=""; {UI_CLEARED}',
        "JSESSIONID": f"JSESSIONID={secrets.token_hex(16).upper()}; Path=/; Secure; HttpOnly",
    }


def session_cookies(session: Session) -> dict[str, str]:
    """The browser session, as refreshSession by id sets it: `xids` is the session's second
    id (the one its `_links` name), then `sid`."""
    return {
        "xids": f"xids={session.data['alias']};Version=1;Path=/;Secure",
        "sid": f"sid={session.id};Version=1;Path=/;Secure",
    }
