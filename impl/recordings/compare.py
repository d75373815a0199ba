"""What a replay compares between a recorded answer and Sessim's answer to the same request,
each difference with the reason it matters (docs/replay.md, "What a replay compares"):

- the status;
- the media type of Content-Type, its parameters ignored: clients pick a parser by the media
  type, and servers and proxies spell `charset` freely (UTF-8, utf-8, none) where JSON is
  UTF-8 anyway;
- the cookies set and cleared (cookies.py): by name, whether cleared, Path and SameSite's
  values, whether Domain, HttpOnly, Secure, Max-Age and Expires are there; never values;
- the vendor's own headers: the rate-limit family X-Rate-Limit-* (the same names, and the
  same X-Rate-Limit-Limit: a quota, not a count), Retry-After's presence, Location's target
  (targets.py), WWW-Authenticate's scheme and `error`, the scheme of an Authorization answer
  header (SFCC's JWT); other headers (Date, Server, request ids, caching) are the servers';
- the body (bodies.py).

`--ignore-header NAME` leaves a header out (Set-Cookie: every cookie; Content-Type: the media
type); `--ignore JSONPATH` a place of JSON bodies and everything under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..core.web.api import Api
from ..core.web.recorded import json_body
from .bodies import BodyRules, json_differences, text_differences
from .cookies import PRESENCE, VALUED, Cookie, set_cookies
from .difference import Difference, Rules
from .jsonpath import parse_path
from .model import Interaction, Message
from .targets import same_target

RATE_LIMITS = "x-rate-limit-"
QUOTA = "x-rate-limit-limit"

__all__ = ["Difference", "Rules", "compare"]


def compare(
    recorded: Interaction,
    actual: Interaction,
    mapped: Callable[[str], str],
    rules: Rules,
    vendor: Api | None = None,
) -> list[Difference]:
    """Every difference of Sessim's answer (`actual`) from the recorded one, in the order
    status, content type, headers, cookies, body. `mapped`: a value the recording handed out
    -> Sessim's in its place (itself when unknown). `vendor`: the API that answered, whose
    error codes, summaries and per-call keys the body check takes."""
    skipped = {name.lower() for name in rules.ignore_headers}
    was, now = recorded.response, actual.response
    return [
        *_status(recorded.status, actual.status),
        *([] if "content-type" in skipped else _media_type(was, now)),
        *_headers(was, now, mapped, skipped),
        *([] if "set-cookie" in skipped else _cookies(was, now)),
        *_body(was, now, _body_rules(mapped, rules, vendor)),
    ]


def _status(recorded: int, actual: int) -> Iterator[Difference]:
    if recorded != actual:
        why = "clients branch on the status first"
        yield Difference("status", "status", recorded, actual, why)


def _media_type(recorded: Message, actual: Message) -> Iterator[Difference]:
    was, now = recorded.media_type(), actual.media_type()
    if was is not None and was != now:
        why = "clients choose how to read the body by its media type"
        yield Difference("content-type", "Content-Type", was, now, why)


def _headers(
    recorded: Message, actual: Message, mapped: Callable[[str], str], skipped: set[str]
) -> Iterator[Difference]:
    yield from _rate_limits(recorded, actual, skipped)
    for name in ("Retry-After", "Location", "WWW-Authenticate", "Authorization"):
        was, now = recorded.header(name), actual.header(name)
        if name.lower() in skipped or (was is None and now is None):
            continue
        if was is None or now is None:
            why = "a header of the vendor's that clients read"
            yield Difference("header", name, was, now, why)
        elif not _same_header(name, was, now, mapped):
            yield Difference("header", name, was, now, _HEADER_WHY[name])


_HEADER_WHY = {
    "Location": "the recorded answer sends the client elsewhere (ids mapped)",
    "WWW-Authenticate": "another scheme or OAuth error tells the client to authenticate otherwise",
    "Authorization": "the token the answer hands out is of another scheme",
}


def _same_header(name: str, recorded: str, actual: str, mapped: Callable[[str], str]) -> bool:
    if name == "Location":
        return same_target(recorded, actual, mapped)
    if name == "WWW-Authenticate":
        return _challenge(recorded) == _challenge(actual)
    if name == "Authorization":
        return recorded.split()[0].lower() == actual.split()[0].lower()
    return True  # Retry-After: its presence; its value is a time left


def _challenge(value: str) -> tuple[str, str | None]:
    """A WWW-Authenticate's scheme and its `error` parameter (realm and description vary by
    host and wording)."""
    scheme, _, parameters = value.strip().partition(" ")
    found = (part.strip().partition("=") for part in parameters.split(","))
    errors = [value.strip().strip('"') for key, _, value in found if key.lower() == "error"]
    return scheme.lower(), next(iter(errors), None)


def _rate_limits(recorded: Message, actual: Message, skipped: set[str]) -> Iterator[Difference]:
    was, now = _family(recorded, skipped), _family(actual, skipped)
    for name in sorted(was.keys() - now.keys()):
        why = "the vendor tells clients their rate limit; Sessim's answer does not"
        yield Difference("header", name, was[name], None, why)
    for name in sorted(now.keys() - was.keys()):
        why = "Sessim sends a rate-limit header the recorded answer has not"
        yield Difference("header", name, None, now[name], why)
    if QUOTA in was and QUOTA in now and was[QUOTA] != now[QUOTA]:
        why = "another quota: clients pace themselves by it"
        yield Difference("header", "X-Rate-Limit-Limit", was[QUOTA], now[QUOTA], why)


def _family(message: Message, skipped: set[str]) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in message.headers
        if name.lower().startswith(RATE_LIMITS) and name.lower() not in skipped
    }


def _cookies(recorded: Message, actual: Message) -> Iterator[Difference]:
    was = set_cookies(recorded.headers_named("Set-Cookie"), recorded.header("Date"))
    now = set_cookies(actual.headers_named("Set-Cookie"), actual.header("Date"))
    for name in sorted(was.keys() - now.keys()):
        why = f"the recorded answer {_verb(was[name])} this cookie; Sessim's leaves it alone"
        yield Difference("cookie", f"cookie {name}", _verb(was[name]), None, why)
    for name in sorted(now.keys() - was.keys()):
        why = f"Sessim's answer {_verb(now[name])} a cookie the recorded one leaves alone"
        yield Difference("cookie", f"cookie {name}", None, _verb(now[name]), why)
    for name in sorted(was.keys() & now.keys()):
        yield from _cookie(was[name], now[name])


def _verb(cookie: Cookie) -> str:
    return "clears" if cookie.cleared else "sets"


def _cookie(recorded: Cookie, actual: Cookie) -> Iterator[Difference]:
    where = f"cookie {recorded.name}"
    if recorded.cleared != actual.cleared:
        why = "one answer clears the cookie, the other sets it: the browser's session differs"
        yield Difference("cookie", where, _verb(recorded), _verb(actual), why)
        return
    # A cleared cookie is gone whichever of Max-Age and Expires cleared it.
    lifetimes = ("Max-Age", "Expires") if recorded.cleared else ()
    for attribute in (name for name in PRESENCE if name not in lifetimes):
        was, now = attribute in recorded.attributes, attribute in actual.attributes
        if was != now:
            why = "the browser keeps, sends or exposes the cookie otherwise"
            yield Difference("cookie", f"{where}; {attribute}", was, now, why)
    for attribute in VALUED:
        was_value = recorded.attributes.get(attribute, "").lower()
        now_value = actual.attributes.get(attribute, "").lower()
        if was_value != now_value:
            why = "the browser sends the cookie on other requests"
            yield Difference(
                "cookie", f"{where}; {attribute}", recorded.attributes.get(attribute),
                actual.attributes.get(attribute), why,
            )  # fmt: skip


def _body_rules(mapped: Callable[[str], str], rules: Rules, vendor: Api | None) -> BodyRules:
    ignore = tuple(parse_path(text) for text in rules.ignore)
    if vendor is None:
        return BodyRules(mapped, ignore)
    known = vendor.recorded
    codes = ((vendor.error_code,) if vendor.error_code else ()) + known.codes
    return BodyRules(mapped, ignore, codes, known.summaries, known.varying)


def _body(recorded: Message, actual: Message, rules: BodyRules) -> list[Difference]:
    if not recorded.body:
        return []
    was = json_body(recorded)
    if was is None:
        return text_differences(recorded.body, actual.body)
    now = json_body(actual)
    if now is None:
        why = "the recorded answer's body is JSON; clients parse it"
        return [Difference("body", "body", "JSON", "empty" if not actual.body else "not JSON", why)]
    return json_differences(was, now, rules)
