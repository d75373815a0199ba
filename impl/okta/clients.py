"""Client authentication at the OAuth endpoints of Okta's authorization servers (token,
introspect, revoke): `client_secret_basic` (the Authorization header), `client_secret_post`
(client_id and client_secret in the form), `none` (a public client's client_id alone) and
`private_key_jwt` (a client_assertion JWT signed with a key of the application's `jwks`),
each accepted only from an ACTIVE application registered for it."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Protocol

from ..core.kit.credentials import basic_credentials, matches
from ..core.kit.runtime import Runtime
from ..core.web.oauth_errors import InvalidClient, OAuthError
from ..core.web.operations import request
from .authorization_servers import ACTIVE, NONE, PRIVATE_KEY_JWT, Applications
from .state import NAMESPACE

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
# Okta's wordings (its answers as users have quoted them; the assertion's inferred).
BAD_CLIENT = (
    "Client authentication failed. Either the client or the client credentials are invalid."
)
TWO_CREDENTIALS = (
    "Cannot supply multiple client credentials. Use one of the following: credentials in "
    "the Authorization header, credentials in the post body, or a client_assertion in the "
    "post body."
)
BAD_ASSERTION_TYPE = (
    "The client_assertion_type is invalid. It must be "
    "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'."
)
REPLAYED = "The client_assertion token has already been used."
BAD_KID = "The client_assertion JWT kid is invalid."  # Okta support's article quotes it
# Okta's guide: an assertion's exp is "a maximum of only an hour in the future".
MAX_ASSERTION_SECONDS = 3600


class ClientForm(Protocol):
    """What the OAuth endpoints' forms hold of client authentication."""

    client_id: str | None
    client_secret: str | None
    client_assertion: str | None
    client_assertion_type: str | None


async def authenticated_client(runtime: Runtime, form: ClientForm, endpoint: str) -> dict:
    """The ACTIVE application that authenticated as registered, else invalid_client;
    `endpoint` is the URL called (a client_assertion's `aud`)."""
    basic = _basic(request.headers.get("Authorization"))
    given = (form.client_secret is not None) + bool(form.client_assertion) + (basic is not None)
    if given > 1:
        raise OAuthError(TWO_CREDENTIALS)
    applications = Applications(runtime.store)
    if form.client_assertion:
        return await _by_assertion(runtime, applications, form, endpoint)
    secret: str | None
    if basic is not None:
        client_id, secret = basic
        method = NONE if secret is None else "client_secret_basic"
    elif form.client_id:
        client_id, secret = form.client_id, form.client_secret
        method = NONE if secret is None else "client_secret_post"
    else:
        raise InvalidClient(BAD_CLIENT)
    application = await _registered(applications, client_id, method)
    if secret is not None and not matches(secret, application["client_secret_digest"]):
        raise InvalidClient(BAD_CLIENT)
    return application


def _basic(header: str | None) -> tuple[str, str | None] | None:
    """The client id and secret of a Basic header; a public client's id alone when the
    header carries no colon, as okta-auth-js sends it to revoke and introspect
    (`Basic base64(clientId)`, lib/oidc/revokeToken.ts)."""
    try:
        return basic_credentials(header)
    except ValueError:
        value = (header or "").partition(" ")[2].strip()
    try:
        client_id = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient(BAD_CLIENT) from None
    if not client_id:
        raise InvalidClient(BAD_CLIENT)
    return client_id, None


async def _registered(applications: Applications, client_id: str, method: str) -> dict:
    application = await applications.get(client_id)
    if (
        application is None
        or application["status"] != ACTIVE
        or application["token_endpoint_auth_method"] != method
    ):
        raise InvalidClient(BAD_CLIENT)
    return application


async def _by_assertion(
    runtime: Runtime, applications: Applications, form: ClientForm, endpoint: str
) -> dict:
    """private_key_jwt (RFC 7523, Okta's client authentication guide): iss and sub the
    client id, aud the endpoint's URL, an exp within the hour, signed by a key of the
    application's jwks; a jti (optional at Okta) never seen before."""
    import jwt

    if form.client_assertion_type != JWT_BEARER:
        raise OAuthError(BAD_ASSERTION_TYPE)
    assertion = form.client_assertion or ""
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise InvalidClient("The client_assertion token is invalid.") from None
    client_id = unverified.get("iss")
    if not isinstance(client_id, str) or (form.client_id and form.client_id != client_id):
        raise InvalidClient(BAD_CLIENT)
    application = await _registered(applications, client_id, PRIVATE_KEY_JWT)
    claims = _verified(assertion, application, endpoint, await runtime.store.now())
    if claims.get("sub") != client_id:
        raise InvalidClient("The client_assertion token is invalid: sub must be the client_id.")
    if "jti" in claims and not await _first_use(runtime, client_id, claims):
        raise InvalidClient(REPLAYED)
    return application


def _verified(assertion: str, application: dict, endpoint: str, now: float) -> dict[str, Any]:
    """The assertion's claims, checked against the application's key that its kid names
    (the one key when it names none)."""
    import jwt

    key = _key_of(assertion, application)
    try:
        claims = jwt.decode(
            assertion,
            key.key,
            algorithms=ASSERTION_ALGORITHMS,
            audience=endpoint,
            options={"require": ["iss", "sub", "aud", "exp"], "verify_exp": False},
        )
    except jwt.InvalidSignatureError:
        raise InvalidClient("The client_assertion signature is invalid.") from None
    except jwt.InvalidTokenError as error:
        raise InvalidClient(f"The client_assertion token is invalid: {error}.") from None
    exp = claims["exp"]
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp <= now:
        raise InvalidClient("The client_assertion token is expired.")
    if exp > now + MAX_ASSERTION_SECONDS:
        raise InvalidClient("The client_assertion token has an expiration too far in the future.")
    return claims


def _key_of(assertion: str, application: dict) -> Any:
    """The PyJWK of the application's jwks that the assertion's kid names; without a kid,
    its only key (Okta's "kid is invalid" when it has several)."""
    import jwt

    try:
        keys = jwt.PyJWKSet.from_dict(application["jwks"] or {"keys": []}).keys
    except jwt.PyJWKSetError:
        keys = []
    kid = jwt.get_unverified_header(assertion).get("kid")
    named = [key for key in keys if key.key_id == kid] if kid is not None else keys
    if len(named) != 1:
        raise InvalidClient(BAD_KID)
    return named[0]


async def _first_use(runtime: Runtime, client_id: str, claims: dict[str, Any]) -> bool:
    """Whether this assertion's jti is new: remembered until the assertion expires."""
    ttl = max(claims["exp"] - await runtime.store.now(), 1)
    key = f"{NAMESPACE}:client-assertion:{client_id}:{claims['jti']}"
    return await runtime.store.add(key, True, ttl=ttl)
