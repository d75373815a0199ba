"""Okta's response bodies: Session, the authn transaction, and their `_links`."""

from __future__ import annotations

from typing import Any

from connexion.middleware.routing import ROUTING_CONTEXT

from generated.okta import (
    AllowEnum,
    AuthnTransaction,
    Hints,
    HrefObject,
    Profile,
    SessionAuthenticationMethod,
    SessionIdentityProvider,
    SessionIdentityProviderType,
    SessionLinks,
    SessionStatus,
    Status,
)
from impl.core.bodies import dump
from impl.core.clock import to_datetime
from impl.core.identities import User
from impl.core.sessions import Session


def timestamp(epoch: float) -> str:
    """Okta's timestamps: UTC, second precision, `.000Z`."""
    return to_datetime(int(epoch)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def org_url(request: Any) -> str:
    """Where this API is served (scheme, host and base path), as Okta's links begin with the org."""
    base_path = request.scope["extensions"][ROUTING_CONTEXT]["api_base_path"]
    return f"{request.url.scheme}://{request.url.netloc}{base_path}"


def _link(href: str, *allow: AllowEnum, name: str | None = None) -> HrefObject:
    return HrefObject(href=href, name=name, hints=Hints(allow=list(allow)))


def session_links(org: str, session: Session, *, current: bool) -> SessionLinks:
    """Okta links a session it reached through the cookie to `/sessions/me`, and one read by
    id to a second opaque id of the same session (never the URL just requested)."""
    sessions = f"{org}/api/v1/sessions/{'me' if current else session.data['alias']}"
    user = f"{org}/api/v1/users/{'me' if current else session.subject}"
    return SessionLinks(
        self=_link(sessions, AllowEnum.GET, AllowEnum.DELETE),
        refresh=_link(f"{sessions}/lifecycle/refresh", AllowEnum.POST),
        user=_link(user, AllowEnum.GET, name=session.data["name"]),
    )


def session_body(org: str, org_id: str, session: Session, *, current: bool) -> dict:
    """A Session in Okta's key order, with lastFactorVerification null as Okta sends it."""
    idp = SessionIdentityProvider(id=org_id, type=SessionIdentityProviderType.OKTA)
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
        "idp": dump(idp),
        "mfaActive": False,  # Sessim's users have no enrolled factors
        "_links": dump(session_links(org, session, current=current)),
    }


def success_body(org: str, user: User, session_token: str, expires_at: float) -> dict:
    """An authn transaction in status SUCCESS, keys in Okta's order."""
    profile = Profile(login=user.login, **user.profile)
    return {
        "expiresAt": timestamp(expires_at),
        "status": Status.SUCCESS.value,
        "sessionToken": session_token,
        "_embedded": {
            "user": {
                "id": user.id,
                "passwordChanged": timestamp(user.password_set_at or 0),
                "profile": dump(profile),
            }
        },
        "_links": {"cancel": dump(_link(f"{org}/api/v1/authn/cancel", AllowEnum.POST))},
    }


def locked_out_body(org: str) -> dict:
    """What Okta answers a locked-out user when the policy shows lockout failures."""
    unlock = _link(f"{org}/api/v1/authn/recovery/unlock", AllowEnum.POST, name="unlock")
    return dump(AuthnTransaction(status=Status.LOCKED_OUT, _links={"next": unlock}))
