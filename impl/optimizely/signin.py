"""Signing in and out: POST's ValidateContext, SetUserAsAuthenticated and SetSiteContext,
DELETE's RemoveSession, and the PunchOut start a procurement system makes."""

from __future__ import annotations

import uuid

from ..core.kit.errors import AccountInactive, NotFound
from ..core.kit.identities import User
from ..core.kit.instants import to_datetime
from ..core.kit.runtime import Runtime
from ..core.kit.tokens import opaque_id
from ..generated.optimizely import SignIn
from .catalog import Catalog
from .context import Caller, caller_for
from .errors import BadRequest, Denied, PasswordChangeRequired, Refused
from .identity import DEFAULT_SCOPE, end_sign_in, issue_tokens
from .state import optimizely
from .users import DEACTIVATED

# The storefront client a PunchOut session's tokens are issued to.
PUNCHOUT_CLIENT = "isc"


async def sign_in(caller: Caller, body: SignIn) -> None:
    """ValidateContext's checks in order, then the session of the bearer's sign-in."""
    assert caller.token is not None  # POST's security requires the bearer
    user = await _validate(caller, body.userName, body.password.get_secret_value())
    if user.id != caller.token["sub"]:
        raise Denied("The access token was issued to another user.")
    await start_session(caller, user, bool(body.rememberMe), None)


async def _validate(caller: Caller, user_name: str, password: str) -> User:
    identities = caller.state.identities
    try:
        user = await identities.authenticate(user_name, password)
    except AccountInactive:
        found = await identities.by_login(user_name)
        if found is not None and found.status == DEACTIVATED:
            raise Refused("Your account has been deactivated.") from None
        raise Refused("Your account has not been activated.") from None
    if user.profile.get("password_change_required"):
        raise PasswordChangeRequired("You must change your password before signing in.")
    allowed = user.profile.get("websites")
    if allowed is not None and caller.website.id not in allowed:
        raise Refused("You are not allowed to sign in to this website.")
    return user


async def start_session(
    caller: Caller, user: User, remember: bool, punch_out: str | None, bill_to: str | None = None
) -> None:
    """SetUserAsAuthenticated (the last login time) and SetSiteContext: the user's default
    billTo and shipTo (or those given), the caller's language and currency."""
    assert caller.token is not None
    catalog = caller.state.catalog
    last_login = to_datetime(caller.now).isoformat()
    user = (
        await caller.state.identities.update_profile(user.id, {"lastLoginDate": last_login}) or user
    )
    bill_to = bill_to or _default_bill_to(catalog, user.profile)
    data = {
        "billTo": bill_to,
        "shipTo": _default_ship_to(catalog, user.profile, bill_to),
        "language": caller.language["id"],
        "currency": caller.currency["id"],
        "fulfillmentMethod": "Ship",
        "pickUpWarehouse": None,
        "rememberMe": remember,
        "punchOut": punch_out,
        "website": caller.website.id,
    }
    caller.session = await caller.state.sessions.create(caller.token["sid"], user.id, data)
    caller.user, caller.changes = user, {}


def _default_bill_to(catalog: Catalog, profile: dict) -> str | None:
    """The default customer, else the only one assigned."""
    assigned = [c for c in profile.get("customers", []) if c in catalog.customers]
    default = profile.get("default_customer")
    if default in assigned:
        return default
    return assigned[0] if len(assigned) == 1 else None


def _default_ship_to(catalog: Catalog, profile: dict, bill_to: str | None) -> str | None:
    """The default shipTo when it is the billTo's, else the billTo's only one."""
    if not bill_to:
        return None
    ship_tos = catalog.customers[bill_to].get("shipTos", [])
    default = profile.get("default_ship_to")
    if any(ship_to["id"] == default for ship_to in ship_tos):
        return default
    return ship_tos[0]["id"] if len(ship_tos) == 1 else None


async def sign_out(caller: Caller, runtime: Runtime) -> None:
    """RemoveSession: the signed-in session, the access token and the sign-in's refresh
    tokens end."""
    assert caller.token is not None
    state = caller.state
    await state.sessions.end(caller.token["sid"])
    await state.jwt.revoke(caller.token["token"])
    await end_sign_in(state, runtime.store, caller.token["sid"])


async def start_punch_out(runtime: Runtime, body: dict) -> dict:
    """The admin action `optimizely/punchout`: what a procurement system's PunchOut setup
    does, a user signed in in PunchOut mode; the answer carries the tokens to call with."""
    state = await optimizely(runtime)
    user_name = body.get("userName")
    if not isinstance(user_name, str) or not user_name:
        raise BadRequest("userName is required.")
    user = await state.identities.by_login(user_name)
    if user is None:
        raise NotFound(f"no user {user_name!r}")
    bill_to = body.get("billTo") or None
    assigned = [c for c in user.profile.get("customers", []) if c in state.catalog.customers]
    if bill_to is not None and bill_to not in assigned:
        raise BadRequest("billTo is not one of the user's customers.")
    sid, punch_out = opaque_id(32), str(uuid.uuid4())
    tokens = await issue_tokens(state, user.id, PUNCHOUT_CLIENT, DEFAULT_SCOPE, sid)
    token = {"sub": user.id, "sid": sid, "token": tokens["access_token"]}
    caller = caller_for(state, state.catalog.website_for(""), token, await runtime.store.now())
    await start_session(caller, user, False, punch_out, bill_to)
    return {**tokens, "punchOutSessionId": punch_out}
