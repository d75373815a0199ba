"""connexion's per-request work prepared once per operation: the one module where Sessim
changes connexion (3.3) rather than configures it, each change a subclass or a layer that
could be offered upstream, each keeping connexion's answers.

- The handler's wrapper (PreparedOperation, PreparedDecorator, PreparedParameters):
  connexion builds a StarletteDecorator and decorates the handler again (parameter and
  response decorators, inspect.signature) on every request, and its parameter decorator
  reads the operation (its parameters, body name, URI parser) through werkzeug LocalProxy
  look-ups and makes a URI parser, on every request too. All of that depends only on the
  operation and its handler: it is built when the operation is first called and kept, and
  the arguments a handler gets are those connexion's own get_arguments computes with the
  same operation (its parts, less those that give nothing for the operation). Whether the
  handler is a coroutine function is asked once, not on every call. The request is made
  from the scope and receive the operation is called with (connexion reads back the same
  ones through proxies of its context variables).
- `request` (ServedRequest): that request, for handlers to read instead of connexion's
  proxy, which makes a new request at every attribute read.
- Request validation (ValidationMiddleware): the parameter validator made once per
  operation instead of per request.
- One request per request (shared_request): connexion's security middleware, its parameter
  validation and the handler's wrapper each make a ConnexionRequest of the same scope (and
  so parse the headers and resolve the path parameters again); here the first one made is
  kept in a context variable of the request's task (not in the scope, which it refers to:
  a cycle per request left for the garbage collector) and taken again while the scope and
  receive are the same objects (a body validator that wraps receive gets a new one, as
  before).
- Request validation (ValidationMiddleware) also reads the operation's media types and body
  schema once per operation and content type instead of per request, and keeps its body
  validators.
- The body parsed once (hand_over): a JSON body the validator parsed from UTF-8 is the one
  the handler's request reads, rather than the validator's replay of the same bytes parsed
  again by Starlette.
- Routing (Routing, RouteIndex): connexion's two Starlette routers, the APIs' mounts and
  each API's operations, try only the routes a path can match before Starlette's own loop.
- One callable per operation (Routing, linked): each routed layer inside routing (security,
  request and response validation, context, the app) looks the operation up again in the
  routing context on every request, and hands the request to the next layer, which does
  the same; the routing middleware's operations call instead the chain of those layers'
  own operations for that operation, linked once when the APIs are added (what each look-up
  would have found, as the routing context it sets names that operation).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar, runtime_checkable

from connexion import AsyncApp
from connexion import request as connexion_request
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.datastructures import MediaTypeDict
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    _get_body_argument,
    _get_file_arguments,
    _get_path_arguments,
    _get_query_arguments,
    unwrap_decorators,
)
from connexion.http_facts import FORM_CONTENT_TYPES
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.abstract import RoutedMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from connexion.middleware.security import (
    SecurityAPI,
    SecurityMiddleware,
    SecurityOperation,
)
from connexion.operations import AbstractOperation, OpenAPIOperation
from connexion.utils import inspect_function_arguments, is_nullable, split_content_type
from python_multipart.multipart import parse_options_header
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from .headers import first_header

# Where connexion's security middleware leaves what it learnt (connexion.context.context).
CONTEXT_KEY = "connexion_context"
CONTENT_TYPE = b"content-type"
_serving: ContextVar[ConnexionRequest] = ContextVar("sessim.request")
# The request the layers of connexion share (shared_request), per request's task.
_shared: ContextVar[ConnexionRequest | None] = ContextVar("sessim.shared_request", default=None)
# A JSON body its validator parsed (hand_over), per request's task; NOTHING when none was.
NOTHING: Any = object()
_parsed: ContextVar[Any] = ContextVar("sessim.parsed_body", default=NOTHING)
UTF_8 = frozenset({"utf-8", "utf8"})
logger = logging.getLogger("connexion.middleware.validation")
K = TypeVar("K")
V = TypeVar("V")


class ServedRequest:
    """The request a handler is serving, for handlers to import instead of connexion's own
    `request`, which makes a new ConnexionRequest (and Starlette request: headers, cookies
    and URL parsed again) at every attribute read: this one reads the request the prepared
    operation made (connexion's own where none was)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_serving.get(None) or connexion_request, name)


request: Any = ServedRequest()


def hand_over(body: Any) -> None:
    """Called by a JSON body validator with what it parsed from the body's bytes as
    Starlette's Request.json would (json.loads), so that the request the handler reads
    takes it instead of parsing the bytes again."""
    _parsed.set(body)


def shared_request(scope: Scope, receive: Receive, uri_parser: Any = None) -> ConnexionRequest:
    """The ConnexionRequest of this scope and receive: the one an outer layer made, else a
    new one kept for the layers inside. Every layer that takes it routes the same operation,
    so the URI parsers they hold are alike: the first one given is kept, and the path
    parameters it resolves are resolved once."""
    made = _shared.get()
    if made is not None:
        starlette = made._starlette_request
        if starlette.scope is scope and starlette._receive is receive:
            if made.uri_parser is None:
                made.uri_parser = uri_parser
            return made
    made = ConnexionRequest(scope, receive, uri_parser=uri_parser)
    if not scope.get("query_string"):
        # What connexion's URI parsers resolve an empty query to, without parsing it.
        made._query_params = {}
    _shared.set(made)
    return made


class PreparedParameters(AsyncParameterDecorator):
    """connexion's AsyncParameterDecorator told its operation when built: what it read from
    the operation on every call (the body's name, which arguments the handler takes) is read
    once, and the arguments come from the parts of connexion's get_arguments, with the
    operation itself."""

    def __init__(self, operation: OpenAPIOperation, **options: Any) -> None:
        super().__init__(**options)
        # get_arguments reads the body's definition two or three times a request, each a new
        # MediaTypeDict of the operation's media types matched by fnmatch: kept per content
        # type (the spec's own dicts; the same answers).
        operation.body_definition = functools.lru_cache(maxsize=16)(operation.body_definition)
        self.operation = operation

    def __call__(self, function: Callable) -> Callable:
        # The names are the operation's (its parameters, its body's): each sanitized once,
        # not by a regular expression on every request.
        operation, sanitize = self.operation, functools.lru_cache(maxsize=64)(self.sanitize_fn)
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        # An OpenAPI 3 body's name does not depend on its content type (x-body-name or body).
        wants_body = sanitize(operation.body_name("")) in arguments or has_kwargs
        wants_context = CONTEXT_NAME in arguments
        # connexion's get_arguments, its parts that give nothing for this operation left out:
        # without query parameters it binds no query, whatever the query holds; without a
        # body defined, no body; a TRACE request, neither a body nor files; and no files
        # where the request has none.
        reads_query = any(parameter["in"] == "query" for parameter in operation.parameters)
        traced = operation.method.upper() == "TRACE"
        has_body = operation.is_request_body_defined

        @functools.wraps(function)
        async def wrapper(request: ConnexionRequest) -> Any:
            content_type = first_header(request.scope, CONTENT_TYPE)
            request._mimetype = mimetype = _mimetype(content_type)
            body = None
            if wants_body:
                body = request.get_body()
                while asyncio.iscoroutine(body):
                    body = await body
            # starlette reads no form (and so no file) from a body of any other type
            files = await request.files() if mimetype in FORM_CONTENT_TYPES else {}
            found = _get_path_arguments(request.path_params, operation=operation, sanitize=sanitize)
            if reads_query:
                found.update(
                    _get_query_arguments(
                        request.query_params,
                        operation=operation,
                        arguments=arguments,
                        has_kwargs=has_kwargs,
                        sanitize=sanitize,
                    )
                )
            if not traced:
                if has_body:
                    found.update(
                        _get_body_argument(
                            body,
                            operation=operation,
                            arguments=arguments,
                            has_kwargs=has_kwargs,
                            sanitize=sanitize,
                            content_type=mimetype,
                        )
                    )
                if files:
                    body_schema = operation.body_schema(mimetype)
                    found.update(_get_file_arguments(files, arguments, body_schema, has_kwargs))
            kwargs = {sanitize(name): value for name, value in found.items()}
            context = request.scope.get("extensions", {}).get(CONTEXT_KEY, {})
            kwargs.update(
                (key, value) for key, value in context.items() if has_kwargs or key in arguments
            )
            if wants_context:
                kwargs[CONTEXT_NAME] = context
            return await function(**kwargs)

        return wrapper


@functools.lru_cache(maxsize=256)
def _mimetype(content_type: str | None) -> str:
    """ConnexionRequest.mimetype's parse of a Content-Type, once per value (the same few
    values, request after request)."""
    given = "application/octet-stream" if content_type is None else content_type
    mimetype, _options = parse_options_header(given)
    return mimetype.decode()


class PreparedDecorator(StarletteDecorator):
    """Decorates its function once, with the operation's URI parser made once."""

    def __init__(self, operation: OpenAPIOperation, **options: Any) -> None:
        super().__init__(**options)
        self.operation = operation
        self.parser = operation.uri_parser_class(operation.parameters, operation.body_definition())

    def decorate(self, function: Callable) -> Callable:
        """connexion's decoration, with the prepared parameter decorator. connexion asks on
        every call whether the handler is a coroutine function, to await it or run it in a
        thread: asked once here, a coroutine function is awaited as it is."""
        if not asyncio.iscoroutinefunction(function):
            function = self._sync_async_decorator(function)
        function = PreparedParameters(
            self.operation, framework=self.framework, pythonic_params=self.pythonic_params
        )(function)
        respond = self._response_decorator_cls(framework=self.framework, jsonifier=self.jsonifier)
        return respond(function)

    def __call__(self, function: Callable) -> Callable[[Scope, Receive], Awaitable[Any]]:
        decorated = self.decorate(function)

        async def wrapper(scope: Scope, receive: Receive) -> Any:
            serving = shared_request(scope, receive, self.parser)
            _serving.set(serving)
            return await decorated(serving)

        return wrapper


class PreparedOperation(AsyncOperation):
    """An operation whose wrapped handler is prepared on first use and kept."""

    operation: AbstractOperation

    @classmethod
    def from_operation(cls, operation: AbstractOperation, **options: Any) -> AsyncOperation:
        if not isinstance(operation, OpenAPIOperation):
            return AsyncOperation.from_operation(operation, **options)
        prepared = super().from_operation(operation, **options)
        prepared.operation = operation
        return prepared

    @functools.cached_property
    def prepared(self) -> Callable[[Scope, Receive], Awaitable[Any]]:
        decorator = PreparedDecorator(
            self.operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        return decorator(self._fn)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        response = await self.prepared(scope, receive)
        return await response(scope, receive, send)


class PreparedValidation(RequestValidationOperation):
    """connexion's request validation with what depends only on the operation made once:
    its parameter validator (connexion 3.3 makes it, and the URI parser it holds, on every
    request), its accepted media types and its body schema per content type. The checks
    and their order are connexion's, on the request the layers share."""

    MEDIA_TYPES = 16

    def __init__(self, next_app: ASGIApp, *, operation: AbstractOperation, **options: Any) -> None:
        super().__init__(next_app, operation=operation, **options)
        self._parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        self._parameters = self._validator_map["parameter"](
            operation.parameters,
            uri_parser=self._parser,
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )
        consumes = operation.consumes
        self._media_types = MediaTypeDict([(c.lower(), None) for c in consumes])
        # Without a Content-Type, connexion takes the first the operation accepts.
        self._default_mime = consumes[0] if consumes else "application/octet-stream"
        self._schemas: dict[str, dict] = {}
        self._validators: dict[tuple[str, str], Any] = {}

    def extract_content_type(self, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:
        """connexion's reading of the Content-Type header, with its defaults read once."""
        content_type = next(
            (value.decode("latin-1") for name, value in headers if name.lower() == CONTENT_TYPE),
            None,
        )
        if content_type is None:
            return self._default_mime, "utf-8"
        mime_type, encoding = split_content_type(content_type)  # a mime type, "" at least
        return str(mime_type), encoding or "utf-8"

    def validate_mime_type(self, mime_type: str) -> None:
        if self._operation.consumes and mime_type.lower() not in self._media_types:
            super().validate_mime_type(mime_type)  # connexion's refusal, in its words

    def _kept(self, kept: dict[K, V], key: K, make: Callable[[], V]) -> V:
        """kept[key], made and kept for the first MEDIA_TYPES keys only: a client picks the
        media type's spelling ("Application/JSON"), so past those it is made again rather
        than kept."""
        if key in kept:
            return kept[key]
        value = make()
        if len(kept) < self.MEDIA_TYPES:
            kept[key] = value
        return value

    def _body_schema(self, mime_type: str) -> dict:
        """The operation's body schema for a media type."""
        return self._kept(self._schemas, mime_type, lambda: self._operation.body_schema(mime_type))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._parameters.validate_request(shared_request(scope, receive, self._parser))
        mime_type, encoding = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        if self._body_schema(mime_type):
            receive, scope = await self._validated_body(scope, receive, mime_type, encoding)
        await self.next_app(scope, receive, send)

    async def _validated_body(
        self, scope: Scope, receive: Receive, mime_type: str, encoding: str
    ) -> tuple[Receive, Scope]:
        """connexion's body validation: receive (and scope) wrapped by the body's validator."""
        validator = self._body_validator(mime_type, encoding)
        if validator is None:
            logger.info("Skipping validation. No validator for content type: %s.", mime_type)
            return receive, scope
        _parsed.set(NOTHING)
        receive, scope = await validator.wrap_receive(receive, scope=scope)
        body = _parsed.get()
        if body is not NOTHING and encoding.lower() in UTF_8:
            # The validator replays the bytes it read, unchanged; Starlette's json() would
            # parse them into this (json.loads of UTF-8 bytes, None where they are empty).
            shared_request(scope, receive)._starlette_request._json = body
        return receive, scope

    def _body_validator(self, mime_type: str, encoding: str) -> Any:
        """The body's validator for a media type and encoding (None where connexion has
        none), kept like the body schemas: it holds only what the operation says of them,
        and connexion makes the same one on every request."""
        return self._kept(
            self._validators,
            (mime_type, encoding),
            lambda: self._new_body_validator(mime_type, encoding),
        )

    def _new_body_validator(self, mime_type: str, encoding: str) -> Any:
        try:  # a MediaTypeDict: its [] matches wildcards, its get() would not
            body_validator = self._validator_map["body"][mime_type]
        except KeyError:
            return None
        return body_validator(
            schema=self._body_schema(mime_type),
            required=self._operation.request_body.get("required", False),
            nullable=is_nullable(self._operation.body_definition(mime_type)),
            encoding=encoding,
            strict_validation=self.strict_validation,
            uri_parser=self._parser,
        )


class PreparedValidationApi(RequestValidationAPI):
    def make_operation(self, operation: AbstractOperation) -> RequestValidationOperation:
        return PreparedValidation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class PreparedSecurity(SecurityOperation):
    """connexion's security check, on the request the layers share."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.security:
            await self.verification_fn(shared_request(scope, receive))
        await self.next_app(scope, receive, send)


class PreparedSecurityApi(SecurityAPI):
    def make_operation(self, operation: Any) -> SecurityOperation:
        return PreparedSecurity.from_operation(
            operation,
            next_app=self.next_app,
            security_handler_factory=self.security_handler_factory,
        )


class Security(SecurityMiddleware):
    """connexion's SecurityMiddleware, its checks reading the request the layers share."""

    api_cls = PreparedSecurityApi


class ValidationMiddleware(RequestValidationMiddleware):
    """connexion's RequestValidationMiddleware with each operation's validators made once."""

    api_cls = PreparedValidationApi


class RouteIndex:
    """A Router's dispatch (its middleware_stack, a router without middleware of its own)
    that tries first only the routes whose literal start (the path before their first
    parameter) the request's path starts with: a route's pattern matches no other path, so
    the first of them that matches in full is the one Starlette's loop over every route
    finds. Anything else (a method another route takes, a slash to redirect, no route at
    all) takes Starlette's own way. connexion routes through two Starlette routers, its
    APIs' mounts and then each API's operations, trying each route's pattern in turn."""

    def __init__(self, router: Router) -> None:
        assert router.middleware_stack == router.app, "a router with middleware of its own"
        self.router = router
        self._starts: tuple[int, list[tuple[str, BaseRoute]]] = (-1, [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = get_route_path(scope)
            for start, route in self.starts():
                if not path.startswith(start):
                    continue
                match, child_scope = route.matches(scope)
                if match is Match.FULL:  # as Router.app does with the first full match
                    scope.setdefault("router", self.router)
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await self.router.app(scope, receive, send)

    def starts(self) -> list[tuple[str, BaseRoute]]:
        """(literal start, route) in the routes' order, made again when routes were added."""
        routes = self.router.routes
        if self._starts[0] != len(routes):
            self._starts = (len(routes), [(_literal_start(route), route) for route in routes])
        return self._starts[1]


def _literal_start(route: BaseRoute) -> str:
    """What every path a Route or Mount matches starts with; "" for any other route."""
    if isinstance(route, Route | Mount):
        return route.path.split("{", 1)[0]
    return ""


@runtime_checkable
class PerOperation(Protocol):
    """A layer among the routed ones that is not routed itself but can be put around one
    operation's chain (the same work, made for that chain)."""

    app: ASGIApp

    def around(self, app: ASGIApp) -> ASGIApp: ...


def linked(layer: ASGIApp, base_path: str, operation_id: str) -> ASGIApp:
    """What `layer` and the layers inside it do with this operation, as one chain: each
    routed layer's own operation for it, its next app the next layer's (connexion's routed
    middlewares find it in the routing context, by base path and id, on every request). A
    layer that is neither routed nor PerOperation, or misses the operation, ends the chain
    (it dispatches as before); the lifespan layer passes HTTP requests on, so it is left out."""
    if isinstance(layer, LifespanMiddleware):
        return linked(layer.next_app, base_path, operation_id)
    if isinstance(layer, PerOperation):
        return layer.around(linked(layer.app, base_path, operation_id))
    if not isinstance(layer, RoutedMiddleware):
        return layer
    operations = (api.operations for api in layer.apis.get(base_path, []))
    operation = next((found[operation_id] for found in operations if operation_id in found), None)
    if operation is None:
        return layer
    inner: ASGIApp = layer.app
    if operation is inner:  # nothing to do for it (response validation off)
        return linked(inner, base_path, operation_id)
    if getattr(operation, "next_app", None) is inner:
        operation.next_app = linked(inner, base_path, operation_id)
    return operation


class Routing(RoutingMiddleware):
    """connexion's RoutingMiddleware with its routers indexed (RouteIndex): the one of the
    APIs' mounts and each API's own, as connexion makes and mounts them; each operation
    it routes to calls that operation's chain of routed layers (linked)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.router.middleware_stack = RouteIndex(self.router)

    def add_api(self, *args: Any, **kwargs: Any) -> None:
        super().add_api(*args, **kwargs)
        mount = self.router.routes[-1]  # the API's Mount, just added
        assert isinstance(mount, Mount) and isinstance(mount.app, Router)
        mount.app.middleware_stack = RouteIndex(mount.app)
        # connexion adds an API to the layers inside first, so their operations are made.
        assert self.app is not None
        for route in mount.app.routes:
            operation = getattr(route, "app", None)
            if isinstance(operation, RoutingOperation) and operation.operation_id is not None:
                operation.next_app = linked(self.app, mount.path, operation.operation_id)


class ApiOnce(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return PreparedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class App(AsyncApp):
    """AsyncApp whose APIs prepare their operations' wrappers once."""

    def __init__(self, import_name: str, **options: Any) -> None:
        super().__init__(import_name, **options)
        self._middleware_app.api_cls = ApiOnce
