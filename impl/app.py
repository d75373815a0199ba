"""The app factory: the one place that knows every API.

One connexion AsyncApp; one add_api per spec at its base path; one error handler that
renders every failure in the format of the API that owns the path.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from impl.admin import errors as admin_errors
from impl.admin import fixtures
from impl.core.asgi import with_headers
from impl.core.clock import Clock
from impl.core.identities import Passwords
from impl.core.limits import BodyLimit
from impl.core.problems import Problem, to_problem
from impl.core.routes import RouteTable
from impl.core.runtime import SCOPE_KEY, FixtureLoader, Runtime
from impl.core.store import open_store
from impl.core.validation import VALIDATOR_MAP
from impl.okta import errors as okta_errors
from impl.okta.edge import OktaEdge
from impl.okta.fixtures import load_fixture as load_okta
from impl.settings import Settings
from impl.vestiaire import errors as vestiaire_errors
from impl.vestiaire.fixtures import load_fixture as load_vestiaire

SPECS = Path(__file__).resolve().parent.parent / "openapi"

Renderer = Callable[[Problem], ConnexionResponse]
# Wraps the app for the requests under one mount (base path): what a vendor does before
# and after connexion, such as rate limits and headers on every response, errors included.
Edge = Callable[[ASGIApp, str], ASGIApp]


@dataclass(frozen=True)
class Api:
    spec: str
    base_path: str
    handlers: str
    render: Renderer
    loader: FixtureLoader | None = None
    edge: Edge | None = None


ADMIN = Api("admin.yaml", "/_admin", "impl.admin.handlers", admin_errors.render)
VENDORS = {
    "vestiaire": Api(
        "vestiaire.yaml",
        "/vestiaire",
        "impl.vestiaire.handlers",
        vestiaire_errors.render,
        load_vestiaire,
    ),
    "okta": Api(
        "okta.yaml", "/okta", "impl.okta.handlers", okta_errors.render, load_okta, OktaEdge
    ),
}


class SnakeCaseResolver(Resolver):
    """Keeps the vendor's operationId (createSession) and calls <handlers>.create_session."""

    def __init__(self, module: str) -> None:
        super().__init__()
        self._module = module

    def resolve_operation_id(self, operation: Any) -> str:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", operation.operation_id).lower()
        return f"{self._module}.{snake}"


class Front:
    """Outermost ASGI layer: hands every request the Runtime through its scope, dates every
    response by Sessim's clock (so that clients reckoning from Date agree with emulated
    expiry times), and passes the request to the edge of the API that owns its path."""

    def __init__(self, app: ASGIApp, runtime: Runtime, owners: list[tuple[str, ASGIApp]]) -> None:
        self.app = app
        self.runtime = runtime
        self.owners = owners

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[SCOPE_KEY] = self.runtime
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        date = formatdate(await self.runtime.clock.epoch(), usegmt=True)
        owner = next((app for base, app in self.owners if _owns(base, scope["path"])), self.app)
        await owner(scope, receive, with_headers(send, {"Date": date}))


def load_spec(api: Api, settings: Settings) -> dict:
    spec = yaml.safe_load((SPECS / api.spec).read_text())
    if api is ADMIN and not settings.admin_token:
        spec["security"] = []  # the admin token is enforced only when one is configured
    return spec


def create_app(settings: Settings) -> Front:
    store = open_store(settings.store)
    runtime = Runtime(
        store=store,
        clock=Clock(store),
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
        loaders={name: api.loader for name, api in VENDORS.items() if api.loader},
        admin_token=settings.admin_token,
    )

    seed = fixtures.read(settings.seed) if settings.seed else None

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        if seed is not None:
            await fixtures.load(runtime, seed)
        yield
        await store.close()

    app = AsyncApp(__name__, lifespan=lifespan, validator_map=VALIDATOR_MAP)
    # Inside connexion's error handling, so that a 413 is rendered like any other failure.
    app.add_middleware(
        BodyLimit, position=MiddlewarePosition.BEFORE_SWAGGER, max_bytes=settings.max_body_bytes
    )
    mounts = [(ADMIN.base_path, ADMIN)]
    mounts += [(VENDORS[name].base_path, VENDORS[name]) for name in settings.apis]
    if settings.root:
        mounts.append(("", VENDORS[settings.root]))  # connexion mounts "" at /, not "/"
    routes = RouteTable()
    for base_path, api in mounts:
        spec = load_spec(api, settings)
        app.add_api(
            spec, base_path=base_path, name=base_path, resolver=SnakeCaseResolver(api.handlers)
        )
        routes.add_spec(base_path, spec)
    owners = sorted(mounts, key=lambda mount: len(mount[0]), reverse=True)

    def handle_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        problem = to_problem(exc)
        if problem.status == 405:
            allow = ", ".join(routes.allowed(request.url.path))
            problem.headers["Allow"] = allow
            problem.detail = f"{request.method} is not allowed here; use {allow}."
        path = request.url.path
        owner = next((api for base, api in owners if _owns(base, path)), ADMIN)
        return owner.render(problem)

    # connexion and starlette register handlers of their own for these two; ours must win.
    for exc_class in (Exception, ProblemException, HTTPException):
        app.add_error_handler(exc_class, handle_error)
    edges = [(base, api.edge(app, base) if api.edge else app) for base, api in owners]
    return Front(app, runtime, edges)


def _owns(base_path: str, path: str) -> bool:
    return base_path == "" or path == base_path or path.startswith(base_path + "/")
