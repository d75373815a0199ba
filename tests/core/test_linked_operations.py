"""Each routed operation calls its chain of routed layers' own operations (core/web/operations.py,
linked), which is what each layer's look-up in the routing context would have found."""

from __future__ import annotations

import types
from typing import Any

from connexion.middleware.abstract import RoutedMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingOperation
from sessim.app import App, create_app
from sessim.core.web.asgi import ResponseHeaders
from sessim.core.web.operations import Routing, linked
from sessim.settings import Settings
from starlette.types import Receive, Scope, Send


class Step:
    """A routed layer's operation: its name, and the next app it hands a request to."""

    def __init__(self, name: str, next_app: Any) -> None:
        self.name, self.next_app = name, next_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...


class Layer(RoutedMiddleware):
    """A routed layer whose API at /api has the given operations (made by `make(next_app)`)."""

    def __init__(self, app: Any, **operations: Any) -> None:
        super().__init__(app)
        made = {name: make(app) for name, make in operations.items()}
        self.apis["/api"].append(types.SimpleNamespace(operations=made))


async def _end(scope: Scope, receive: Receive, send: Send) -> None: ...


def test_routed_layers_are_linked_through_their_operations() -> None:
    inner = Layer(_end, op=lambda app: Step("inner", app))
    headers = ResponseHeaders(inner)
    lifespan = LifespanMiddleware(headers, lifespan=None)
    passing = Layer(lifespan, op=lambda app: app)  # response validation off: the next app
    outer = Layer(passing, op=lambda app: Step("outer", app))

    chain = linked(outer, "/api", "op")

    assert isinstance(chain, Step) and chain.name == "outer"
    wrapper = chain.next_app  # the pass-through layer and the lifespan left out
    assert isinstance(wrapper, ResponseHeaders) and wrapper is not headers
    assert isinstance(wrapper.app, Step) and wrapper.app.name == "inner"
    assert wrapper.app.next_app is _end


def test_a_layer_without_the_operation_ends_the_chain() -> None:
    inner = Layer(_end, other=lambda app: Step("other", app))
    outer = Layer(inner, op=lambda app: Step("outer", app))

    chain = linked(outer, "/api", "op")

    assert isinstance(chain, Step) and chain.next_app is inner  # which dispatches as before
    assert linked(outer, "/elsewhere", "op") is outer


def built_stack(settings: Settings | None = None) -> list[Any]:
    """The layers of Sessim's connexion app, as it builds them at its first request."""
    made: list[App] = []
    original = App.__init__

    def keep(self: App, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    App.__init__ = keep  # type: ignore[method-assign]
    try:
        create_app(settings or Settings(store="memory://"))
    finally:
        App.__init__ = original  # type: ignore[method-assign]
    middleware = made[0].middleware
    middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()
    return list(middleware.middleware_stack)


def test_every_operation_sessim_serves_calls_its_layers_directly() -> None:
    stack = built_stack(Settings(store="memory://", validate_responses=True))
    (routing,) = [layer for layer in stack if isinstance(layer, Routing)]
    chains = 0
    for mount in routing.router.routes:
        for route in mount.app.routes:
            step = route.app
            assert isinstance(step, RoutingOperation)
            kinds = []
            while step is not None:
                assert not isinstance(step, RoutedMiddleware | LifespanMiddleware), kinds
                kinds.append(type(step).__name__)
                step = getattr(step, "next_app", None) or getattr(step, "app", None)
            assert kinds[-1] == "PreparedOperation", kinds
            assert "ResponseValidationOperation" in kinds and "ResponseHeaders" in kinds
            chains += 1
    assert chains > 100
