"""tools/operations.py holds each handler to its spec's Protocol: what connexion passes."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sessim.generated.vestiaire import Credentials

from tools import operations

FAKE = "fake_vestiaire_handlers"


@pytest.fixture
def handlers() -> Iterator[Callable[..., list[str]]]:
    """The faults of a handlers module made of the given functions, against vestiaire.yaml."""

    def faults(**functions: Any) -> list[str]:
        sys.modules[FAKE] = types.SimpleNamespace(**functions)  # type: ignore[assignment]
        return list(operations.mismatches("vestiaire", FAKE))

    yield faults
    sys.modules.pop(FAKE, None)


async def create_session(body: Credentials) -> None: ...


async def delete_session(sessionId: str, token_info: dict) -> None: ...


def test_every_served_api_conforms() -> None:
    assert [
        fault for name, module in operations.apis() for fault in operations.mismatches(name, module)
    ] == []


def test_handlers_that_take_what_connexion_passes_conform(
    handlers: Callable[..., list[str]],
) -> None:
    assert handlers(create_session=create_session, delete_session=delete_session) == []


def test_an_operation_without_a_handler_is_named(handlers: Callable[..., list[str]]) -> None:
    assert handlers(create_session=create_session) == [
        f"vestiaire deleteSession ({FAKE}.delete_session): no handler for the operation"
    ]


def test_a_renamed_path_parameter_is_named(handlers: Callable[..., list[str]]) -> None:
    async def delete_session(session_id: str) -> None: ...

    assert handlers(create_session=create_session, delete_session=delete_session) == [
        f"vestiaire deleteSession ({FAKE}.delete_session): connexion passes path parameter "
        "'sessionId', which the handler does not take",
        f"vestiaire deleteSession ({FAKE}.delete_session): the handler takes 'session_id', "
        "which connexion does not pass (sessionId, token_info, user)",
    ]


def test_a_body_taken_as_a_dict_is_named(handlers: Callable[..., list[str]]) -> None:
    async def create_session(body: dict) -> None: ...

    assert handlers(create_session=create_session, delete_session=delete_session) == [
        f"vestiaire createSession ({FAKE}.create_session): 'body' is Credentials in the spec, "
        "the handler takes dict"
    ]


def test_a_handler_that_is_not_async_is_named(handlers: Callable[..., list[str]]) -> None:
    def create_session(body: Credentials) -> None: ...

    assert handlers(create_session=create_session, delete_session=delete_session) == [
        f"vestiaire createSession ({FAKE}.create_session): the handler is not an async function"
    ]


def test_a_parameter_connexion_may_leave_out_needs_a_default() -> None:
    """getOutbox's `to` is optional, without a default: absent, connexion passes nothing."""

    async def get_outbox(vendor: str, to: str) -> None: ...

    protocol = operations.load_protocol("admin")
    assert list(operations.faults(protocol.get_outbox, get_outbox)) == [
        "connexion may leave 'to' out: the handler must give it a default"
    ]

    async def with_default(vendor: str, to: str | None = None) -> None: ...

    assert list(operations.faults(protocol.get_outbox, with_default)) == []
