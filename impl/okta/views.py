"""Okta's response bodies: Session, the authn transactions, User, and their `_links`."""

from __future__ import annotations

import time
from typing import Literal, cast

from connexion.middleware.routing import ROUTING_CONTEXT
from starlette.types import Scope

from ..core.kit.identities import User
from ..core.kit.sessions import Session
from ..generated.dicts import okta as shapes
from ..generated.okta import Profile

# The methods a link's hints allow (the spec's enum holds these and more).
Method = Literal["DELETE", "GET", "POST", "PUT"]


def timestamp(epoch: float) -> str:
    """Okta's timestamps: UTC, second precision, `.000Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(int(epoch)))


def org_url(scope: Scope) -> str:
    """Where this API is served (scheme, host and base path), as Okta's links begin with the org.
    Read from the ASGI scope: building starlette's URL object costs more than the rest."""
    base_path = scope["extensions"][ROUTING_CONTEXT]["api_base_path"]
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    netloc = host.decode("latin-1") if host else "{}:{}".format(*scope["server"])
    return f"{scope['scheme']}://{netloc}{base_path}"


def _link(href: str, *allow: Method, name: str | None = None) -> shapes.HrefObject:
    """An HrefObject, built as the dict it serialises to (the hot path skips pydantic)."""
    if name is None:
        return {"href": href, "hints": {"allow": list(allow)}}
    return {"href": href, "name": name, "hints": {"allow": list(allow)}}


def session_links(org: str, session: Session, *, current: bool) -> shapes.SessionLinks:
    """Okta links a session it reached through the cookie to `/sessions/me`, and one read by
    id to a second opaque id of the same session (never the URL just requested)."""
    sessions = f"{org}/api/v1/sessions/{'me' if current else session.data['alias']}"
    user = f"{org}/api/v1/users/{'me' if current else session.subject}"
    return {
        "self": _link(sessions, "GET", "DELETE"),
        "refresh": _link(f"{sessions}/lifecycle/refresh", "POST"),
        "user": _link(user, "GET", name=session.data["name"]),
    }


def session_body(org: str, org_id: str, session: Session, *, current: bool) -> shapes.Session:
    """A Session in Okta's key order, with lastFactorVerification null as Okta sends it."""
    return {
        "id": session.id,
        "userId": session.subject,
        "login": session.data["login"],
        "createdAt": timestamp(session.created_at),
        "expiresAt": timestamp(session.expires_at),
        "status": "ACTIVE",
        "lastPasswordVerification": timestamp(session.data["password_verified_at"]),
        "lastFactorVerification": None,
        "amr": ["pwd"],
        "idp": {"id": org_id, "type": "OKTA"},
        "mfaActive": session.data.get("mfa_active", False),  # the user's, per org policy
        "_links": session_links(org, session, current=current),
    }


def success_body(
    org: str, user: User, session_token: str, expires_at: float
) -> shapes.AuthnTransaction:
    """An authn transaction in status SUCCESS, keys in Okta's order."""
    return {
        "expiresAt": timestamp(expires_at),
        "status": "SUCCESS",
        "sessionToken": session_token,
        "_embedded": {"user": authn_user(user)},
        "_links": {"cancel": _cancel_link(org)},
    }


# The attributes of the profile an authn transaction shows besides login, in its schema's order
# (the spec's Profile, as generated).
AUTHN_PROFILE = tuple(name for name in Profile.model_fields if name != "login")


def authn_user(user: User) -> shapes.AuthnUser:
    """The user embedded in an authn transaction: of the profile, the attributes its schema
    knows that are set, in the schema's order (a dict built here: a pydantic model made and
    dumped for it was a tenth of the log-in's handler)."""
    profile: shapes.Profile = {"login": user.login}
    for name in AUTHN_PROFILE:
        if (value := user.profile.get(name)) is not None:
            profile[name] = value  # type: ignore[literal-required]
    return {
        "id": user.id,
        "passwordChanged": timestamp(user.password_set_at or 0),
        "profile": profile,
    }


def _cancel_link(org: str) -> shapes.HrefObject:
    return _link(f"{org}/api/v1/authn/cancel", "POST")


def recovery_challenge_body() -> shapes.AuthnTransaction:
    """The unlock email is on its way (Okta's answer for factorType EMAIL, no stateToken)."""
    return {
        "status": "RECOVERY_CHALLENGE",
        "factorResult": "WAITING",
        "factorType": "EMAIL",
        "recoveryType": "UNLOCK",
    }


def recovery_body(
    org: str, user: User, state_token: str, expires_at: float
) -> shapes.AuthnTransaction:
    """A RECOVERY transaction: the recovery token was good; `next` completes the unlock."""
    answer = _link(f"{org}/api/v1/authn/recovery/answer", "POST", name="answer")
    return {
        "stateToken": state_token,
        "expiresAt": timestamp(expires_at),
        "status": "RECOVERY",
        "recoveryType": "UNLOCK",
        "_embedded": {"user": authn_user(user)},
        "_links": {"next": answer, "cancel": _cancel_link(org)},
    }


def unlocked_body(user: User, expires_at: float) -> shapes.AuthnTransaction:
    """SUCCESS of an unlock: no sessionToken, the user signs in again with the password."""
    return {
        "expiresAt": timestamp(expires_at),
        "status": "SUCCESS",
        "recoveryType": "UNLOCK",
        "_embedded": {"user": authn_user(user)},
    }


def cancelled_body() -> shapes.AuthnTransaction:
    return {"status": "UNAUTHENTICATED"}


def locked_out_body(org: str) -> shapes.AuthnTransaction:
    """What Okta answers a locked-out user when the policy shows lockout failures."""
    unlock = _link(f"{org}/api/v1/authn/recovery/unlock", "POST", name="unlock")
    return {"status": "LOCKED_OUT", "_links": {"next": unlock}}


# The lifecycle links of a single user by status, among the operations Sessim serves, in
# the order recorded from Okta (its other links lead to operations Sessim does not serve).
USER_LINKS: dict[str, tuple[str, ...]] = {
    "ACTIVE": ("suspend", "expirePassword", "self", "deactivate"),
    "STAGED": ("activate", "self"),
    "DEPROVISIONED": ("activate", "self"),
    "PROVISIONED": ("activate", "self", "deactivate"),
    "SUSPENDED": ("unsuspend", "self", "deactivate"),
    "LOCKED_OUT": ("unlock", "self", "deactivate"),
    "PASSWORD_EXPIRED": ("self", "deactivate"),
}
LIFECYCLE_PATHS = {"expirePassword": "expire_password"}
# The profile's attributes Okta returns in this order, before and after any others.
PROFILE_HEAD = ("firstName", "lastName", "mobilePhone")
PROFILE_TAIL = ("secondEmail", "login", "email", "locale", "timeZone")


def user_body(
    org: str, user: User, last_login: float | None, *, status: str, single: bool = True
) -> shapes.User:
    """A user as Okta's Users API returns it, in Okta's key order, with the `_links` of its
    status when read alone (a list links `self` only, as recorded)."""
    href = f"{org}/api/v1/users/{user.id}"
    times = user.attributes
    seeded = user.password_set_at or 0  # a seeded user's every time but lastLogin

    def at(name: str) -> str | None:
        value = times.get(name, seeded)
        return None if value is None else timestamp(value)

    credentials: shapes.UserCredentials = {"provider": {"type": "OKTA", "name": "OKTA"}}
    if times.get("password", True):
        credentials = {"password": {}, **credentials}
    names = USER_LINKS[status] if single else ("self",)
    links = {name: _lifecycle_link(href, name) for name in names}
    return {
        "id": user.id,
        "status": cast(shapes.UserStatus, status),  # Okta's: nothing else is stored
        "created": timestamp(times.get("created", seeded)),
        "activated": at("activated"),
        "statusChanged": at("status_changed"),
        "lastLogin": None if last_login is None else timestamp(last_login),
        "lastUpdated": timestamp(times.get("last_updated", seeded)),
        "passwordChanged": at("password_changed"),
        "profile": _profile(user),
        "credentials": credentials,
        "_links": cast(shapes.FieldLinks, links),
    }


def _lifecycle_link(href: str, name: str) -> dict[str, str]:
    if name == "self":
        return {"href": href}
    return {"href": f"{href}/lifecycle/{LIFECYCLE_PATHS.get(name, name)}", "method": "POST"}


def _profile(user: User) -> shapes.UserProfile:
    """The profile a create gave or the fixture's (whose email is its login), with Okta's
    default attributes null where unset."""
    given = {"mobilePhone": None, "secondEmail": None, **user.profile}
    given.update(login=user.login, email=user.profile.get("email", user.login))
    ordered = {name: given[name] for name in PROFILE_HEAD}
    ordered.update((name, value) for name, value in given.items() if name not in PROFILE_TAIL)
    ordered.update((name, given[name]) for name in PROFILE_TAIL if name in given)
    return cast(shapes.UserProfile, ordered)


def trusted_origin_body(org: str, record: dict) -> shapes.TrustedOrigin:
    """A trusted origin in Okta's key order; an ACTIVE one links `self` then `deactivate`,
    an INACTIVE one `activate` then `self` (as recorded from real Okta)."""
    href = f"{org}/api/v1/trustedOrigins/{record['id']}"
    self_link = _link(href, "GET", "PUT", "DELETE")
    links: shapes.TrustedOriginLinks
    if record["status"] == "ACTIVE":
        links = {"self": self_link, "deactivate": _link(f"{href}/lifecycle/deactivate", "POST")}
    else:
        links = {"activate": _link(f"{href}/lifecycle/activate", "POST"), "self": self_link}
    return {
        "id": record["id"],
        "name": record["name"],
        "origin": record["origin"],
        "scopes": record["scopes"],
        "status": record["status"],
        "created": timestamp(record["created"]),
        "createdBy": record["createdBy"],
        "lastUpdated": timestamp(record["lastUpdated"]),
        "lastUpdatedBy": record["lastUpdatedBy"],
        "_links": links,
    }
