"""Okta's response bodies: Session, the authn transactions, User, and their `_links`."""

from __future__ import annotations

import time

from connexion.middleware.routing import ROUTING_CONTEXT
from starlette.types import Scope

from ..core.kit.identities import ACTIVE, User
from ..core.kit.sessions import Session
from ..core.web.bodies import dump
from ..generated.okta import (
    AllowEnum,
    AuthnTransaction,
    FactorResult,
    FactorType,
    Profile,
    RecoveryType,
    SessionAuthenticationMethod,
    SessionIdentityProviderType,
    SessionStatus,
    Status,
)

LOCKED_OUT = "LOCKED_OUT"  # the Users API's status of a locked-out user


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


def _link(href: str, *allow: AllowEnum, name: str | None = None) -> dict:
    """An HrefObject, built as the dict it serialises to (the hot path skips pydantic)."""
    named = {"name": name} if name is not None else {}
    return {"href": href, **named, "hints": {"allow": [method.value for method in allow]}}


def session_links(org: str, session: Session, *, current: bool) -> dict:
    """Okta links a session it reached through the cookie to `/sessions/me`, and one read by
    id to a second opaque id of the same session (never the URL just requested)."""
    sessions = f"{org}/api/v1/sessions/{'me' if current else session.data['alias']}"
    user = f"{org}/api/v1/users/{'me' if current else session.subject}"
    return {
        "self": _link(sessions, AllowEnum.GET, AllowEnum.DELETE),
        "refresh": _link(f"{sessions}/lifecycle/refresh", AllowEnum.POST),
        "user": _link(user, AllowEnum.GET, name=session.data["name"]),
    }


def session_body(org: str, org_id: str, session: Session, *, current: bool) -> dict:
    """A Session in Okta's key order, with lastFactorVerification null as Okta sends it."""
    return {
        "id": session.id,
        "userId": session.subject,
        "login": session.data["login"],
        "createdAt": timestamp(session.created_at),
        "expiresAt": timestamp(session.expires_at),
        "status": SessionStatus.ACTIVE.value,
        "lastPasswordVerification": timestamp(session.data["password_verified_at"]),
        "lastFactorVerification": None,
        "amr": [SessionAuthenticationMethod.pwd.value],
        "idp": {"id": org_id, "type": SessionIdentityProviderType.OKTA.value},
        "mfaActive": session.data.get("mfa_active", False),  # the user's, per org policy
        "_links": session_links(org, session, current=current),
    }


def success_body(org: str, user: User, session_token: str, expires_at: float) -> dict:
    """An authn transaction in status SUCCESS, keys in Okta's order."""
    return {
        "expiresAt": timestamp(expires_at),
        "status": Status.SUCCESS.value,
        "sessionToken": session_token,
        "_embedded": {"user": authn_user(user)},
        "_links": {"cancel": _cancel_link(org)},
    }


def authn_user(user: User) -> dict:
    """The user embedded in an authn transaction."""
    profile = Profile(login=user.login, **user.profile)
    return {
        "id": user.id,
        "passwordChanged": timestamp(user.password_set_at or 0),
        "profile": dump(profile),
    }


def _cancel_link(org: str) -> dict:
    return _link(f"{org}/api/v1/authn/cancel", AllowEnum.POST)


def recovery_challenge_body() -> dict:
    """The unlock email is on its way (Okta's answer for factorType EMAIL, no stateToken)."""
    return {
        "status": Status.RECOVERY_CHALLENGE.value,
        "factorResult": FactorResult.WAITING.value,
        "factorType": FactorType.EMAIL.value,
        "recoveryType": RecoveryType.UNLOCK.value,
    }


def recovery_body(org: str, user: User, state_token: str, expires_at: float) -> dict:
    """A RECOVERY transaction: the recovery token was good; `next` completes the unlock."""
    answer = _link(f"{org}/api/v1/authn/recovery/answer", AllowEnum.POST, name="answer")
    return {
        "stateToken": state_token,
        "expiresAt": timestamp(expires_at),
        "status": Status.RECOVERY.value,
        "recoveryType": RecoveryType.UNLOCK.value,
        "_embedded": {"user": authn_user(user)},
        "_links": {"next": answer, "cancel": _cancel_link(org)},
    }


def unlocked_body(user: User, expires_at: float) -> dict:
    """SUCCESS of an unlock: no sessionToken, the user signs in again with the password."""
    return {
        "expiresAt": timestamp(expires_at),
        "status": Status.SUCCESS.value,
        "recoveryType": RecoveryType.UNLOCK.value,
        "_embedded": {"user": authn_user(user)},
    }


def cancelled_body() -> dict:
    return {"status": Status.UNAUTHENTICATED.value}


def locked_out_body(org: str) -> dict:
    """What Okta answers a locked-out user when the policy shows lockout failures."""
    unlock = _link(f"{org}/api/v1/authn/recovery/unlock", AllowEnum.POST, name="unlock")
    return dump(
        AuthnTransaction.model_validate({"status": Status.LOCKED_OUT, "_links": {"next": unlock}})
    )


def user_body(org: str, user: User, last_login: float | None, *, locked: bool) -> dict:
    """A user as Okta's Users API returns it, in Okta's key order: LOCKED_OUT while an ACTIVE
    user is locked out. Sessim's users are made when seeded, so every lifecycle time but
    lastLogin is the time of the seed."""
    seeded = timestamp(user.password_set_at or 0)
    return {
        "id": user.id,
        "status": LOCKED_OUT if locked and user.status == ACTIVE else user.status,
        "created": seeded,
        "activated": seeded,
        "statusChanged": seeded,
        "lastLogin": None if last_login is None else timestamp(last_login),
        "lastUpdated": seeded,
        "passwordChanged": seeded,
        "profile": {
            "firstName": user.profile.get("firstName"),
            "lastName": user.profile.get("lastName"),
            "mobilePhone": None,
            "secondEmail": None,
            "login": user.login,
            "email": user.login,
            **{key: user.profile[key] for key in ("locale", "timeZone") if key in user.profile},
        },
        "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": f"{org}/api/v1/users/{user.id}"}},
    }
