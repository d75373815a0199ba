"""postCustomersAuth (guest, credentials, session, refresh), deleteCustomersAuth and
postSessions: parse, call core, shape. Both URL forms (version v20_8 or 20.8) are 20.8."""

from __future__ import annotations

import base64
import secrets

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response

from ..core.kit.credentials import basic_credentials, digest, matches
from ..core.kit.errors import AccountInactive, AccountLocked, AuthenticationFailed
from ..core.kit.identities import User
from ..core.kit.runtime import runtime_of
from ..core.web.bodies import dump, respond
from ..core.web.operations import request
from ..core.web.security import bearer_token
from ..generated.dicts import sfcc as shapes
from ..generated.sfcc import AuthRequest, BasketRequest, OrderAddress
from ..generated.sfcc import Type as AuthType
from . import access
from .access import Customer
from .baskets import document as basket_document
from .errors import (
    AuthorizationHeaderMissing,
    BasicHeaderMissing,
    CustomerAuthenticationFailed,
    InvalidAccessToken,
    InvalidAuthorizationHeader,
    InvalidClientId,
)
from .state import Sfcc, Site, sfcc
from .views import guest_document, new_customer_id, registered_document, timestamp

COOKIE = "{}={}; Path=/; Secure; HttpOnly; SameSite=None"
# Real storefronts keep the customer cookies 180 days.
CUSTOMER_COOKIE = "{}={}; Max-Age=15552000; Path=/; Secure; SameSite=None"
REFUSED = (AuthenticationFailed, AccountLocked, AccountInactive)


async def post_customers_auth(
    body: AuthRequest, site_id: str, version: str, token_info: dict
) -> Response:
    kind = body.type
    state = await sfcc(runtime_of(request))
    site = state.site(site_id)
    client_id = token_info["client_id"]
    if kind is AuthType.guest:
        customer, document = Customer(new_customer_id(), guest=True), None
    elif kind is AuthType.credentials:
        customer, document = await _credentials(site)
    elif kind is AuthType.session:
        customer, document = await _session(site, state.settings.enforce_https)
    else:
        customer, document = await _refresh(state, site, client_id)
    token = await access.issue(site, client_id, customer)
    answer = document or guest_document(customer.customer_id)
    return respond(answer, 200, headers={"Authorization": f"Bearer {token}"})


async def delete_customers_auth(site_id: str, version: str, token_info: dict) -> ConnexionResponse:
    site = (await sfcc(runtime_of(request))).site(site_id)
    await site.jwt.revoke(token_info["token"])
    return ConnexionResponse(status_code=204)


async def post_sessions(site_id: str, version: str, token_info: dict) -> Response:
    """A new storefront session for the token's customer; cookies sent are ignored."""
    state = await sfcc(runtime_of(request))
    site = state.site(site_id)
    customer: Customer = token_info["customer"]
    # 64 random bytes in URL-safe base64: 88 characters ending in "==", as real ones are.
    session_id = base64.urlsafe_b64encode(secrets.token_bytes(64)).decode()
    secure_token = base64.urlsafe_b64encode(secrets.token_bytes(25)).decode()  # 36, "=="
    data = {"guest": customer.guest, "secure_token": digest(secure_token)}
    basket = await site.baskets.of_customer(customer.customer_id)
    if basket is not None and customer.guest:
        # A guest's basket made before the session is secured for it; one made after is not.
        data["secured_basket"] = basket["basket_id"]
    await site.sessions.create(session_id, customer.customer_id, data)
    kind = "dwanonymous" if customer.guest else "dwcustomer"
    cookies = [COOKIE.format("dwsid", session_id)]
    if not state.settings.enforce_https:
        cookies.append(COOKIE.format(f"dwsecuretoken_{site.cookie_hash}", secure_token))
    cookies.append(CUSTOMER_COOKIE.format(f"{kind}_{site.cookie_hash}", customer.customer_id))
    return respond(None, 204, cookies=cookies)


async def post_baskets(
    site_id: str, version: str, token_info: dict, body: BasketRequest | None = None
) -> Response:
    """The body, a basket document to start from, is taken and not read."""
    site = (await sfcc(runtime_of(request))).site(site_id)
    basket = await site.baskets.create(token_info["customer"].customer_id)
    return respond(basket_document(basket), 200)


async def get_baskets_by_i_d(
    site_id: str, version: str, basket_id: str, token_info: dict
) -> Response:
    site = (await sfcc(runtime_of(request))).site(site_id)
    basket = await site.baskets.owned(basket_id, token_info["customer"].customer_id)
    return respond(basket_document(basket), 200)


async def put_baskets_by_i_d_billing_address(
    site_id: str, version: str, basket_id: str, body: OrderAddress, token_info: dict
) -> Response:
    address = dump(body)
    site = (await sfcc(runtime_of(request))).site(site_id)
    basket = await site.baskets.owned(basket_id, token_info["customer"].customer_id)
    basket = await site.baskets.update(basket, {"billing_address": address})
    return respond(basket_document(basket), 200)


async def _credentials(site: Site) -> tuple[Customer, shapes.Customer]:
    """Basic login:password; a success moves the last login and visit into previous."""
    login, password = _basic(request.headers.get("authorization"))
    try:
        user = await site.customers.authenticate(login, password)
    except REFUSED:
        raise _failed("credentials") from None
    now = timestamp(await runtime_of(request).store.now())
    changes = {
        "previous_login_time": user.profile.get("last_login_time"),
        "previous_visit_time": user.profile.get("last_visit_time"),
        "last_login_time": now,
        "last_visit_time": now,
        "last_modified": now,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    updated = await site.customers.update_profile(user.id, changes)
    if updated is None:
        raise _failed("credentials")  # deleted by a reseed meanwhile
    return Customer(user.id, guest=False), registered_document(updated)


async def _session(site: Site, enforce_https: bool) -> tuple[Customer, shapes.Customer | None]:
    """The customer of a live storefront session whose secure token matches (none is read
    under Enforce HTTPS); profile timestamps stay as they are (not a real login)."""
    session_id = request.cookies.get("dwsid")
    secure_token = request.cookies.get(f"dwsecuretoken_{site.cookie_hash}")
    session = await site.sessions.refresh(session_id) if session_id else None
    if session is None:
        raise _failed("session")
    if not enforce_https and not (
        secure_token and matches(secure_token, session.data["secure_token"])
    ):
        raise _failed("session")
    if session.data["guest"]:
        return Customer(session.subject, guest=True), None
    user = await _registered(site, session.subject, _failed("session"))
    return Customer(user.id, guest=False), registered_document(user)


async def _refresh(
    state: Sfcc, site: Site, client_id: str
) -> tuple[Customer, shapes.Customer | None]:
    token = _bearer(request.headers.get("authorization"))
    customer, claims = await access.verify(state, site, token)
    if claims["iss"] != client_id:
        message = f"The client id '{client_id}' is not the token's."
        raise InvalidClientId(message, clientId=client_id)
    if customer.guest:
        return customer, None
    user = await _registered(
        site,
        customer.customer_id,
        InvalidAccessToken("The access token's customer may no longer log in.", accessToken=token),
    )
    return customer, registered_document(user)


async def _registered(site: Site, customer_id: str, refusal: Exception) -> User:
    """A registered customer who may still log in (not disabled, not locked out)."""
    user = await site.customers.by_id(customer_id)
    if user is None:
        raise refusal
    try:
        await site.customers.ensure_may_sign_in(user)
    except (AccountLocked, AccountInactive):
        raise refusal from None
    return user


def _basic(header: str | None) -> tuple[str, str]:
    try:
        credentials = basic_credentials(header)
    except ValueError:
        raise _failed("credentials") from None
    if credentials is None:
        raise BasicHeaderMissing("Type credentials needs an 'Authorization: Basic' header.")
    if not credentials[0]:
        raise _failed("credentials")
    return credentials


def _bearer(header: str | None) -> str:
    if not header:
        raise AuthorizationHeaderMissing("Type refresh needs an 'Authorization: Bearer' header.")
    token = bearer_token(header)
    if token is None:
        raise InvalidAuthorizationHeader("The Authorization header must be 'Bearer <jwt>'.")
    return token


def _failed(credential_type: str) -> CustomerAuthenticationFailed:
    return CustomerAuthenticationFailed(
        f"Customer authentication based on '{credential_type}' failed.",
        credentialType=credential_type,
    )
