"""Health, reset, fixtures, views, actions, the outbox, the clock and the metrics."""

from __future__ import annotations

from connexion import request
from connexion.lifecycle import ConnexionResponse

from ..core import metrics, outbox
from ..core.bodies import dump, json_response, parse
from ..core.clock import to_datetime
from ..core.errors import InvalidParameter, NotFound
from ..core.runtime import Runtime, runtime_of
from ..generated.admin import (
    ClockAdvance,
    ClockUpdate,
    ClockView,
    FixtureLoaded,
    Health,
    Outbox,
    OutboxMessage,
    Status,
)
from . import fixtures

# Every operation may also answer application/problem+json, so connexion needs each
# success response to name its content type: json_response does.


async def get_health() -> ConnexionResponse:
    await runtime_of(request).clock.state()  # proves the store answers
    return json_response(dump(Health(status=Status.ok)), 200)


async def reset_state() -> ConnexionResponse:
    await runtime_of(request).store.reset()
    return ConnexionResponse(status_code=204)


async def load_fixture(body: dict) -> ConnexionResponse:
    loaded = await fixtures.load(runtime_of(request), body)
    return json_response(dump(FixtureLoaded(loaded=loaded)), 200)


async def get_view(vendor: str, view: str, key: str) -> ConnexionResponse:
    """A vendor's view of its state (what it registered in its Api.views)."""
    runtime = runtime_of(request)
    read = runtime.views.get(vendor, {}).get(view)
    if read is None:
        raise NotFound(f"{vendor} has no view {view!r}")
    found = await read(runtime, key)
    if found is None:
        raise NotFound(f"no {view} {key!r} in {vendor}")
    return json_response(found, 200)


async def run_action(vendor: str, action: str, body: dict) -> ConnexionResponse:
    """A vendor's action (what its Api.actions registered)."""
    runtime = runtime_of(request)
    act = runtime.actions.get(vendor, {}).get(action)
    if act is None:
        raise NotFound(f"{vendor} has no action {action!r}")
    return json_response(await act(runtime, body), 200)


async def get_vendor_outbox(vendor: str, to: str | None = None) -> ConnexionResponse:
    return await _outbox(vendor, to, {"to"})


async def get_outbox(vendor: str, to: str | None = None) -> ConnexionResponse:
    return await _outbox(vendor, to, {"vendor", "to"})


async def _outbox(vendor: str, to: str | None, known: set[str]) -> ConnexionResponse:
    """The messages a vendor "sent", oldest first; an unknown vendor simply sent none.
    A parameter it does not know is refused, lest a misspelt `to` list everyone's mail."""
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidParameter(unknown[0], "Unknown query parameter")
    found = await outbox.messages(runtime_of(request).store, vendor, to)
    listed = [
        OutboxMessage.model_validate(
            {
                **message,
                "sentAt": to_datetime(message["sentAt"]),
                "expiresAt": to_datetime(message["expiresAt"]),
            }
        )
        for message in found
    ]
    return json_response(dump(Outbox(messages=listed)), 200)


async def _clock_view(runtime: Runtime) -> ConnexionResponse:
    state = await runtime.clock.state()  # not the request's pinned instant: it may just have moved
    view = ClockView(now=to_datetime(state.instant()), frozen=state.frozen_at is not None)
    return json_response(dump(view), 200)


async def get_clock() -> ConnexionResponse:
    return await _clock_view(runtime_of(request))


async def set_clock(body: dict) -> ConnexionResponse:
    update = parse(ClockUpdate, body)
    runtime = runtime_of(request)
    await runtime.clock.set(now=update.now, frozen=update.frozen)
    return await _clock_view(runtime)


async def advance_clock(body: dict) -> ConnexionResponse:
    advance = parse(ClockAdvance, body)
    runtime = runtime_of(request)
    await runtime.clock.advance(advance.seconds)
    return await _clock_view(runtime)


async def get_metrics() -> ConnexionResponse:
    runtime = runtime_of(request)
    text = await metrics.exposition(runtime.store, runtime.vendors)
    return ConnexionResponse(status_code=200, body=text, content_type=metrics.CONTENT_TYPE)
