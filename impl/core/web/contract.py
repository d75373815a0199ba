"""What the contract runs (schemathesis against a live server, and in-process for the vendors'
stateful tests) need of an API: how to seed it and how to authenticate, declared by the API
beside its spec.

A client handed to these functions is an httpx.Client whose base URL is the API's own mount
(a live server's, or a test client's around the app), so paths are the spec's paths.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable

import httpx

Headers = dict[str, str]
# The API's section of the seeded fixture and a client on its mount -> headers for every call.
RunHeaders = Callable[[dict, httpx.Client], Headers]
# The same, per operation (by operationId), for the in-process stateful runs' auth.
OperationHeaders = Callable[[dict, httpx.Client, str], Headers]
# The API's section of the seeded fixture and a client on its mount -> its first user signed
# in, with one live session; what it returns is the API's own (Optimizely's, its bearer).
SignIn = Callable[[dict, httpx.Client], object]
# A generated call's path parameters -> the credentials it carries (its own, not the run's).
CallHeaders = Callable[[Mapping[str, object]], Headers]


def no_headers(section: dict, client: httpx.Client) -> Headers:
    return {}


def as_seeded(section: dict) -> dict:
    return section


def basic(user: str, secret: str) -> Headers:
    """The Basic Authorization header of these credentials."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()}


@dataclass(frozen=True)
class ContractRun:
    """One schemathesis CLI run, against a server of its own freshly seeded."""

    headers: RunHeaders = no_headers
    options: tuple[str, ...] = ()  # further CLI options: --include-tag, --phases


@dataclass(frozen=True)
class Contract:
    runs: tuple[ContractRun, ...] = (ContractRun(),)
    # Headers per operation for the in-process runs (None: they send none of their own).
    auth: OperationHeaders | None = None
    # Seconds the in-process runs reuse what `auth` gave (None: asks for each call, for a
    # credential a call may spend, as a logout does).
    reuse_auth: int | None = None
    # Whether a credential that a stateful link carried stays (SFCC's basket owner's JWT)
    # rather than being replaced by the one `auth` gives.
    links_carry_credentials: bool = False
    # The API's fixture section as the contract run seeds it (Okta's rate limits raised out
    # of the fuzzer's way), from its demo section.
    seed: Callable[[dict], dict] = as_seeded
    # How a client signs the fixture's first user in (the inspector's tests list the live
    # session it leaves); None for an API without sessions.
    sign_in: SignIn | None = None
    # operationId -> the credentials its calls carry of their own, made from their path
    # parameters (Vestiaire's logout presents, in `__session`, the session it ends). Both
    # runs declare them as auth, so schemathesis also probes the operation without them.
    own_credentials: Mapping[str, CallHeaders] = field(default_factory=dict)
    # The API's schemathesis settings: a TOML file of one [[project]] (matched by the spec's
    # title) that the contract runs assemble into their configuration.
    schemathesis: Traversable | None = None
