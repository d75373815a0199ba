"""What a vendor knows of its own recorded traffic, for `sessim replay` (sessim.recordings):
where its error bodies hold codes and summaries, which of its body fields vary per call, and
how to infer, from the calls a recording holds, the fixture section that lets them answer
the same. An API declares it (Api.recorded), filled in impl/<vendor>/recorded.py.

Core does not import the recordings' model: a vendor's inference reads calls through the
protocols below, which sessim.recordings.model's Interaction and Message satisfy."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from ..kit.credentials import basic_credentials

# A place in a JSON body as keys and indexes; "*" stands for any index or key.
BodyPath = tuple[str | int, ...]


class RecordedMessage(Protocol):
    @property
    def body(self) -> bytes: ...

    def header(self, name: str) -> str | None: ...


class RecordedCall(Protocol):
    @property
    def method(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def request(self) -> RecordedMessage: ...

    @property
    def status(self) -> int: ...

    @property
    def response(self) -> RecordedMessage: ...


# The vendor's recorded calls, in order -> its fixture section that they need (empty: none).
InferSeed = Callable[[Sequence[RecordedCall]], dict]


def no_seed(calls: Sequence[RecordedCall]) -> dict:
    return {}


@dataclass(frozen=True)
class Recorded:
    """A vendor's knowledge of its recorded answers (its Api.error_code is an error code too)."""

    # Where else its error bodies hold a code (OAuth's `error`), compared whatever their name.
    codes: tuple[BodyPath, ...] = ()
    # Where its error bodies hold their human summary (Okta's errorSummary), compared too.
    summaries: tuple[BodyPath, ...] = ()
    # Body keys whose values vary per call beyond those every vendor's names say (ids,
    # tokens, instants): a request id, a nonce the vendor calls otherwise.
    varying: frozenset[str] = frozenset()
    seed: InferSeed = no_seed
    # The real service's hosts, as shell patterns ("*.okta.com"), and the paths (shell
    # patterns, lower case) that name it on a host no pattern knows, for a vendor that
    # every customer serves on a name of its own: whose a recorded call is.
    hosts: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


def json_body(message: RecordedMessage) -> Any:
    """A message's body parsed as JSON, or None when it is empty or not JSON."""
    try:
        return json.loads(message.body) if message.body else None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def form_body(message: RecordedMessage) -> dict[str, str]:
    """A form-encoded body's fields (the first of each name); {} when it is not one."""
    try:
        return dict(reversed(parse_qsl(message.body.decode(), keep_blank_values=True)))
    except UnicodeDecodeError:
        return {}


def path_of(call: RecordedCall) -> str:
    return urlsplit(call.url).path


def query_of(call: RecordedCall) -> dict[str, str]:
    return dict(reversed(parse_qsl(urlsplit(call.url).query)))


def at(document: Any, path: BodyPath) -> Any:
    """The value at a path of a JSON document ("*" not allowed here), or None."""
    for step in path:
        if isinstance(document, dict) and isinstance(step, str):
            document = document.get(step)
        elif (
            isinstance(document, list)
            and isinstance(step, int)
            and -len(document) <= step < len(document)
        ):
            document = document[step]
        else:
            return None
    return document


def objects(document: Any) -> Iterator[dict]:
    """Every object of a JSON document, at any depth, the outer before the inner."""
    if isinstance(document, dict):
        yield document
        for value in document.values():
            yield from objects(value)
    elif isinstance(document, list):
        for value in document:
            yield from objects(value)


def succeeded(call: RecordedCall, method: str, ending: str) -> bool:
    """Whether the call is a `method` on a path ending so (a trailing slash aside: the
    scrapers' Vestiaire log-in is POST /sessions/), answered with a 2xx."""
    ends = path_of(call).rstrip("/").endswith(ending)
    return call.method == method and ends and 200 <= call.status < 300


def client_of(call: RecordedCall) -> tuple[str, str, str] | None:
    """The OAuth client a token call authenticated as: its id, its secret and how it sent
    them (client_secret_basic, or client_secret_post in the form); None without a secret."""
    try:
        basic = basic_credentials(call.request.header("Authorization"))
    except ValueError:
        return None
    form = form_body(call.request)
    client_id, secret = basic or (form.get("client_id"), form.get("client_secret"))
    method = "client_secret_basic" if basic else "client_secret_post"
    return (client_id, secret, method) if client_id and secret else None
