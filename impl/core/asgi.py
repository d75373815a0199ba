"""Small ASGI helpers for the layers that sit outside connexion."""

from __future__ import annotations

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response
from starlette.types import Message, Send


def with_headers(send: Send, headers: dict[str, str]) -> Send:
    """`send`, with these headers set on the response (replacing any of the same name)."""
    extra = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]
    names = {name for name, _ in extra}

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": kept + extra}
        await send(message)

    return send_with_headers


def to_asgi(response: ConnexionResponse) -> Response:
    """A response built for connexion, sent by a layer outside it."""
    return Response(response.body, response.status_code, headers=response.headers)
