"""Fault rules: on the vendor calls a rule matches, an error status in the vendor's own
format, a delay, or a dropped connection, in place of (or before) the real answer.

Rules are state like any other: kept in the store (every worker sees them, a reset wipes
them) and counted there with atomic counters, so that a rule for the next N calls faults N
calls however many workers serve them. Each process caches them until the store's
generation moves (adding or removing a rule moves it), so that a request meets no rule at
the price of one comparison. The app factory puts this layer between each vendor's edge
and connexion: the injected answer carries what the edge puts on every answer (Okta's
request id and rate-limit headers), and the admin API is never faulted.
"""

from __future__ import annotations

import asyncio
import fnmatch
import functools
import logging
import random
import secrets
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import NoReturn

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kit.instants import LATEST
from ..kit.runtime import SCOPE_KEY, Runtime
from ..kit.store import Store
from ..web.api import Api
from ..web.asgi import set_response_headers, to_asgi
from ..web.problems import Problem, kind_of_status
from ..web.routes import RouteTable

log = logging.getLogger("sessim")

TAG = "sessim:faults"
ORDER_KEY = "sessim:faults:order"
# Rules and their two counters under prefixes that no rule id can reach across.
RULE_PREFIX = "sessim:fault:"
MATCHED_PREFIX = "sessim:fault-matched:"
FIRED_PREFIX = "sessim:fault-fired:"
# Counters that outlive any move of the clock, which stays before the year 3000.
FOREVER = LATEST


class Action(StrEnum):
    STATUS = "status"  # answer this status, in the vendor's error format
    DELAY = "delay"  # wait, then serve the call
    DROP = "drop"  # close the connection without an answer


@dataclass(frozen=True)
class Rule:
    """What a rule matches (None: anything) and what it does to the calls it matches."""

    action: Action
    vendor: str | None = None
    operation_id: str | None = None
    path: str | None = None  # a glob over the request path (fnmatch: `*` crosses `/`)
    method: str | None = None
    status: int = 500
    delay_ms: int = 0
    delay_max_ms: int | None = None  # a random delay between delay_ms and this
    times: int | None = None  # the next N calls that match; None: until removed
    probability: float = 1.0
    id: str = ""  # both given by add()
    order: int = 0  # rules are tried in the order they were added

    def matches(self, vendor: str, method: str, path: str, operation_id: str | None) -> bool:
        return (
            self.vendor in (None, vendor)
            and self.method in (None, method)
            and (self.path is None or fnmatch.fnmatchcase(path, self.path))
            and (self.operation_id is None or self.operation_id == operation_id)
        )

    def delay(self) -> float:
        """Seconds to wait: delay_ms, or a random span between it and delay_max_ms."""
        high = self.delay_ms if self.delay_max_ms is None else self.delay_max_ms
        return random.uniform(self.delay_ms, high) / 1000


@dataclass(frozen=True)
class Counted:
    """A rule and its counters: calls that matched it, and calls it acted on (of `times`)."""

    rule: Rule
    matched: int
    fired: int

    @property
    def remaining(self) -> int | None:
        return None if self.rule.times is None else max(0, self.rule.times - self.fired)


async def add(store: Store, draft: Rule) -> Rule:
    """Keep the rule under a new id, last in order; every worker picks it up."""
    order = (await store.incr(ORDER_KEY, FOREVER)).value
    rule = replace(draft, id=secrets.token_hex(8), order=order)
    await store.put(RULE_PREFIX + rule.id, asdict(rule), tags=[TAG])
    await store.bump_generation()
    return rule


async def rules(store: Store) -> list[Rule]:
    """The rules in the order they were added."""
    found = await store.tagged(TAG)
    made = [Rule(**{**value, "action": Action(value["action"])}) for value in found.values()]
    return sorted(made, key=lambda rule: rule.order)


async def counted(store: Store) -> list[Counted]:
    return [
        Counted(
            rule, await _count(store, MATCHED_PREFIX, rule), await _count(store, FIRED_PREFIX, rule)
        )
        for rule in await rules(store)
    ]


async def remove(store: Store, rule_id: str) -> bool:
    """False when no rule has this id."""
    if not await store.delete(RULE_PREFIX + rule_id):
        return False
    await store.delete(MATCHED_PREFIX + rule_id)
    await store.delete(FIRED_PREFIX + rule_id)
    await store.bump_generation()
    return True


async def clear(store: Store) -> None:
    for rule in await rules(store):
        await remove(store, rule.id)


async def _count(store: Store, prefix: str, rule: Rule) -> int:
    return int(await store.get(prefix + rule.id) or 0)


async def fires(store: Store, rule: Rule) -> bool:
    """Counts the match; True when the rule acts on this call: its dice, then its count
    (an atomic increment, so that workers racing for the last of `times` cannot both win)."""
    await store.incr(MATCHED_PREFIX + rule.id, FOREVER)
    if random.random() >= rule.probability:
        return False
    if rule.times is None:
        return True
    return (await store.incr(FIRED_PREFIX + rule.id, FOREVER)).value <= rule.times


class ConnectionDropped(Exception):
    """A fault rule dropped the connection: the server closes it without an answer."""


class _QuietDrops(logging.Filter):
    """uvicorn logs an application's exception with its traceback: a drop is no failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


QUIET_DROPS = _QuietDrops()
# uvicorn answers an exception raised before the response starts with a 500, and closes
# the connection on one raised after. It counts the response as started when it is handed
# http.response.start, then checks the headers before it writes a byte: a header it
# refuses leaves a started response with nothing on the wire, so the exception that
# follows closes the connection without an answer (httptools and h11 alike). Its access
# log line shows 444, nginx's status for a connection closed without a response.
REFUSED_START: Message = {
    "type": "http.response.start",
    "status": 444,
    "headers": [(b"x-sessim-drop", b"\n")],
}


class Faults:
    """The fault rules, on the requests of one vendor's mount."""

    def __init__(self, app: ASGIApp, api: Api, routes: RouteTable) -> None:
        self.app = app
        self.api = api
        self.routes = routes
        logging.getLogger("uvicorn.error").addFilter(QUIET_DROPS)  # once: filters are a set

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime: Runtime = scope[SCOPE_KEY]
        found = runtime.kept(TAG)
        if found is None:
            found = await runtime.cached(TAG, functools.partial(rules, runtime.store))
        # With no rule, this is all a request pays: the cache's check of the generation.
        if not found or not await self._answered(found, scope, receive, send):
            await self.app(scope, receive, send)

    async def _answered(
        self, found: list[Rule], scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Runs the rules that act on this call, in order: delays add up, and a status or a
        drop ends the call. True when the call got its answer here."""
        store: Store = scope[SCOPE_KEY].store
        method, path = scope["method"], scope["path"]
        operation_id = self.routes.operation_at(method, path)
        for rule in found:
            if not rule.matches(self.api.name, method, path, operation_id):
                continue
            if not await fires(store, rule):
                continue
            if rule.action is Action.DELAY:
                await asyncio.sleep(rule.delay())
            elif rule.action is Action.DROP:
                await _drop(rule, scope, receive, send)
            else:
                await self._answer(rule, operation_id, scope, receive, send)
                return True
        return False

    async def _answer(
        self, rule: Rule, operation_id: str | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """The rule's status in the format of the operation's errors. A 429's window ends
        now: a client that waits for its reset retries at once."""
        now = await scope[SCOPE_KEY].store.now()
        kind = kind_of_status(rule.status)
        problem = Problem(kind, "", rule.status, until=now, injected=True)
        handler = self.api.handler(operation_id) if operation_id else None
        response = self.api.renderer(handler)(problem)
        # Its headers win over those the edge recorded (Okta's bucket usage on a 429).
        set_response_headers(scope, response.headers)
        await to_asgi(response)(scope, receive, send)


async def _drop(rule: Rule, scope: Scope, receive: Receive, send: Send) -> NoReturn:
    log.info("fault rule %s drops %s %s", rule.id, scope["method"], scope["path"])
    await _drain(receive)
    try:
        await send(REFUSED_START)
    except Exception as refused:  # uvicorn's refusal: nothing was written
        raise ConnectionDropped(rule.id) from refused
    raise ConnectionDropped(rule.id)  # a server that took the header: the answer breaks off


async def _drain(receive: Receive) -> None:
    """Read the request's body to its end before the connection closes: closed with bytes
    of it unread (or still on their way: httpx sends a body after the headers), a socket
    ends with a reset (ECONNRESET) rather than a clean end of the stream. Only while the
    body goes on: uvicorn's receive after the body's last part waits for the client to
    disconnect. No layer outside this one reads the body (the body limit is inside
    connexion), so the first part is still to come."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
