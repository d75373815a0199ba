"""Interactions made from Sessim's own answers, as a recording would hold them, and copies
of them changed on purpose."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx
from sessim.recordings.model import Interaction, Message


def recorded(response: httpx.Response) -> Interaction:
    """A call and its answer as a recording holds them: headers in their order and case."""
    request = response.request
    return Interaction(
        method=request.method,
        url=str(request.url),
        request=Message(_headers(request.headers), request.content),
        status=response.status_code,
        response=Message(_headers(response.headers), response.content),
        started=None,
        elapsed=None,
        source="test#1",
    )


def _headers(headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
    return tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in headers.raw)


def with_body(interaction: Interaction, body: Any) -> Interaction:
    """The interaction whose answer holds this JSON document instead."""
    response = dataclasses.replace(interaction.response, body=json.dumps(body).encode())
    return dataclasses.replace(interaction, response=response)


def with_headers(interaction: Interaction, headers: list[tuple[str, str]]) -> Interaction:
    response = dataclasses.replace(interaction.response, headers=tuple(headers))
    return dataclasses.replace(interaction, response=response)


def body(interaction: Interaction) -> Any:
    return json.loads(interaction.response.body)
