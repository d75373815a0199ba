"""How a browser comes to hold an Okta session: a sessionToken (the authn result) redeemed
for a new session, whose id the `sid` cookie carries; and the live session a request's
`sid` names. /login/sessionCookieRedirect and `authorize` share both, so that the session
the Sessions API shows is the one the authorization servers see."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from ..core.kit.errors import AuthenticationFailed
from ..core.kit.identities import ACTIVE
from ..core.kit.sessions import Session
from ..core.kit.tokens import opaque_id
from .state import Okta

BROWSER_SID = "sid={}; Path=/"  # as Okta's session-cookie guide shows it


def sid(connection: HTTPConnection) -> str:
    """The `sid` cookie; without one, "", which names no session (ids start with 102)."""
    return connection.cookies.get("sid", "")


def session_id() -> str:
    return opaque_id(22, "102")


async def open_session(state: Okta, session_token: str) -> Session:
    """A new session for a live sessionToken, which it spends."""
    grant = await state.session_tokens.redeem(session_token)
    if grant is None:
        raise AuthenticationFailed("the sessionToken is unknown, expired or already used")
    user = await state.identities.by_id(grant["user_id"])
    if user is None or user.status != ACTIVE:
        raise AuthenticationFailed("the user may no longer sign in")
    data = {
        "login": user.login,
        "name": f"{user.profile.get('firstName', '')} {user.profile.get('lastName', '')}".strip(),
        "alias": session_id(),
        "password_verified_at": grant["verified_at"],
        "mfa_active": user.attributes.get("mfa_active", False),
    }
    return await state.sessions.create(session_id(), user.id, data)


async def live_session(state: Okta, connection: HTTPConnection) -> Session | None:
    """The session the request's `sid` names, while it lives and its user is ACTIVE."""
    session = await state.sessions.get(sid(connection))
    if session is None:
        return None
    user = await state.identities.by_id(session.subject)
    return session if user is not None and user.status == ACTIVE else None
