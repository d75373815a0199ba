"""A recorded answer's body against Sessim's.

JSON bodies: the same keys at every depth (neither missing nor extra), the same JSON types
(integer and decimal are both numbers), arrays of the same length, and equal values except
those that vary per call. A value varies per call when:

- the recording handed it out and the replay knows Sessim's in its place (`mapped` changes
  it): then Sessim's answer must hold that one (a read answers the id its create gave);
- its key names an id, a token, a secret or an instant (its words, camelCase or snake_case
  split: id, token, secret, nonce, jti, sid, at, time, timestamp, date, created, updated,
  modified, changed, iat, exp, nbf), or is one of the vendor's own (Recorded.varying);
- it is a date-time (ISO 8601, or an HTTP date), whatever its key.

A URL (http:// or https://) is compared as a target (targets.py): its path, ids mapped, must
end Sessim's, since host and base path differ. Error codes and summaries (the vendor's
Api.error_code, Recorded.codes and summaries) are always compared, whatever their key.

Other bodies: when the recorded one is empty nothing is compared (recordings often leave
bodies out). Short texts (up to 200 characters, not HTML) must be equal: they are fixed
messages. Longer texts, HTML pages and binary bodies are not compared: they carry per-call
nonces and markup the vendor changes without notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from ..core.web.recorded import BodyPath
from .difference import Difference
from .jsonpath import JsonPath, Place, written
from .targets import same_target

VARYING_WORDS = frozenset(
    {"id", "ids", "uuid", "guid", "token", "secret", "nonce", "jti", "sid"}
    | {"at", "time", "timestamp", "date", "created", "updated", "modified", "changed"}
    | {"iat", "exp", "nbf"}
)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# A summary's words, as ids are spelled (Okta's 102..., a UUID), for the mapping.
_SUMMARY_WORD = re.compile(r"[A-Za-z0-9_~.-]+")
_ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
SHORT_TEXT = 200
JSON_TYPES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),  # before number: a bool is an int to Python
    ((int, float), "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


@dataclass(frozen=True)
class BodyRules:
    mapped: Callable[[str], str]
    ignore: tuple[JsonPath, ...] = ()
    codes: tuple[BodyPath, ...] = ()
    summaries: tuple[BodyPath, ...] = ()
    varying: frozenset[str] = frozenset()


def json_differences(recorded: Any, actual: Any, rules: BodyRules) -> list[Difference]:
    return list(_walk(recorded, actual, (), rules))


def text_differences(recorded: bytes, actual: bytes) -> list[Difference]:
    """A short recorded text must come back equal; other texts and binary bodies are not
    compared (the module's docstring says why)."""
    try:
        text, answered = recorded.decode().strip(), actual.decode().strip()
    except UnicodeDecodeError:
        return []
    if len(text) > SHORT_TEXT or text.startswith("<") or text == answered:
        return []
    why = "a short text answer is a fixed message, which clients show or match"
    return [Difference("body", "body", text, answered, why)]


def json_type(value: Any) -> str:
    return next((name for kind, name in JSON_TYPES if isinstance(value, kind)), "null")


def _walk(recorded: Any, actual: Any, place: Place, rules: BodyRules) -> Iterator[Difference]:
    if _ignored(place, rules):
        return
    was, now = json_type(recorded), json_type(actual)
    if was != now:
        why = "clients parse this place as its recorded JSON type"
        yield Difference("type", written(place), was, now, why)
    elif was == "object":
        yield from _object(recorded, actual, place, rules)
    elif was == "array":
        yield from _array(recorded, actual, place, rules)
    else:
        yield from _value(recorded, actual, place, rules)


def _object(recorded: dict, actual: dict, place: Place, rules: BodyRules) -> Iterator[Difference]:
    for key in recorded:
        if key not in actual and not _ignored((*place, key), rules):
            why = "the recorded answer has this key; a client reading it finds nothing"
            yield Difference("key", written((*place, key)), "present", "missing", why)
    for key in actual:
        if key not in recorded and not _ignored((*place, key), rules):
            why = "Sessim answers a key the recorded answer does not have"
            yield Difference("key", written((*place, key)), "missing", "present", why)
    for key in (key for key in recorded if key in actual):  # in the recorded order
        yield from _walk(recorded[key], actual[key], (*place, key), rules)


def _array(recorded: list, actual: list, place: Place, rules: BodyRules) -> Iterator[Difference]:
    if len(recorded) != len(actual):
        why = "the recorded answer lists another number of items"
        yield Difference("length", written(place), len(recorded), len(actual), why)
    for index, (was, now) in enumerate(zip(recorded, actual, strict=False)):
        yield from _walk(was, now, (*place, index), rules)


def _value(recorded: Any, actual: Any, place: Place, rules: BodyRules) -> Iterator[Difference]:
    where = written(place)
    if _declared(place, rules.codes):
        if recorded != actual:
            why = "clients branch on the vendor's error code"
            yield Difference("error-code", where, recorded, actual, why)
    elif _declared(place, rules.summaries):
        if _words_mapped(recorded, rules) != actual:
            why = "the vendor's error summary, which clients show or match"
            yield Difference("summary", where, recorded, actual, why)
    elif isinstance(recorded, str) and rules.mapped(recorded) != recorded:
        if rules.mapped(recorded) != actual:
            why = "not the value Sessim handed out in place of the recorded one"
            yield Difference("value", where, rules.mapped(recorded), actual, why)
    elif not _varies(recorded, place, rules) and not _same(recorded, actual, rules):
        why = "a value that does not vary per call (not an id, a token or an instant)"
        yield Difference("value", where, recorded, actual, why)


def _words_mapped(summary: Any, rules: BodyRules) -> Any:
    """A summary with each of its words mapped: Okta's 404 names the session id it missed."""
    return (
        _SUMMARY_WORD.sub(lambda word: rules.mapped(word[0]), summary)
        if isinstance(summary, str)
        else summary
    )


def _same(recorded: Any, actual: Any, rules: BodyRules) -> bool:
    if isinstance(recorded, str) and isinstance(actual, str) and _is_url(recorded):
        return same_target(recorded, actual, rules.mapped)
    return bool(recorded == actual)


def _varies(recorded: Any, place: Place, rules: BodyRules) -> bool:
    key = next((step for step in reversed(place) if isinstance(step, str)), "")
    words = {word.lower() for word in _WORD.findall(key)}
    return bool(words & VARYING_WORDS) or key in rules.varying or _is_instant(recorded)


def _is_instant(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if _ISO_INSTANT.match(value):
        return True
    try:
        return parsedate_to_datetime(value) is not None
    except (TypeError, ValueError, IndexError):
        return False


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _declared(place: Place, paths: tuple[BodyPath, ...]) -> bool:
    """Whether the place is one of the paths ("*" or an index in a path: any index)."""
    return any(len(path) == len(place) and all(map(_step_matches, path, place)) for path in paths)


def _step_matches(step: str | int, key: str | int) -> bool:
    return step == "*" or step == key or (isinstance(step, int) and isinstance(key, int))


def _ignored(place: Place, rules: BodyRules) -> bool:
    return any(path.covers(place) for path in rules.ignore)
