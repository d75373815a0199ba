"""The values a recording's answers handed out, each paired with the value Sessim handed out
in its place, and put in place of it wherever a later request uses it.

Learned from each recorded answer and Sessim's, side by side: JSON values at the same path,
Set-Cookie values by cookie name, other headers by name (word by word), and URLs (Location,
JSON links) path segment by segment from their ends and query value by name. A recorded
origin (https://dev-1.okta.com) pairs with Sessim's URL of it (its base path included).

Worth mapping (`worth_mapping`): a string without whitespace of at least 6 characters that
holds a digit (ids, session ids, tokens, cookie values), or of at least 20 without one (long
tokens of letters); an integer of at least 6 digits. Never booleans, smaller numbers, words,
dates, or values the two answers agree on. A value is replaced as a whole (letters or digits
next to it make it another value), in the path segments, query values, headers (cookies
among them) and bodies (JSON strings and numbers, form values, plain text) of requests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..core.web.recorded import json_body
from .model import Message

DATE = re.compile(r"\d{4}-\d\d-\d\d")
# Headers whose words are times and sizes, never something handed out; Set-Cookie and
# Location are paired by their own rules.
UNPAIRED = frozenset(
    {"date", "expires", "last-modified", "age", "retry-after", "content-length"}
    | {"x-rate-limit-reset", "x-ratelimit-reset", "set-cookie", "location"}
)


def worth_mapping(value: object) -> bool:
    """Whether a value handed out is an id or a secret to follow (see the module's rule)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) >= 100_000
    if not isinstance(value, str) or any(char.isspace() for char in value):
        return False
    if "://" in value or DATE.match(value):
        return False
    has_digit = any(char.isdigit() for char in value)
    return len(value) >= 20 or (has_digit and len(value) >= 6)


class ValueMap:
    """Recorded value -> Sessim's value, learned as the replay goes."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def add(self, recorded: str, actual: str) -> None:
        """Map `recorded` to `actual` from now on. The first pairing stays: it is the
        answer that handed the value out, where later answers may only echo it beside
        another (Okta's session read by id links itself by another id)."""
        if recorded != actual and recorded not in self._values:
            self._values[recorded] = actual
            self._pattern = None

    def get(self, recorded: str) -> str | None:
        return self._values.get(recorded)

    def mapped(self, text: str) -> str:
        """`text` with every mapped value in it replaced (a whole value, not part of one)."""
        if not self._values:
            return text
        if self._pattern is None:
            values = sorted(self._values, key=len, reverse=True)  # the longest first
            alternatives = "|".join(re.escape(value) for value in values)
            self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
        return self._pattern.sub(lambda match: self._values[match.group()], text)

    def learn(self, recorded: Message, actual: Message) -> None:
        """Pair what the recorded answer handed out with what Sessim's handed out."""
        self._pair_json(recorded, actual)
        self._pair_cookies(recorded, actual)
        self._pair_headers(recorded, actual)

    def _pair(self, recorded: object, actual: object) -> None:
        if isinstance(recorded, str) and isinstance(actual, str) and "://" in recorded:
            self._pair_urls(recorded, actual)
        elif worth_mapping(recorded) and worth_mapping(actual) and type(recorded) is type(actual):
            self.add(str(recorded), str(actual))

    def _pair_json(self, recorded: Message, actual: Message) -> None:
        documents = json_body(recorded), json_body(actual)
        if documents[0] is not None and documents[1] is not None:
            for pair in _side_by_side(*documents):
                self._pair(*pair)

    def _pair_cookies(self, recorded: Message, actual: Message) -> None:
        sessims = _cookies(actual.headers_named("set-cookie"))
        for name, value in _cookies(recorded.headers_named("set-cookie")).items():
            if name in sessims:
                self._pair(value, sessims[name])

    def _pair_headers(self, recorded: Message, actual: Message) -> None:
        for name, value in recorded.headers:
            sessims = actual.header(name)
            if sessims is None or name.lower() in UNPAIRED:
                continue
            words, actual_words = value.replace(",", " ").split(), sessims.replace(",", " ").split()
            if len(words) == len(actual_words):
                for pair in zip(words, actual_words, strict=True):
                    self._pair(*pair)
        for location, sessims in zip(
            recorded.headers_named("location"), actual.headers_named("location"), strict=False
        ):
            self._pair_urls(location, sessims)

    def _pair_urls(self, recorded: str, actual: str) -> None:
        """Path segments from the ends (Sessim's has its base path before them), and query
        values by name."""
        ours, theirs = urlsplit(recorded), urlsplit(actual)
        segments = zip(
            reversed(ours.path.split("/")), reversed(theirs.path.split("/")), strict=False
        )
        for pair in segments:
            self._pair(*map(unquote, pair))
        sessims = dict(parse_qsl(theirs.query))
        for name, value in parse_qsl(ours.query):
            if name in sessims:
                self._pair(value, sessims[name])

    def request_target(self, path: str, query: str) -> str:
        """A recorded path and query with the values mapped (segment by segment, value by
        value; what is unchanged keeps its recorded spelling)."""
        segments = [self._segment(segment) for segment in path.split("/")]
        target = "/".join(segments)
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            mapped = [(name, self.mapped(value)) for name, value in pairs]
            target += "?" + (query if mapped == pairs else urlencode(mapped))
        return target

    def _segment(self, segment: str) -> str:
        plain = unquote(segment)
        mapped = self.mapped(plain)
        return segment if mapped == plain else quote(mapped, safe="")

    def body(self, message: Message) -> bytes:
        """A request's body with the values mapped: a JSON document's strings and numbers, a
        form's values, plain text; other bytes as they are."""
        kind = message.media_type() or ""
        document = json_body(message) if "json" in kind else None
        if document is not None:
            changed = _replace_values(document, self._mapped_value)
            return message.body if changed == document else json.dumps(changed).encode()
        try:
            text = message.body.decode()
        except UnicodeDecodeError:
            return message.body
        if kind == "application/x-www-form-urlencoded":
            pairs = parse_qsl(text, keep_blank_values=True)
            mapped = [(name, self.mapped(value)) for name, value in pairs]
            return message.body if mapped == pairs else urlencode(mapped).encode()
        return self.mapped(text).encode()

    def _mapped_value(self, value: object) -> object:
        if isinstance(value, str):
            return self.mapped(value)
        if worth_mapping(value):
            found = self.get(str(value))
            return int(found) if found is not None and found.lstrip("-").isdigit() else value
        return value


def _side_by_side(recorded: Any, actual: Any) -> Iterator[tuple[object, object]]:
    """The values of two JSON documents at the same paths (keys both have, indexes both have)."""
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key in recorded.keys() & actual.keys():
            yield from _side_by_side(recorded[key], actual[key])
    elif isinstance(recorded, list) and isinstance(actual, list):
        for pair in zip(recorded, actual, strict=False):
            yield from _side_by_side(*pair)
    else:
        yield recorded, actual


def _replace_values(document: Any, replace: Callable[[object], object]) -> Any:
    if isinstance(document, dict):
        return {key: _replace_values(value, replace) for key, value in document.items()}
    if isinstance(document, list):
        return [_replace_values(value, replace) for value in document]
    return replace(document)


def _cookies(lines: list[str]) -> dict[str, str]:
    """The cookies that Set-Cookie lines set: name -> value (what comes before the first ;)."""
    pairs = (line.split(";", 1)[0].partition("=") for line in lines)
    return {name.strip(): value.strip() for name, _, value in pairs if name.strip()}
