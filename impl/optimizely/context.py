"""Who is calling and in which context: the website (by Host), the bearer's signed-in
session and user, and the language and currency (the session's, else the caller's
cookies, else the website's defaults). A change is kept in the session when signed in
and in cookies always, as the storefront's SiteContext does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connexion.middleware.abstract import ROUTING_CONTEXT

from ..core.kit.identities import User
from ..core.kit.runtime import runtime_of
from ..core.kit.sessions import Session
from ..generated.dicts import optimizely as shapes
from .catalog import Website
from .cookies import context_cookies, remember_until, signed_in_values
from .state import Optimizely, optimizely

COOKIE_OF = {"language": "CurrentLanguageId", "currency": "CurrentCurrencyId"}


@dataclass
class Caller:
    state: Optimizely
    website: Website
    token: dict | None  # a valid bearer's token_info: sub, sid, token
    session: Session | None  # the bearer's signed-in session
    user: User | None
    language: shapes.OptimizelyLanguage
    currency: shapes.OptimizelyCurrency
    now: float
    changes: dict = field(default_factory=dict)  # context changed by this request
    # The absolute URL of the API's mount on the request's scheme and host, which every
    # model's `uri` starts with ("" without a request: the admin's PunchOut start).
    root: str = ""

    @property
    def signed_in(self) -> bool:
        return self.session is not None and self.user is not None

    def link(self, path: str) -> str:
        """The absolute URL of a path of the API (its GET route)."""
        return f"{self.root}{path}"

    @property
    def data(self) -> dict:
        """The signed-in context, with this request's changes."""
        return {**(self.session.data if self.session else {}), **self.changes}

    def set_language(self, language: shapes.OptimizelyLanguage) -> None:
        self.language = language
        self.changes["language"] = language["id"]

    def set_currency(self, currency: shapes.OptimizelyCurrency) -> None:
        self.currency = currency
        self.changes["currency"] = currency["id"]


async def current(request: Any, token_info: dict | None) -> Caller:
    runtime = runtime_of(request)
    state = await optimizely(runtime)
    website = state.catalog.website_for(request.headers.get("host", ""))
    token = token_info if token_info and "sid" in token_info else None
    session = await state.sessions.get(token["sid"]) if token else None
    user = await state.identities.by_id(session.subject) if session else None
    if user is None:
        session = None  # a session whose user was deleted by a seed is no sign-in
    cookies = {key: request.cookies.get(name) for key, name in COOKIE_OF.items()}
    saved = session.data if session else cookies
    caller = caller_for(state, website, token, await runtime.store.now())
    caller.session, caller.user = session, user
    caller.root = root_of(request)
    caller.language = website.language(saved.get("language")) or caller.language
    caller.currency = website.currency(saved.get("currency")) or caller.currency
    return caller


def root_of(request: Any) -> str:
    """The request's scheme and host, and the base path its route was mounted at."""
    routing = request.scope.get("extensions", {}).get(ROUTING_CONTEXT, {})
    return str(request.base_url).rstrip("/") + routing.get("api_base_path", "")


def caller_for(state: Optimizely, website: Website, token: dict | None, now: float) -> Caller:
    """A caller not signed in, in the website's default language and currency."""
    language = website.language(website.default_language_id)
    currency = website.currency(website.default_currency_id)
    assert language is not None and currency is not None  # the defaults are the website's
    return Caller(state, website, token, None, None, language, currency, now)


async def save(caller: Caller) -> list[str]:
    """Keep this request's changes (in the signed-in session) and the cookies that say them."""
    if not caller.changes:
        return []
    if caller.signed_in:
        assert caller.session is not None and caller.user is not None
        updated = await caller.state.sessions.update(caller.session.id, caller.changes)
        caller.session, caller.changes = updated or caller.session, {}
        return signed_in_cookies(caller)
    cookies = {COOKIE_OF[key]: value for key, value in caller.changes.items() if key in COOKIE_OF}
    return context_cookies(cookies, None)


def signed_in_cookies(caller: Caller) -> list[str]:
    """The whole signed-in context as cookies (what sign-in and every change set)."""
    assert caller.user is not None
    data = caller.data
    values = signed_in_values(data, caller.user.id)
    return context_cookies(values, remember_until(caller.state.settings, data, caller.now))
