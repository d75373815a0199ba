"""The app factory: mounts every API of the registry on one connexion AsyncApp.

One add_api per spec at its base path; one error handler that renders every failure in
the format of the API (and operation) that owns the request.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import os
import sys
import time
from collections.abc import AsyncIterator
from email.utils import formatdate
from typing import Any

from connexion import spec as connexion_spec
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.routing import ROUTING_CONTEXT, RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.resolver import Resolver
from connexion.spec import OpenAPISpecification
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .admin import fixtures
from .admin.guard import AdminGuard
from .admin.hosts import AllowedHosts
from .admin.spec import with_vendors
from .admin.throttle import Throttle
from .core.features import metrics
from .core.features.faults import Faults
from .core.features.journal import Journal, Recorder
from .core.features.journal.entries import build
from .core.features.purge import purging
from .core.kit.clock import Clock
from .core.kit.context import Pinned, pin
from .core.kit.errors import Unavailable
from .core.kit.identities import Passwords
from .core.kit.runtime import SCOPE_KEY
from .core.kit.store import open_store
from .core.web.api import Api
from .core.web.asgi import (
    ResponseHeaders,
    headers_written,
    set_response_cookies,
    set_response_headers,
    to_asgi,
)
from .core.web.bodies import parsing
from .core.web.cors import DEVELOPMENT, CrossOrigin
from .core.web.docs_ui import SwaggerUIAside
from .core.web.limits import BodyLimit
from .core.web.operations import App, Routing, Security, ValidationMiddleware
from .core.web.platform import Platform
from .core.web.problems import to_problem
from .core.web.routes import RouteTable
from .core.web.security import SECURITY_MAP
from .core.web.security_schemes import with_handlers
from .core.web.slashes import (
    TrailingSlash,
    add_trailing_slash,
    has_trailing_slash,
    method_not_allowed,
    strip_trailing_slash,
)
from .core.web.spec_cache import kept_resolutions
from .core.web.validation import VALIDATOR_MAP
from .registry import ADMIN, VENDORS
from .server import Served, told_to_stop
from .settings import SETTINGS_ENV, Settings

# connexion checks every spec against the OpenAPI schema at each start-up, a tenth of a
# second of it; the specs are Sessim's own files, which tests/test_specs.py validates (more
# strictly, with openapi-spec-validator) before they ship. Start-up skips that check.
OpenAPISpecification._validate_spec = classmethod(lambda cls, spec: None)
# connexion's resolution of each mounted spec's references, kept in the cache of parsed
# specs (core/web/spec_cache.py): the same spec, the same answer.
connexion_spec.resolve_refs = kept_resolutions(connexion_spec.resolve_refs)
# The API that owns the request's path, as Front found it.
OWNER_KEY = "sessim.owner"
# Middle-generation collections between two full ones once the heap is settled (CPython: 10).
FULL_COLLECTIONS_EVERY = 100


class SnakeCaseResolver(Resolver):
    """Keeps the vendor's operationId (createSession) and calls <handlers>.create_session."""

    def __init__(self, api: Api) -> None:
        super().__init__()
        self._api = api
        # connexion resolves each operation once per layer (six): the handler is made once.
        self._handlers: dict[str, Any] = {}

    def resolve_operation_id(self, operation: Any) -> str:
        return self._api.handler(operation.operation_id)

    def resolve_function_from_operation_id(self, operation_id: str) -> Any:
        """The handler, given its body as its generated model (core/web/bodies.py)."""
        if operation_id not in self._handlers:
            function = super().resolve_function_from_operation_id(operation_id)
            self._handlers[operation_id] = parsing(function, self._api.parse)
        return self._handlers[operation_id]


class Front:
    """Outermost ASGI layer: reads the clock and the state generation once and pins them for
    the whole request, hands it the Served runtime through its scope, dates the response by Sessim's
    clock (so that clients reckoning from Date agree with emulated expiry times), answers a
    trailing slash as the owning API says, passes the request to that API's edge, and
    counts the answer in the metrics."""

    def __init__(
        self,
        app: ASGIApp,
        runtime: Served,
        owners: list[tuple[str, Api, ASGIApp]],
        routes: RouteTable,
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.owners = owners
        # A path's owner is looked up three times a request (the layers, metrics, journal).
        self._owners = functools.lru_cache(maxsize=1024)(self._find_owner)
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[SCOPE_KEY] = self.runtime
        # connexion's router records the operation in this dict of a copy of the scope;
        # made here, it is shared with the error handler, which renders per operation.
        scope.setdefault("extensions", {})
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: int | None = None  # once the answer has started
        counted = False
        began = time.perf_counter()  # latency is real time, not the emulated clock's
        recorded = True  # whether the recorded headers go on the answer: not on a refusal here

        async def sending(message: Message) -> None:
            nonlocal status, counted
            if message["type"] == "http.response.start":
                status = message["status"]
                if recorded:  # on an answer made outside connexion too
                    message = headers_written(scope, message)
            elif status is not None and not message.get("more_body") and not counted:
                # Counted before its last part goes: a client holding the answer sees it counted.
                counted = True
                self._observe(scope, status, time.perf_counter() - began)
            await send(message)

        try:
            await self._serve(scope, receive, sending)
        except Unavailable as error:
            # The store is down where no API's error handler runs (this layer's clock read,
            # an edge's rate limit): refused in the owner's format, unless already answering.
            if status is not None:
                raise
            recorded = False
            _base, api, _app = self._owner(scope["path"])
            await to_asgi(api.render(to_problem(error)))(scope, receive, sending)
        finally:
            if not counted:  # no whole answer: uvicorn answers 500, or the client left
                self._observe(scope, status or 500, time.perf_counter() - began)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        clock, generation = await self.runtime.store.snapshot()
        view = Pinned(clock.instant(), generation)
        date = _http_date(math.floor(view.instant))
        set_response_headers(scope, {"Date": date})
        set_response_cookies(scope, {})  # made here, so that the layers inside share it
        # Only a spec path loses its slash: the docs UI lives at ui/, and an unknown path
        # is answered as one either way.
        path = scope["path"]
        if path == ADMIN.base_path:  # the inspector, as at /_admin/ (Starlette would redirect)
            add_trailing_slash(scope)
        allow = self.routes.allowed(path.rstrip("/")) if has_trailing_slash(path) else []
        slash = bool(allow)
        if slash:
            strip_trailing_slash(scope)
        _base, api, owner = self._owner(scope["path"])
        scope[OWNER_KEY] = api  # the error handler renders in this API's format
        if slash and api.trailing_slash is TrailingSlash.METHOD_NOT_ALLOWED:
            problem = method_not_allowed(scope["method"], allow)
            await to_asgi(api.render(problem))(scope, receive, send)
            return
        with pin(view):
            await owner(scope, receive, send)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        api = self.owning_api(scope["path"])
        operation = self.routes.operation_id(_routed_handler(scope) or "") or ""
        metrics.observe(api.name if api else "", operation, status, seconds)

    def owning_api(self, path: str) -> Api | None:
        """The API owning path; None for a path no API owns (the admin API answers it)."""
        base, api, _app = self._owner(path)
        return None if base == "" and api is ADMIN else api

    def _owner(self, path: str) -> tuple[str, Api, ASGIApp]:
        """The mount that owns path: its base, its API and the app (or edge) serving it."""
        return self._owners(path)

    def _find_owner(self, path: str) -> tuple[str, Api, ASGIApp]:
        return next(
            (mount for mount in self.owners if _owns(mount[0], path)), ("", ADMIN, self.app)
        )


def load_spec(api: Api, settings: Settings) -> dict:
    """The spec as mounted: its security functions from the declaration, and the admin
    spec's vendor sections from the registry."""
    spec = with_handlers(api.load_spec(), api.name, api.security)
    if api is not ADMIN:
        return spec
    if not settings.admin_token:
        spec["security"] = []  # the admin token is enforced only when one is configured
    return with_vendors(spec, VENDORS)


def build_runtime(settings: Settings, routes: RouteTable | None = None) -> Served:
    """The store these settings name, and what every handler needs around it; the journal
    reads the routes (of the app being built) for its near misses."""
    store = open_store(settings.store)
    json_log = settings.access_log and settings.log_format == "json"
    entry = functools.partial(build, routes or RouteTable())
    return Served(
        store=store,
        clock=Clock(store),
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
        rate_chunks=settings.rate_counts == "chunks",
        journal=Journal(
            store,
            settings.journal_size,
            entry,
            sys.stdout if json_log else None,
            # A memory store has one process and a read writes its pending entries first:
            # the same guarantee, without asking other workers.
            across_workers=settings.journal_sync == "answered" and store.shared,
            held=settings.journal_writes == "held",
        ),
        admin_token=settings.admin_token,
        apis=VENDORS,
        vendors=settings.apis,
    )


def app_from_environment() -> ASGIApp:
    """The app of the settings `sessim serve --workers N` handed its workers (uvicorn imports
    this factory by name in each worker process)."""
    return create_app(Settings.from_json(os.environ[SETTINGS_ENV]))


def create_app(settings: Settings) -> ASGIApp:
    mounts = [(ADMIN.base_path, ADMIN)]
    mounts += [(VENDORS[name].base_path, VENDORS[name]) for name in settings.apis]
    if settings.root:
        mounts.append(("", VENDORS[settings.root]))  # connexion mounts "" at /, not "/"
    specs = [(base_path, api, load_spec(api, settings)) for base_path, api in mounts]
    routes = RouteTable()
    for base_path, api, spec in specs:
        routes.add_spec(base_path, spec, api)
    runtime = build_runtime(settings, routes)
    store = runtime.store
    seed = fixtures.seed_of(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        if seed is not None:
            await fixtures.load(runtime, seed)
        if settings.owns_process:
            settle_heap()
        async with purging(store, settings.purge_interval):
            with told_to_stop(runtime.stopping):
                yield
        await runtime.journal.close()
        await store.close()

    app = App(
        __name__,
        lifespan=lifespan,
        middlewares=_middlewares(settings),
        validator_map=VALIDATOR_MAP,
        security_map=SECURITY_MAP,
        validate_responses=settings.validate_responses,
    )
    for base_path, api, spec in specs:
        app.add_api(spec, base_path=base_path, name=base_path, resolver=SnakeCaseResolver(api))
    owners = sorted(mounts, key=lambda mount: len(mount[0]), reverse=True)

    def handle_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        problem = to_problem(exc)
        if problem.status == 405:
            problem = method_not_allowed(request.method, routes.allowed(request.url.path))
        owner: Api = request.scope.get(OWNER_KEY, ADMIN)
        return owner.renderer(_routed_handler(request.scope))(problem)

    # connexion and starlette register handlers of their own for these two; ours must win.
    for exc_class in (Exception, ProblemException, HTTPException):
        app.add_error_handler(exc_class, handle_error)
    mounted = {base_path: spec for base_path, _api, spec in specs}
    trusted = settings.allow_origins
    guard = _guard(app, routes, settings)

    def serving(base: str, api: Api) -> ASGIApp:
        return guard if api is ADMIN else _serving(app, api, base, routes, mounted[base], trusted)

    edges = [(base, api, serving(base, api)) for base, api in owners]
    front = Front(app, runtime, edges, routes)
    if not runtime.journal.enabled:
        return front
    return Recorder(front, runtime.journal, functools.partial(_describe, front, routes))


def _middlewares(settings: Settings) -> list[Any]:
    """connexion's default stack, with the Swagger UI aside from the request path and two
    layers of Sessim's own."""
    replaced: dict[type, list[Any]] = {
        # Inside connexion's error handling, so that a 413 is rendered like any other failure.
        SwaggerUIMiddleware: [
            functools.partial(BodyLimit, max_bytes=settings.max_body_bytes),
            SwaggerUIAside,
        ],
        # Inside response validation, so that it sees the headers the outer layers decided.
        ContextMiddleware: [ResponseHeaders, ContextMiddleware],
        SecurityMiddleware: [Security],
        RequestValidationMiddleware: [ValidationMiddleware],
        RoutingMiddleware: [Routing],
    }
    return [
        layer for default in ConnexionMiddleware.default_middlewares
        for layer in replaced.get(default, [default])
    ]  # fmt: skip


def _describe(
    front: Front, routes: RouteTable, scope: Scope, path: str
) -> tuple[Api | None, str | None]:
    """For the journal, the API a request went to (None where none owns its path, which the
    admin API answers) and its operation: the one the router matched, else the one its path
    names (a request refused before routing, by a rate limit or the body limit)."""
    owner = front.owning_api(path)
    handler = _routed_handler(scope)
    if handler is not None:
        return owner, routes.operation_id(handler)
    return owner, routes.operation_at(scope["method"], path)


def _guard(app: ASGIApp, routes: RouteTable, settings: Settings) -> ASGIApp:
    """What serves the admin API: its guard (admin/guard.py) around connexion, and nothing
    else: no CORS layer (no other origin may read it) and no fault rules (none can lock the
    tester out)."""
    hosts = AllowedHosts(settings.host, settings.allowed_hosts)
    return AdminGuard(app, routes, hosts, Throttle() if settings.admin_token else None)


def _serving(
    app: ASGIApp, api: Api, base_path: str, routes: RouteTable, spec: dict, trusted: tuple[str, ...]
) -> ASGIApp:
    """What serves a vendor's mount: its cross-origin answers around its edge (or inside it,
    where the policy says so) around its platform's conventions around its fault rules
    around connexion (so that a preflight meets no fault). `trusted`: the origins
    --allow-origin trusts."""
    served: ASGIApp = Faults(app, api, routes)
    if api.conventions.any:
        served = Platform(served, api, routes)
    cors = api.conventions.cors or (DEVELOPMENT if trusted else None)
    if cors and cors.inside_edge:
        served = CrossOrigin(served, api, cors, routes, spec, trusted)
    if api.edge:
        served = api.edge(served, base_path)
    if cors and not cors.inside_edge:
        served = CrossOrigin(served, api, cors, routes, spec, trusted)
    return served


def settle_heap() -> None:
    """Leave the heap built at start-up (specs, models, connexion's operations: ~120,000
    objects) out of garbage collection, and run full collections a tenth as often. A
    collection of that heap took 50-95 ms on the bench's machine, and the journal, which
    holds a ring's worth of exchanges on a memory store, kept triggering them: p99 at half
    the peak read 70-105 ms; a frozen heap's full collections take 4-10 ms."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTIONS_EVERY)


@functools.lru_cache(maxsize=1)  # requests of one second share their Date
def _http_date(second: int) -> str:
    return formatdate(second, usegmt=True)


def _routed_handler(scope: Scope) -> str | None:
    """The handler of the operation the router matched, when it matched one."""
    return scope.get("extensions", {}).get(ROUTING_CONTEXT, {}).get("operation_id")


def _owns(base_path: str, path: str) -> bool:
    return base_path == "" or path == base_path or path.startswith(base_path + "/")
