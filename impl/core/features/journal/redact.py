"""Secrets out of what the journal keeps: headers, query strings, JSON and form bodies.

A name is secret when, lower-cased and without `_` and `-`, it ends with one of SECRET_WORDS
or its plural (password, newPassword, sessionToken, refresh_token, client_secret,
api_tokens, but not lastPasswordVerification nor token_type); a header also when it ends
with `session` or `apikey` (Vestiaire's `__session`). Values go, names stay: a cookie keeps
its name and attributes and an Authorization header its scheme, so that the journal still
shows what was sent. Text that does not parse (a body cut short, or malformed) is redacted
by pattern: its JSON members and its form pairs. A body without a secret name is kept as
it is, unparsed: the common case, and the cheap one.

How a value is hidden is a parameter (`hide`): the journal and `sessim record --redact`
(recordings/placeholders.py) both give each secret its keyed placeholder (placeholders.py),
under the Sessim's key and the recording's. It gets a form's values decoded, a JSON member's
value as parsed, and of Basic credentials the password alone (the user is no secret, and a
replay seeds the user it names).
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from ...kit.credentials import basic_credentials
from ...web.validation import MAX_DEPTH

SECRET_WORDS = ("password", "passwd", "secret", "token", "cookie", "authorization", "answer")
SECRET_HEADER_WORDS = (*SECRET_WORDS, "session", "apikey")
# `"name": value` members and `name=value` pairs, in text that does not parse.
JSON_NAME = re.compile(r'"([^"\\]{1,64})"\s*:')
JSON_MEMBER = re.compile(r'("([^"\\]{1,64})"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s{\[]+)')
FORM_PAIR = re.compile(r"(^|[&?;\s])([^=&?;\s]{1,64})=([^&;\s]*)")
# What a secret's value becomes, given the value.
Hide = Callable[[Any], Any]


class _TooDeep(Exception):
    pass


@functools.lru_cache(maxsize=4096)  # the same few names, request after request
def is_secret(name: str, words: tuple[str, ...] = SECRET_WORDS) -> bool:
    normal = name.lower().replace("_", "").replace("-", "")
    return any(normal.endswith(word) or normal.endswith(word + "s") for word in words)


def headers(pairs: Iterable[tuple[str, str]], hide: Hide) -> dict[str, str]:
    """Headers by lower-case name, secret values hidden; a repeated header's values are
    joined by ", " (Set-Cookie's, which may hold commas, by newlines)."""
    found: dict[str, str] = {}
    for name, value in pairs:
        lower = name.lower()
        shown = header_value(lower, value, hide)
        if lower in found:
            shown = found[lower] + ("\n" if lower == "set-cookie" else ", ") + shown
        found[lower] = shown
    return found


def header_value(name: str, value: str, hide: Hide) -> str:
    """A header's value (`name` lower-case), its secrets hidden: every cookie's value, the
    credentials after an Authorization scheme (of Basic ones the password), the whole value
    of a secret name."""
    if name == "cookie":
        return "; ".join(_cookie(part.strip(), hide) for part in value.split(";"))
    if name == "set-cookie":
        cookie, semicolon, attributes = value.partition(";")
        return _cookie(cookie.strip(), hide) + semicolon + attributes
    if name in ("authorization", "proxy-authorization"):
        scheme, _, credentials = value.strip().partition(" ")
        if scheme.lower() == "basic" and credentials:
            return f"{scheme} {_basic(value, credentials, hide)}"
        return f"{scheme} {hide(credentials)}" if credentials else hide(value)
    return hide(value) if is_secret(name, SECRET_HEADER_WORDS) else value


def _basic(value: str, credentials: str, hide: Hide) -> str:
    """Basic credentials with the password hidden (the user stays); all of them hidden when
    they are not base64 of UTF-8 `user:password`."""
    try:
        user, password = basic_credentials(value.strip()) or ("", "")
    except ValueError:
        return str(hide(credentials))
    return base64.b64encode(f"{user}:{hide(password)}".encode()).decode()


def _cookie(pair: str, hide: Hide) -> str:
    name, equals, value = pair.partition("=")
    return f"{name}={hide(value)}" if equals else pair


def form(text: str, hide: Hide) -> str:
    """A query string or form body, the values of secret names hidden and the rest as
    sent (still percent-encoded)."""
    return FORM_PAIR.sub(lambda match: _form_pair(match, hide), text)


def _form_pair(match: re.Match[str], hide: Hide) -> str:
    lead, name, value = match[1], match[2], match[3]
    return (
        f"{lead}{name}={hide(unquote_plus(value))}" if is_secret(unquote_plus(name)) else match[0]
    )


def body(text: str, content_type: str, hide: Hide) -> str:
    """A body's text, its secrets hidden: JSON and form bodies by their structure, anything
    else (or what fails to parse) by pattern."""
    if not _may_hold_secrets(text, content_type):
        return text
    if "json" in content_type:
        try:
            return json.dumps(_scrub(json.loads(text), 0, hide), ensure_ascii=False)
        except (ValueError, RecursionError, _TooDeep):
            pass
    elif "x-www-form-urlencoded" in content_type:
        return form(text, hide)
    return form(JSON_MEMBER.sub(lambda match: _json_member(match, hide), text), hide)


def _may_hold_secrets(text: str, content_type: str) -> bool:
    """Whether a body may name a secret: a secret word in it, then a secret name among its
    JSON names (a JSON body) or form names (a form), or either (anything else)."""
    lowered = text.lower()
    if not any(word in lowered for word in SECRET_WORDS):
        return False
    names: list[str] = []
    if "x-www-form-urlencoded" not in content_type:
        names += JSON_NAME.findall(text)
    if "json" not in content_type:
        names += [unquote_plus(match[2]) for match in FORM_PAIR.finditer(text)]
    return any(is_secret(name) for name in names)


def _json_member(match: re.Match[str], hide: Hide) -> str:
    if not is_secret(match[2]):
        return match[0]
    return f'{match[1]}"{hide(match[3].strip(chr(34)))}"'


def _scrub(value: Any, depth: int, hide: Hide) -> Any:
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, dict):
        return {
            key: hide(item) if is_secret(key) else _scrub(item, depth + 1, hide)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, depth + 1, hide) for item in value]
    return value
