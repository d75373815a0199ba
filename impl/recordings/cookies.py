"""The cookies an answer sets and clears, as a replay compares them: by name, with their
attributes and whether they are cleared, never their values (a session cookie's value is
handed out per call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import http_date

# Attributes whose presence alone matters: Domain's value is the vendor's host, which Sessim
# cannot have; Max-Age's and Expires' values are instants or lifetimes of this call.
PRESENCE = ("Domain", "HttpOnly", "Secure", "Max-Age", "Expires")
# Attributes whose value matters (in any case for SameSite, as browsers read it).
VALUED = ("Path", "SameSite")


@dataclass(frozen=True)
class Cookie:
    name: str
    attributes: dict[str, str]  # by canonical name (PRESENCE, VALUED); others left out
    cleared: bool


def set_cookies(values: list[str], date: str | None) -> dict[str, Cookie]:
    """The cookies of an answer's Set-Cookie headers by name (the last of a name wins).
    `date`: the answer's Date, before which an Expires clears the cookie. A value may hold
    several, one a line (browsers' HAR exports join an HTTP/2 answer's so)."""
    lines = (line for value in values for line in value.split("\n") if line.strip())
    cookies = (_cookie(line, http_date(date)) for line in lines)
    return {cookie.name: cookie for cookie in cookies if cookie.name}


def _cookie(value: str, now: datetime | None) -> Cookie:
    pair, *rest = value.split(";")
    name = pair.partition("=")[0]
    known = {name.lower(): name for name in (*PRESENCE, *VALUED)}
    attributes = {}
    for attribute in rest:
        key, _, attribute_value = attribute.strip().partition("=")
        if key.lower() in known:
            attributes[known[key.lower()]] = attribute_value.strip()
    return Cookie(name.strip(), attributes, _cleared(attributes, now))


def _cleared(attributes: dict[str, str], now: datetime | None) -> bool:
    """Max-Age zero or less, or else Expires in the past (at or before the answer's Date;
    before 2000 without one), clears a cookie, whatever its value."""
    max_age = attributes.get("Max-Age", "")
    if max_age.lstrip("-").isdigit():
        return int(max_age) <= 0
    expires = http_date(attributes.get("Expires"))
    if expires is None:
        return False
    limit = now or datetime(2000, 1, 1, tzinfo=expires.tzinfo)
    return expires <= limit
