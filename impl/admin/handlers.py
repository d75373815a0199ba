"""Health, reset, fixtures, views, actions, the outbox, the journal, the clock, fault rules,
the inspector and the metrics."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from connexion.lifecycle import ConnexionResponse

from ..core.features import faults, metrics, outbox
from ..core.features.journal import Filter
from ..core.kit.errors import InvalidParameter, NotFound
from ..core.kit.instants import to_datetime
from ..core.kit.runtime import Runtime, runtime_of
from ..core.web.api import Api
from ..core.web.bodies import dump, json_response
from ..core.web.operations import request
from ..generated.admin import (
    Changes,
    ClockAdvance,
    ClockUpdate,
    ClockView,
    FaultAction,
    FaultRule,
    FaultRules,
    Fixture,
    FixtureLoaded,
    Health,
    JournalCount,
    NewFaultRule,
    Outbox,
    OutboxMessage,
    Status,
)
from ..generated.dicts.admin import Journal
from ..server import Served, served_of
from . import accounts, changes, fixtures, inspector, journal_har

# A fault rule's fields that core names otherwise.
RULE_FIELDS = {"operationId": "operation_id", "delayMs": "delay_ms", "delayMaxMs": "delay_max_ms"}
# Every operation may also answer application/problem+json, so connexion needs each
# success response to name its content type: json_response does.


async def get_health() -> ConnexionResponse:
    await runtime_of(request).clock.state()  # proves the store answers
    return json_response(dump(Health(status=Status.ok)), 200)


async def reset_state() -> ConnexionResponse:
    runtime = served_of(request)
    # Entries not yet written, which the wipe cannot reach; the wipe takes the rest.
    await runtime.journal.clear(wiping=True)
    await runtime.store.reset()
    return ConnexionResponse(status_code=204)


async def load_fixture(body: Fixture) -> ConnexionResponse:
    loaded = await fixtures.load(served_of(request), body.model_dump())
    return json_response(dump(FixtureLoaded(loaded=loaded)), 200)


async def get_view(vendor: str, view: str, key: str) -> ConnexionResponse:
    """A vendor's view of its state (what it registered in its Api.views)."""
    runtime = served_of(request)
    read = _api(runtime, vendor).views.get(view)
    if read is None:
        raise NotFound(f"{vendor} has no view {view!r}")
    found = await read(runtime, key)
    if found is None:
        raise NotFound(f"no {view} {key!r} in {vendor}")
    return json_response(found, 200)


async def run_action(vendor: str, action: str, body: dict[str, Any]) -> ConnexionResponse:
    """A vendor's action (what its Api.actions registered)."""
    runtime = served_of(request)
    act = _api(runtime, vendor).actions.get(action)
    if act is None:
        raise NotFound(f"{vendor} has no action {action!r}")
    return json_response(await act(runtime, body), 200)


def _api(served: Served, vendor: str) -> Api:
    """A vendor's declaration, or a 404 naming the vendor Sessim does not emulate."""
    api = served.apis.get(vendor)
    if api is None:
        raise NotFound(f"Sessim emulates no vendor {vendor!r}")
    return api


async def get_vendor_outbox(vendor: str, to: str | None = None) -> ConnexionResponse:
    return await _outbox(vendor, to, {"to"})


async def get_outbox(vendor: str, to: str | None = None) -> ConnexionResponse:
    return await _outbox(vendor, to, {"vendor", "to"})


def _refuse_unknown_parameters(known: set[str]) -> None:
    """A query parameter an operation does not know is refused, lest a misspelt filter
    list (or count) everything."""
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidParameter(unknown[0], "Unknown query parameter")


async def _outbox(vendor: str, to: str | None, known: set[str]) -> ConnexionResponse:
    """The messages a vendor "sent", oldest first; an unknown vendor simply sent none."""
    _refuse_unknown_parameters(known)
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


async def set_clock(body: ClockUpdate) -> ConnexionResponse:
    runtime = runtime_of(request)
    await runtime.clock.set(now=body.now, frozen=body.frozen)
    return await _clock_view(runtime)


async def advance_clock(body: ClockAdvance) -> ConnexionResponse:
    runtime = runtime_of(request)
    await runtime.clock.advance(body.seconds)
    return await _clock_view(runtime)


FILTERS = {"vendor", "operationId", "status", "method", "since"}
RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _journal_filter() -> Filter:
    _refuse_unknown_parameters(FILTERS | {"limit", "cursor", "format"})
    query = request.query_params
    status = query.get("status")
    return Filter(
        vendor=query.get("vendor"),
        operation_id=query.get("operationId"),
        status=None if status is None else int(status),
        method=query.get("method"),
        since=_instant("since", query.get("since")),
    )


def _instant(name: str, text: str | None) -> float | None:
    """An RFC 3339 date-time as epoch seconds. A leap second counts as the second before
    it; digits past the microsecond are dropped."""
    if text is None:
        return None
    match = RFC3339.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
        micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
        moment = datetime(year, month, day, hour, minute, min(second, 59), micro, UTC)
        return moment.timestamp() - _offset(match["zone"])
    except (ValueError, OverflowError):
        raise InvalidParameter(name, f"{text!r} is not an RFC 3339 date-time") from None


def _offset(zone: str) -> float:
    if zone in "Zz":
        return 0.0
    sign = -1 if zone[0] == "-" else 1
    return sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)


async def list_journal(
    limit: int = 50, cursor: str | None = None, format: str = "json"
) -> ConnexionResponse:
    journal = served_of(request).journal
    before = None if cursor is None else int(cursor)
    entries, last = await journal.entries(_journal_filter(), limit, before)
    after = None if last is None else str(last)
    if format == "har":
        url = request.url
        return json_response(journal_har.document(entries, url.scheme, url.netloc, after), 200)
    page: Journal = {"entries": entries, "next": after}
    return json_response(page, 200)


async def count_journal() -> ConnexionResponse:
    count = await served_of(request).journal.count(_journal_filter())
    return json_response(dump(JournalCount(count=count)), 200)


async def clear_journal() -> ConnexionResponse:
    await served_of(request).journal.clear()
    return ConnexionResponse(status_code=204)


async def add_fault(body: NewFaultRule) -> ConnexionResponse:
    given = body.model_dump(mode="json", exclude_none=True)
    fields = {RULE_FIELDS.get(name, name): value for name, value in given.items()}
    draft = faults.Rule(**{**fields, "action": faults.Action(fields["action"])})
    rule = await faults.add(runtime_of(request).store, draft)
    return json_response(dump(_fault_view(faults.Counted(rule, 0, 0)), nulls=True), 201)


async def list_faults() -> ConnexionResponse:
    found = await faults.counted(runtime_of(request).store)
    listed = FaultRules(rules=[_fault_view(counted) for counted in found])
    return json_response(dump(listed, nulls=True), 200)


async def clear_faults() -> ConnexionResponse:
    await faults.clear(runtime_of(request).store)
    return ConnexionResponse(status_code=204)


async def remove_fault(ruleId: str) -> ConnexionResponse:
    if not await faults.remove(runtime_of(request).store, ruleId):
        raise NotFound(f"no fault rule {ruleId!r}")
    return ConnexionResponse(status_code=204)


def _fault_view(counted: faults.Counted) -> FaultRule:
    """The rule as the admin API shows it, null for a match field left out."""
    rule = counted.rule
    return FaultRule(
        id=rule.id,
        vendor=rule.vendor,
        operationId=rule.operation_id,
        path=rule.path,
        method=rule.method,
        action=FaultAction(rule.action.value),
        status=rule.status,
        delayMs=rule.delay_ms,
        delayMaxMs=rule.delay_max_ms,
        times=rule.times,
        probability=rule.probability,
        remaining=counted.remaining,
        matched=counted.matched,
    )


async def get_inspector() -> ConnexionResponse:
    vendors = list(served_of(request).apis)  # the registry's order
    headers = {"Content-Security-Policy": inspector.POLICY}
    return ConnexionResponse(
        status_code=200, body=inspector.page(vendors), content_type=inspector.HTML, headers=headers
    )


async def get_inspector_asset(asset: str) -> ConnexionResponse:
    found = inspector.asset(asset)
    if found is None:
        raise NotFound(f"the inspector has no file {asset!r}")
    body, media_type = found
    return ConnexionResponse(status_code=200, body=body, content_type=media_type)


async def get_vendor_state(vendor: str, limit: int = 200) -> ConnexionResponse:
    """A vendor's users, live sessions and tokens (what its Api.inventory lists)."""
    runtime = served_of(request)
    held = await accounts.inventory_of(runtime, vendor)(runtime, limit)
    return json_response(dump(inspector.state_body(vendor, held)), 200)


async def get_state_session(vendor: str, sessionId: str) -> ConnexionResponse:
    runtime = served_of(request)
    found = await accounts.session(runtime, vendor, sessionId)
    detail = inspector.session_detail(found, accounts.inventory_of(runtime, vendor))
    return json_response(dump(detail), 200)


async def revoke_state_session(vendor: str, sessionId: str) -> ConnexionResponse:
    await accounts.end_session(served_of(request), vendor, sessionId)
    return ConnexionResponse(status_code=204)


async def unlock_state_user(vendor: str, userId: str) -> ConnexionResponse:
    user = await accounts.unlock(served_of(request), vendor, userId)
    return json_response(dump(inspector.user_view(user, None)), 200)


async def deactivate_state_user(vendor: str, userId: str) -> ConnexionResponse:
    user, locked_until = await accounts.deactivate(served_of(request), vendor, userId)
    return json_response(dump(inspector.user_view(user, locked_until)), 200)


async def get_changes(since: str | None = None, wait: int = 0) -> ConnexionResponse:
    """The state's version, once it differs from `since` or `wait` seconds have passed."""
    runtime = served_of(request)
    now = await changes.changed(runtime, since, wait, request.is_disconnected)
    body = Changes(version=now, journaled=runtime.journal.size > 0)
    return json_response(dump(body), 200)


async def get_metrics() -> ConnexionResponse:
    runtime = served_of(request)
    text = await metrics.exposition(runtime.store, runtime.vendors)
    return ConnexionResponse(status_code=200, body=text, content_type=metrics.CONTENT_TYPE)
