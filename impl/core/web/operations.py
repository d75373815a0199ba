"""connexion's AsyncApp with each operation's handler wrapper built once, not on every call.

connexion 3.3 builds a StarletteDecorator and decorates the handler again (parameter and
response decorators, inspect.signature) on every request: about a sixth of a getSession's
CPU. What it builds depends only on the handler, so it is built on first use and kept. The
request-dependent parts (the URI parser of the routed operation, the request) are still made
per call. Written as subclasses so that it could be offered upstream as a change to
AsyncOperation.fn and ASGIDecorator.__call__.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.operations import AbstractOperation


class DecoratedOnce(StarletteDecorator):
    """Decorates its function when wrapping it, instead of inside every call."""

    def __call__(self, function: Callable) -> Callable:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            request = self.framework.get_request(
                uri_parser=self.uri_parser, scope=scope, receive=receive
            )
            return await decorated(request)

        return wrapper


class OperationOnce(AsyncOperation):
    """An operation whose wrapped handler is built on first use and kept."""

    @functools.cached_property
    def fn(self) -> Callable:
        decorator = DecoratedOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)
        return decorator(self._fn)


class ApiOnce(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return OperationOnce.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class App(AsyncApp):
    """AsyncApp whose APIs build their operations' wrappers once."""

    def __init__(self, import_name: str, **options: Any) -> None:
        super().__init__(import_name, **options)
        self._middleware_app.api_cls = ApiOnce
