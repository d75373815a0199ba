"""The one place a journal entry is made from what a request saw: for the ring in the store
(GET /_admin/journal) and for the JSON log line alike. Secrets are hidden here, each behind
its keyed placeholder (placeholders.py), bodies are cut to BODY_CAP characters (the entry
says so), and answers 404 and 405 get their near misses."""

from __future__ import annotations

import json
from typing import Any

from ....generated.dicts.admin import JournalExchange, JournalMessage
from ...kit.instants import to_datetime
from ...web.routes import RouteTable
from . import redact
from .exchange import Captured, Exchange
from .nearmiss import STATUSES, near_misses
from .placeholders import Placeholders

BODY_CAP = 4096


def build(
    routes: RouteTable, exchange: Exchange, now: float, hidden: Placeholders
) -> tuple[float, JournalExchange]:
    """The entry's instant on the shared clock (the request's, else `now`) and the entry
    (but its id, which the ring gives it), its secrets `hidden`."""
    at = now if exchange.at is None else exchange.at
    api = exchange.api
    response_type = _content_type(exchange.response)
    response_text = _text(exchange.response)
    entry: JournalExchange = {
        "at": _iso(at),
        "wallTime": _iso(exchange.wall),
        "vendor": None if api is None else api.name,
        "operationId": exchange.operation_id,
        "method": exchange.method,
        "path": exchange.path,
        "query": redact.form(exchange.query.decode("latin-1"), hidden.hide),
        "status": exchange.status,
        "latencyMs": round(exchange.latency * 1000, 3),
        "errorCode": _error_code(
            () if api is None else api.error_code, exchange.status, response_text, response_type
        ),
        "request": _message(exchange.request, _text(exchange.request), hidden),
        "response": _message(exchange.response, response_text, hidden),
        "nearMisses": (
            near_misses(routes, exchange.method, exchange.path)
            if exchange.status in STATUSES
            else []
        ),
    }
    return at, entry


def _iso(epoch: float) -> str:
    return to_datetime(epoch).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _headers(captured: Captured) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in captured.headers]


def _content_type(captured: Captured) -> str:
    found = (value for name, value in captured.headers if name.lower() == b"content-type")
    return next(found, b"").decode("latin-1").lower()


def _text(captured: Captured) -> str:
    return captured.kept.decode("utf-8", errors="replace")


def _message(captured: Captured, text: str, hidden: Placeholders) -> JournalMessage:
    """A request or response: headers and body, secrets hidden, the body cut to BODY_CAP."""
    body = redact.body(text, _content_type(captured), hidden.hide) if text else None
    shown = None if body is None else body[:BODY_CAP]
    truncated = captured.size > len(captured.kept) or (body is not None and len(body) > BODY_CAP)
    return {
        "headers": redact.headers(_headers(captured), hidden.hide),
        "body": shown,
        "size": captured.size,
        "truncated": truncated,
    }


def _error_code(where: tuple[str | int, ...], status: int, text: str, media: str) -> str | None:
    """The vendor's error code in an error answer's JSON body, where its API keeps it."""
    if status < 400 or not where or "json" not in media:
        return None
    try:
        value: Any = json.loads(text)
    except (ValueError, RecursionError):
        return None
    for step in where:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return None if value is None else str(value)
