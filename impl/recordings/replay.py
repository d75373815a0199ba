"""A recording replayed against a running Sessim, interaction by interaction.

Calls to a Sessim's own admin API (a journal's HAR holds them) and to the hosts named with
--skip-host are left out (vendors.vendor_calls).
First Sessim is reset and seeded: the fixture inferred from the recording (each interaction
with its vendor) with the --seed file's sections over it. Then each interaction in its
order: the emulated clock stands still at the instant it was recorded (where the recording
says; it stays where it was where it does not), its request goes to Sessim with every value
an earlier answer handed out mapped to Sessim's (mapping.py) and the cookies the recorded
request sent (no cookie jar, no redirect followed), the values Sessim's answer hands out are
learned, and the two answers compared. The clock is the user's again after the reset (which
wipes it) and at the end: running on from where it was, or frozen at its instant.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..admin_client import AdminClient, AdminError, ClockTime
from ..core.web.api import Api
from .difference import Difference, Rules
from .mapping import ValueMap
from .model import HOP_BY_HOP, Interaction, Message
from .seeds import merged
from .vendors import Route, routes, vendor_calls

# The comparison of a recorded answer with Sessim's (compare.py's `compare`): the recorded
# interaction, Sessim's, the mapping of recorded values to Sessim's, the rules, and the
# vendor that answered.
Compare = Callable[
    [Interaction, Interaction, Callable[[str], str], Rules, Api], Sequence[Difference]
]
# The fixture a recording needs (seeds.py's `infer_seed`), by vendor section.
InferSeed = Callable[[list[tuple[Api, Interaction]]], dict]
# Request headers that belong to the connection the recording was made on, not to the call:
# httpx writes its own (and asks for no compression it could not undo).
CONNECTION = HOP_BY_HOP | {"host", "content-length", "accept-encoding", "expect"}


class ReplayError(Exception):
    """The replay could not run (Sessim does not answer, or refuses the admin calls)."""


@dataclass(frozen=True)
class Replayed:
    """A recorded interaction, where it went on Sessim, Sessim's answer, what differs."""

    recorded: Interaction
    api: Api
    actual: Interaction
    differences: Sequence[Difference]


@dataclass(frozen=True)
class Replay:
    """What a replay needs besides the recording."""

    url: str  # the running Sessim's root
    compare: Compare
    infer_seed: InferSeed
    rules: Rules
    maps: Mapping[str, str] = field(default_factory=dict)  # host -> vendor (--map)
    skip: frozenset[str] = frozenset()  # hosts whose calls are left out (--skip-host)
    seed: Mapping[str, Any] = field(default_factory=dict)  # --seed's fixture
    admin_token: str | None = None


def replay(interactions: Sequence[Interaction], how: Replay) -> list[Replayed]:
    """Each interaction replayed, in order; UnknownHost before any call when a host has no
    vendor, ReplayError when Sessim does not answer."""
    calls = vendor_calls(interactions, how.skip)
    routed = list(zip(calls, routes(calls, how.url, how.maps), strict=True))
    admin = AdminClient(how.url, how.admin_token)
    try:
        with _sessim_client() as http:
            return _replayed(routed, how, admin, http)
    except AdminError as error:
        raise ReplayError(str(error)) from error
    finally:
        admin.close()


def _replayed(
    routed: list[tuple[Interaction, Route]], how: Replay, admin: AdminClient, http: httpx.Client
) -> list[Replayed]:
    before, since = admin.clock.get(), time.monotonic()
    try:
        admin.reset()  # which sets the clock to the machine's: the user's comes back
        _put_back(admin, before, time.monotonic() - since)
        _set_clock(admin, next((i for i, _ in routed if i.started is not None), None))
        admin.seed(merged(how.infer_seed([(route.api, i) for i, route in routed]), how.seed))
        values = ValueMap()
        for route in {route.origin: route for _, route in routed}.values():
            values.add(route.origin, route.base)
        return [_one(interaction, route, how, admin, http, values) for interaction, route in routed]
    finally:
        _put_back(admin, before, time.monotonic() - since)


def _one(
    recorded: Interaction,
    route: Route,
    how: Replay,
    admin: AdminClient,
    http: httpx.Client,
    values: ValueMap,
) -> Replayed:
    _set_clock(admin, recorded)
    request = _request(recorded, route, values)
    try:
        response = http.send(request)
    except httpx.TransportError as error:
        reason = str(error) or type(error).__name__
        message = f"{recorded.source}: Sessim gave no answer to {request.url} ({reason})"
        raise ReplayError(message) from error
    actual = Interaction(
        method=request.method,
        url=str(request.url),
        request=Message(tuple(request.headers.multi_items()), request.content),
        status=response.status_code,
        response=Message(tuple(response.headers.multi_items()), response.content),
        started=recorded.started,
        elapsed=response.elapsed.total_seconds(),
        source=recorded.source,
    )
    values.learn(recorded.response, actual.response)
    differences = how.compare(recorded, actual, values.mapped, how.rules, route.api)
    return Replayed(recorded, route.api, actual, differences)


def _request(recorded: Interaction, route: Route, values: ValueMap) -> httpx.Request:
    """The recorded request as Sessim is to get it: at Sessim's URL, values mapped."""
    parts = urlsplit(recorded.url)
    headers = [
        (name.encode(), values.mapped(value).encode())  # UTF-8: what a HAR may hold
        for name, value in recorded.request.headers
        if name.lower() not in CONNECTION and not name.startswith(":")  # HTTP/2's pseudo
    ]
    target = values.request_target(parts.path, parts.query)
    return httpx.Request(
        recorded.method,
        route.base + target,
        headers=headers,
        content=values.body(recorded.request),
    )


def _sessim_client() -> httpx.Client:
    """A client that sends what it is given: no redirect followed, no cookie kept."""
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(follow_redirects=False, cookies=jar, timeout=30.0)


def _set_clock(admin: AdminClient, interaction: Interaction | None) -> None:
    """The clock stopped at the instant the interaction was sent, where that is known."""
    if interaction is not None and interaction.started is not None:
        admin.clock.set(interaction.started, frozen=True)


def _put_back(admin: AdminClient, before: ClockTime, elapsed: float) -> None:
    """The clock as it was: frozen at its instant, or running on from it."""
    if before.frozen:
        admin.clock.set(before.now, frozen=True)
    else:
        admin.clock.set(before.now + timedelta(seconds=elapsed), frozen=False)
