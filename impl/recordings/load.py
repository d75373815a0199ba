"""The readers: a recording file (HAR 1.2 from a browser, mitmproxy, Charles or `sessim
record`; a vcrpy YAML cassette) as Interactions, in the order recorded.

A file is told by its content, not its name: JSON with a `log` is HAR, YAML (JSON is YAML
too) with `interactions` a cassette. Anything else (not text, not JSON nor YAML, cut short,
another shape, larger than `limit` bytes) is a RecordingError whose message says which file
and what is wrong, for `sessim replay` to print instead of a traceback.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import yaml

from .model import Interaction, Message

# Larger files are refused before they are read: a recording of API calls is small, and a
# browser's HAR of a whole site (images, scripts) is not what a replay takes.
MAX_BYTES = 32_000_000
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecordingError(ValueError):
    """A recording that cannot be read; its message names the file and the fault."""


def load(path: Path, limit: int = MAX_BYTES) -> list[Interaction]:
    """The interactions recorded in the file at `path`."""
    text = _text(path, limit)
    document = _parsed(path, text)
    if isinstance(document, dict) and isinstance(document.get("log"), dict):
        return list(_har(path, document["log"]))
    if isinstance(document, dict) and "interactions" in document:
        return list(_cassette(path, document["interactions"]))
    raise RecordingError(
        f"{path}: neither a HAR file (JSON with a `log`) nor a vcrpy cassette "
        "(YAML with `interactions`)"
    )


def _text(path: Path, limit: int) -> str:
    try:
        size = path.stat().st_size
        if size > limit:
            raise RecordingError(
                f"{path}: {size / 1e6:.1f} MB, larger than the {limit / 1e6:.0f} MB a "
                "recording may be: record the API calls alone"
            )
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordingError(f"{path}: not text (byte {error.start} is not UTF-8)") from None
    except OSError as error:
        raise RecordingError(f"{path}: {error.strerror or error}") from None


def _parsed(path: Path, text: str) -> Any:
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as error:
            raise RecordingError(f"{path}: not valid JSON ({error})") from None
    try:
        return yaml.load(text, Loader=Loader)
    except (yaml.YAMLError, RecursionError) as error:
        raise RecordingError(
            f"{path}: neither JSON nor valid YAML ({_first_line(error)})"
        ) from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class _Reader:
    """Reads one entry's fields, a missing or mistyped one an error that says where."""

    def __init__(self, path: Path, index: int | None = None) -> None:
        self.where = str(path) if index is None else f"{path}#{index}"
        self.source = f"{path.name}#{index}"  # what a report names the entry by

    def field(self, node: Any, key: str, kind: type | tuple[type, ...], path: str) -> Any:
        value = node.get(key) if isinstance(node, dict) else None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise RecordingError(f"{self.where}: {path}.{key} is missing or not {_kind(kind)}")
        return value

    def optional(self, node: Any, key: str, kind: type | tuple[type, ...], path: str) -> Any:
        if not isinstance(node, dict) or node.get(key) is None:
            return None
        return self.field(node, key, kind, path)


def _kind(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a number", float: "a number", dict: "an object", list: "a list"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


# --- HAR 1.2 ---------------------------------------------------------------------------------


def _har(path: Path, log: dict) -> Iterator[Interaction]:
    entries = _Reader(path).field(log, "entries", list, "log")
    for index, entry in enumerate(entries, 1):
        yield _har_entry(_Reader(path, index), entry)


def _har_entry(read: _Reader, entry: Any) -> Interaction:
    request = read.field(entry, "request", dict, "entry")
    response = read.field(entry, "response", dict, "entry")
    started = read.optional(entry, "startedDateTime", str, "entry")
    elapsed = read.optional(entry, "time", (int, float), "entry")
    answer = _har_message(read, response, "response", _har_content(read, response))
    return Interaction(
        method=read.field(request, "method", str, "request").upper(),
        url=read.field(request, "url", str, "request"),
        request=_har_message(read, request, "request", _har_post_data(read, request)),
        status=read.field(response, "status", int, "response"),
        response=answer,
        started=_instant(read, started, "entry.startedDateTime") or answer.date(),
        elapsed=None if elapsed is None or elapsed < 0 else elapsed / 1000,
        source=read.source,
    )


def _har_message(read: _Reader, node: dict, path: str, body: bytes) -> Message:
    headers = read.field(node, "headers", list, path)
    pairs = tuple(
        (
            read.field(header, "name", str, f"{path}.headers[{index}]"),
            read.field(header, "value", str, f"{path}.headers[{index}]"),
        )
        for index, header in enumerate(headers)
    )
    return Message(pairs, body)


def _har_post_data(read: _Reader, request: dict) -> bytes:
    data = read.optional(request, "postData", dict, "request")
    if data is None:
        return b""
    text = read.optional(data, "text", str, "request.postData")
    if text is not None:
        return _decoded(read, text, data.get("encoding"), "request.postData")
    params = read.optional(data, "params", list, "request.postData") or []
    return "&".join(_param(read, param, index) for index, param in enumerate(params)).encode()


def _param(read: _Reader, param: Any, index: int) -> str:
    path = f"request.postData.params[{index}]"
    value = read.optional(param, "value", str, path) or ""
    return f"{quote_plus(read.field(param, 'name', str, path))}={quote_plus(value)}"


def _har_content(read: _Reader, response: dict) -> bytes:
    """The answer's body; none where the HAR marks its text part of the body (Sessim's
    journal, `_truncated`): a replay compares no body it does not have whole."""
    content = read.field(response, "content", dict, "response")
    text = read.optional(content, "text", str, "response.content")
    if text is None or content.get("_truncated") is True:
        return b""
    return _decoded(read, text, content.get("encoding"), "response.content")


def _decoded(read: _Reader, text: str, encoding: Any, path: str) -> bytes:
    if encoding is None:
        return text.encode()
    if encoding != "base64":
        raise RecordingError(f"{read.where}: {path}.encoding {encoding!r} is not base64")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RecordingError(f"{read.where}: {path}.text is not valid base64") from None


# --- vcrpy cassettes ---------------------------------------------------------------------------


def _cassette(path: Path, interactions: Any) -> Iterator[Interaction]:
    if not isinstance(interactions, list):
        raise RecordingError(f"{path}: interactions is not a list")
    for index, interaction in enumerate(interactions, 1):
        yield _cassette_entry(_Reader(path, index), interaction)


def _cassette_entry(read: _Reader, interaction: Any) -> Interaction:
    request = read.field(interaction, "request", dict, "interaction")
    response = read.field(interaction, "response", dict, "interaction")
    status = read.field(response, "status", dict, "response")
    headers = _cassette_headers(read, response, "response")
    body = read.optional(response, "body", dict, "response") or {}
    content = _body(read, body.get("string"), "response.body.string")
    answer = Message(
        headers, _decompressed(read, content, Message(headers).header("content-encoding"))
    )
    return Interaction(
        method=read.field(request, "method", str, "request").upper(),
        url=read.field(request, "uri", str, "request"),
        request=Message(
            _cassette_headers(read, request, "request"),
            _body(read, request.get("body"), "request.body"),
        ),
        status=read.field(status, "code", int, "response.status"),
        response=answer,
        started=answer.date(),
        elapsed=None,
        source=read.source,
    )


def _cassette_headers(read: _Reader, node: dict, path: str) -> tuple[tuple[str, str], ...]:
    """vcrpy keeps each header's values as a list (a lone value, in old cassettes)."""
    headers = read.optional(node, "headers", dict, path) or {}
    pairs = []
    for key, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, (str, int, float)):
                raise RecordingError(f"{read.where}: {path}.headers.{key} holds {value!r}")
            pairs.append((str(key), str(value)))
    return tuple(pairs)


def _body(read: _Reader, body: Any, path: str) -> bytes:
    """A body as vcrpy writes it: text, bytes (YAML's !!binary), or none."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    raise RecordingError(f"{read.where}: {path} is neither text nor binary")


# The content codings a cassette may keep its answers' bodies in, as recorded.
_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "deflate": zlib.decompress,
    "identity": lambda body: body,
}


def _decompressed(read: _Reader, body: bytes, coding: str | None) -> bytes:
    """vcrpy records an answer's body as the client received it: compressed as the server
    sent it (requests, httpx), or already decoded by the client under the server's
    Content-Encoding (aiohttp: okta-sdk-python's cassettes hold gzip answers as text). A body
    that is not in its coding is therefore kept as recorded."""
    if not body or coding is None:
        return body
    decoder = _DECODERS.get(coding.strip().lower())
    if decoder is None:
        raise RecordingError(f"{read.where}: the answer's Content-Encoding {coding!r} is unknown")
    try:
        return decoder(body)
    except (OSError, EOFError, zlib.error):
        return body


# --- instants ---------------------------------------------------------------------------------


def _instant(read: _Reader, text: str | None, path: str) -> datetime | None:
    if text is None:
        return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RecordingError(f"{read.where}: {path} {text!r} is not an ISO 8601 instant") from None
    if found.tzinfo is None:
        raise RecordingError(f"{read.where}: {path} {text!r} has no time zone")
    return found
