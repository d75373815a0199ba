"""An API's declaration: everything the rest of Sessim needs of it, in one object that its
package exports (a vendor's in impl/<vendor>/vendor.py, found through the registry).

Its spec, base path, handlers and security functions (what the app factory mounts), how it
renders errors (per operation where formats differ under one mount), its fixture loader,
edge, inventory, state views and admin actions, its demo fixture section, how the contract
run authenticates and its platform's conventions."""

from __future__ import annotations

import copy
import functools
import marshal
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from connexion.lifecycle import ConnexionResponse
from pydantic import BaseModel
from starlette.types import ASGIApp

from ..kit.runtime import Action, FixtureLoader, StateView, TakeInventory
from .bodies import Parser, parse
from .contract import Contract
from .conventions import Conventions
from .problems import Problem
from .recorded import Recorded
from .slashes import TrailingSlash
from .spec_cache import parsed

Renderer = Callable[[Problem], ConnexionResponse]
# Wraps the app for the requests under one mount (base path): what a vendor does before
# and after connexion, such as rate limits and headers on every response, errors included.
Edge = Callable[[ASGIApp, str], ASGIApp]
# A path under the API's base path (without it) -> the paths a request there may have meant,
# each with what was wrong, for the journal's near misses (SFCC: another version segment).
NearPaths = Callable[[str], Iterable[tuple[str, str]]]
# What judges a security scheme's credential (connexion passes it, and the request): the
# claims it stands for, or None (core.web.security_schemes mounts it in the spec).
SecurityFunction = Callable[..., Any]


def handler_name(operation_id: str) -> str:
    """The function an operationId resolves to in its handlers module: createSession ->
    create_session (tools/operations.py names the generated Protocol's methods so too)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def no_near_paths(path: str) -> Iterable[tuple[str, str]]:
    return ()


@dataclass(frozen=True)
class Api:
    name: str  # the fixture section and the --api choice
    spec: str  # file name under the `openapi` folder of the `resources` package
    base_path: str
    handlers: str  # module whose functions the operationIds resolve to
    # Its error catalog (core.web.catalog): errors of its operations, and of paths no
    # operation matched.
    render: Renderer
    loader: FixtureLoader | None = None
    edge: Edge | None = None
    # Scheme name (the spec's securitySchemes) -> the function, or its dotted name, that
    # judges its credential; every scheme an operation uses needs one.
    security: Mapping[str, SecurityFunction | str] = field(default_factory=dict)
    # operationId -> renderer, for operations whose errors take another format (OAuth's).
    renderers: Mapping[str, Renderer] = field(default_factory=dict)
    # How a path with a trailing slash is answered (never with a redirect).
    trailing_slash: TrailingSlash = TrailingSlash.SAME
    # name -> view of the vendor's state that the admin API serves (SFCC's storefront).
    views: Mapping[str, StateView] = field(default_factory=dict)
    # name -> action the admin API runs for the vendor (Optimizely's PunchOut start).
    actions: Mapping[str, Action] = field(default_factory=dict)
    # Where the vendor's error body holds its error code (Okta's errorCode, SFCC's
    # fault.type), as keys and indexes; () when its errors carry none.
    error_code: tuple[str | int, ...] = ()
    near_paths: NearPaths = no_near_paths
    # operationIds the journal leaves out (the journal's own reads, health probes).
    unjournaled: frozenset[str] = frozenset()
    # Its users, live sessions and tokens, for the inspector (GET /_admin/state/{vendor}).
    inventory: TakeInventory | None = None
    # How its handlers' bodies become their generated models (connexion passes dicts).
    parse: Parser = parse
    # The generated model of its fixture section, whose schema its spec's components hold
    # under the model's name (the admin API's Fixture assembles them); None: no section.
    fixture: type[BaseModel] | None = None
    # The package whose `openapi` subpackage (or folder) holds the spec (a separate vendor
    # package: its own). Named as a package, not a folder of it: in a clone, sessim.openapi
    # is the repository's openapi/, which the editable install maps (tools/hatch_build.py).
    resources: str = "sessim"
    # The vendor's section of the demo fixture (`sessim serve --demo`): a YAML file in the
    # declaring package; None for an API without fixture section.
    demo: Traversable | None = None
    # What the contract run (schemathesis) needs to authenticate and to seed.
    contract: Contract = field(default_factory=Contract)
    # What its platform does on every resource (SFCC's method override, OPTIONS, ...).
    conventions: Conventions = field(default_factory=Conventions)
    # What it knows of its recorded traffic, for `sessim replay` (codes, seeds).
    recorded: Recorded = field(default_factory=Recorded)

    def spec_file(self) -> Traversable:
        return spec_resource(self.resources, self.spec)

    def load_spec(self) -> dict:
        """The spec as a document of its own, which the caller may change."""
        kept = _parsed_spec(self.resources, self.spec)
        return marshal.loads(kept) if isinstance(kept, bytes) else copy.deepcopy(kept)

    def handler(self, operation_id: str) -> str:
        """The function an operationId resolves to: createSession -> <handlers>.create_session."""
        return f"{self.handlers}.{handler_name(operation_id)}"

    def renderer(self, handler: str | None) -> Renderer:
        """The renderer of the operation whose handler the router picked (None: no route)."""
        special = (render for op, render in self.renderers.items() if self.handler(op) == handler)
        return next(special, self.render)

    def all_renderers(self) -> list[Renderer]:
        return [self.render, *self.renderers.values()]


@functools.cache
def spec_document(resources: str, spec: str) -> dict:
    """A spec file of a package, parsed once per process (an app reads a vendor's spec for
    its mount, for the admin spec's fixture schemas and for its edge): read it, never change
    it."""
    kept = _parsed_spec(resources, spec)
    return marshal.loads(kept) if isinstance(kept, bytes) else kept


@functools.cache
def _parsed_spec(resources: str, spec: str) -> bytes | dict:
    """A spec file parsed (spec_cache.py: from the cache of parsed specs when it holds it):
    marshal's bytes of it, each load a fresh copy, or the document marshal cannot hold."""
    return parsed(spec_resource(resources, spec).read_bytes())


def spec_resource(resources: str, spec: str) -> Traversable:
    """A spec file of a package (a file in a checkout, in a wheel, in a zip)."""
    return files(f"{resources}.openapi") / spec
