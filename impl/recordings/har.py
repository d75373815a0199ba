"""Interactions written as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the
document `sessim record` writes and the journal's `format=har` answers, typed by the admin
spec's Har schemas (the answer's description there is the truth).

What a recording does not hold is written as HAR's "not known": headersSize -1, HTTP/1.1,
the reason phrase of the status; an interaction without its start is dated by its answer's
Date header, else the Unix epoch. Bodies that are not UTF-8 go in base64: an answer's says
so (content.encoding), a request's cannot (HAR's postData has no such field).
"""

from __future__ import annotations

import base64
import importlib.metadata
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

from ..generated.dicts.admin import (
    Har,
    HarContent,
    HarCookie,
    HarCreator,
    HarEntry,
    HarPair,
    HarRequest,
    HarResponse,
)
from .model import Interaction, Message, http_date

HTTP_VERSION = "HTTP/1.1"
EPOCH = datetime.fromtimestamp(0, UTC)
# Set-Cookie's flags and attributes, by lower-case name, as HAR's cookie names them.
COOKIE_FLAGS = {"httponly": "httpOnly", "secure": "secure"}
COOKIE_ATTRIBUTES = {"path": "path", "domain": "domain", "samesite": "sameSite"}


def document(entries: Iterable[HarEntry]) -> Har:
    """A HAR document of these entries, in their order."""
    creator: HarCreator = {"name": "Sessim", "version": importlib.metadata.version("sessim")}
    return {"log": {"version": "1.2", "creator": creator, "entries": list(entries)}}


def entry(interaction: Interaction, comment: str = "") -> HarEntry:
    """One interaction as a HAR entry; `comment` says what it leaves out, if anything."""
    elapsed = round((interaction.elapsed or 0.0) * 1000, 3)
    written: HarEntry = {
        "startedDateTime": _iso(_started(interaction)),
        "time": elapsed,
        "request": _request(interaction),
        "response": _response(interaction),
        "cache": {},
        "timings": {"send": 0, "wait": elapsed, "receive": 0},
    }
    if comment:
        written["comment"] = comment
    return written


def _started(interaction: Interaction) -> datetime:
    return interaction.started or interaction.response.date() or EPOCH


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _request(interaction: Interaction) -> HarRequest:
    sent = interaction.request
    query = urlsplit(interaction.url).query
    written: HarRequest = {
        "method": interaction.method,
        "url": interaction.url,
        "httpVersion": HTTP_VERSION,
        "cookies": _sent_cookies(sent),
        "headers": _pairs(sent.headers),
        "queryString": _pairs(parse_qsl(query, keep_blank_values=True)),
        "headersSize": -1,
        "bodySize": len(sent.body),
    }
    if sent.body:
        text, _encoding = _text(sent.body)
        written["postData"] = {"mimeType": _media(sent), "text": text}
    return written


def _response(interaction: Interaction) -> HarResponse:
    answer = interaction.response
    return {
        "status": interaction.status,
        "statusText": _reason(interaction.status),
        "httpVersion": HTTP_VERSION,
        "cookies": [_set_cookie(value) for value in answer.headers_named("Set-Cookie")],
        "headers": _pairs(answer.headers),
        "content": _content(answer),
        "redirectURL": answer.header("Location") or "",
        "headersSize": -1,
        "bodySize": len(answer.body),
    }


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _pairs(pairs: Iterable[tuple[str, str]]) -> list[HarPair]:
    return [{"name": name, "value": value} for name, value in pairs]


def _media(message: Message) -> str:
    return message.header("Content-Type") or ""


def _text(body: bytes) -> tuple[str, str | None]:
    """The body as HAR text, and its encoding: UTF-8 text as it is, else base64."""
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def _content(answer: Message) -> HarContent:
    content: HarContent = {"size": len(answer.body), "mimeType": _media(answer)}
    if answer.body:
        content["text"], encoding = _text(answer.body)
        if encoding is not None:
            content["encoding"] = "base64"
    return content


def _sent_cookies(sent: Message) -> list[HarCookie]:
    cookies: list[HarCookie] = []
    for header in sent.headers_named("Cookie"):
        for pair in header.split(";"):
            name, equals, value = pair.strip().partition("=")
            if equals:
                cookies.append({"name": name, "value": value})
    return cookies


def _set_cookie(header: str) -> HarCookie:
    """A Set-Cookie header as HAR's cookie: its name, value and the attributes HAR names."""
    pair, *attributes = header.split(";")
    name, _equals, value = pair.strip().partition("=")
    cookie: HarCookie = {"name": name, "value": value}
    for attribute in attributes:
        key, _equals, given = attribute.strip().partition("=")
        lower = key.lower()
        if lower in COOKIE_FLAGS:
            cookie[COOKIE_FLAGS[lower]] = True  # type: ignore[literal-required]
        elif lower in COOKIE_ATTRIBUTES:
            cookie[COOKIE_ATTRIBUTES[lower]] = given  # type: ignore[literal-required]
        elif lower == "expires":
            cookie["expires"] = _expires(given)
    return cookie


def _expires(text: str) -> str:
    instant = http_date(text)
    return text if instant is None else _iso(instant)
