"""Okta's authorization codes: what `authorize` granted, kept for 60 seconds of emulated
time and redeemable once at the token endpoint (the authorization_code grant), bound to the
client, the server, the redirect URI, the PKCE challenge, the nonce, the scopes and the
session it was granted on.

A code is spent by the first attempt to redeem it, whatever comes of it: RFC 6749 10.5
wants a code used once, and a second try with a corrected verifier is a replay too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import asdict, dataclass
from typing import Any

from ..core.kit.identities import ACTIVE
from ..core.kit.runtime import Runtime
from ..core.kit.tokens import SingleUseTokens
from ..core.web.oauth_errors import InvalidGrant, OAuthError
from ..generated.okta import TokenRequest
from .issuance import Grant, issue
from .state import NAMESPACE, okta

AUTHORIZATION_CODE = "authorization_code"
CODE_SECONDS = 60  # Okta's authorization codes live 60 seconds (its OIDC reference)
CODE_LENGTH = 43
# Okta's wordings, as users have quoted them (docs/fidelity.md names the sources).
INVALID_CODE = "The authorization code is invalid or has expired."
PKCE_FAILED = "PKCE verification failed."
# Inferred: RFC 6749 4.1.3 asks that the redirect_uri be identical; Okta's words unquoted.
REDIRECT_MISMATCH = (
    "The 'redirect_uri' does not match the redirection URI used in the authorization request."
)
NO_CODE = "The 'code' parameter is required."  # inferred


@dataclass(frozen=True)
class Granted:
    """What a code stands for."""

    server: str
    client_id: str
    redirect_uri: str
    challenge: str | None  # S256's code_challenge, or None (a confidential client)
    scopes: list[str]
    nonce: str | None
    session_id: str
    user_id: str
    auth_time: int


def _codes(runtime: Runtime) -> SingleUseTokens:
    return SingleUseTokens(runtime.store, f"{NAMESPACE}:code", CODE_LENGTH)


async def new_code(runtime: Runtime, granted: Granted) -> str:
    code, _ = await _codes(runtime).issue(asdict(granted), CODE_SECONDS)
    return code


def s256(verifier: str) -> str:
    """PKCE's S256 challenge of a verifier (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def redeem(
    runtime: Runtime,
    server: dict[str, Any],
    application: dict[str, Any],
    body: TokenRequest,
    org: str,
) -> dict:
    """The authorization_code grant: the code's tokens, once, for the client it was granted
    to, with the redirect URI and (where the request had a challenge) the verifier."""
    if not body.code:
        raise OAuthError(NO_CODE)
    data = await _codes(runtime).redeem(body.code)
    granted = None if data is None else Granted(**data)
    if (
        granted is None
        or granted.client_id != application["client_id"]
        or granted.server != server["id"]
    ):
        raise InvalidGrant(INVALID_CODE)
    if body.redirect_uri != granted.redirect_uri:
        raise InvalidGrant(REDIRECT_MISMATCH)
    if granted.challenge is not None and not _verified(granted.challenge, body.code_verifier):
        raise InvalidGrant(PKCE_FAILED)
    user = await (await okta(runtime)).identities.by_id(granted.user_id)
    if user is None or user.status != ACTIVE:
        raise InvalidGrant(INVALID_CODE)
    grant = Grant(
        server,
        application,
        user,
        tuple(granted.scopes),
        AUTHORIZATION_CODE,
        org,
        session_id=granted.session_id,
        nonce=granted.nonce,
        auth_time=granted.auth_time,
    )
    return dict(
        await issue(runtime, grant, id_token=grant.wants_id_token, refresh=grant.wants_refresh)
    )


def _verified(challenge: str, verifier: str | None) -> bool:
    return verifier is not None and hmac.compare_digest(s256(verifier), challenge)
