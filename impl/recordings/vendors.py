"""Whose a recorded call is, and where it goes on Sessim.

Each host of a recording is judged once, for all its calls, in this order:
1. `--map HOST=vendor` (the host's name, or name:port);
2. the vendors' real hosts (each declaration's `recorded.hosts`, shell patterns: "*.okta.com");
3. a Sessim (the journal's HAR, `sessim record` in front of a Sessim): its paths start with
   a vendor's base path, which each call keeps;
4. the paths only one vendor has (its `recorded.paths`: Optimizely's, on its customers' own
   names): the vendor that the host's calls name, when they name one alone.
Else the host is unknown (UnknownHost names it, the --map that would place it and the
--skip-host that would leave it out: a browser's HAR holds the page's own calls, its
scripts and images, beside the vendor's).

Calls to a Sessim's own admin API (/_admin/..., which a journal's HAR holds: the seeds,
clock moves and faults a test made) are no vendor's: the replay leaves them out
(`vendor_calls`), as it resets, seeds and sets the clock itself; so are the calls to the
hosts the user names with `--skip-host`.

On Sessim, a vendor's call has the real path after the vendor's base path:
https://dev-1.okta.com/api/v1/sessions -> {url}/okta/api/v1/sessions,
https://x.demandware.net/s/RefArch/dw/shop/v20_8/customers/auth ->
{url}/sfcc/s/RefArch/dw/shop/v20_8/customers/auth (each spec's server is its base path).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import SplitResult, urlsplit

from ..core.web.api import Api
from ..registry import ADMIN, VENDORS
from .model import Interaction


class UnknownHost(Exception):
    """No rule tells whose the calls to a host are (the message says which, and what to do)."""


@dataclass(frozen=True)
class Route:
    """Where a recorded call goes: the vendor, and Sessim's URL of the recorded origin's root
    (`base` + the recorded path is the call's URL on Sessim)."""

    api: Api
    origin: str  # the recorded scheme://host[:port]
    base: str


def parse_map(text: str) -> tuple[str, str]:
    """A --map argument, HOST=vendor: the host (lower case) and the vendor's name."""
    host, equals, vendor = text.partition("=")
    if not equals or not host or vendor not in VENDORS:
        raise ValueError(f"--map {text}: give HOST=VENDOR, VENDOR one of {', '.join(VENDORS)}")
    return host.lower(), vendor


def vendor_calls(
    interactions: Iterable[Interaction], skipped: Collection[str] = ()
) -> list[Interaction]:
    """The interactions but those with a Sessim's admin API and those with the `skipped`
    hosts (each a name or name:port, lower case)."""
    admin = ADMIN.base_path + "/"
    return [
        interaction
        for interaction in interactions
        if not _skipped(urlsplit(interaction.url), admin, skipped)
    ]


def _skipped(parts: SplitResult, admin: str, skipped: Collection[str]) -> bool:
    netloc = parts.netloc.lower()
    return parts.path.startswith(admin) or netloc in skipped or _name(netloc) in skipped


def routes(interactions: Iterable[Interaction], url: str, maps: Mapping[str, str]) -> list[Route]:
    """The route of each interaction, in order; UnknownHost for a host no rule places."""
    calls = [(urlsplit(interaction.url), interaction) for interaction in interactions]
    paths: dict[str, list[str]] = {}
    for parts, _ in calls:
        paths.setdefault(parts.netloc.lower(), []).append(parts.path)
    judged = {host: _judge(host, host_paths, maps) for host, host_paths in paths.items()}
    root = url.rstrip("/")
    return [_route(parts, judged[parts.netloc.lower()], root) for parts, _ in calls]


def _route(parts: SplitResult, api: Api | None, root: str) -> Route:
    origin = f"{parts.scheme}://{parts.netloc}"
    if api is None:  # a Sessim's call: the vendor whose base path it has, kept
        return Route(_under_base_path(parts.path) or _unplaced(parts.netloc), origin, root)
    return Route(api, origin, root + api.base_path)


def _judge(netloc: str, paths: list[str], maps: Mapping[str, str]) -> Api | None:
    """The vendor of every call to this host; None: a Sessim (each call's base path says)."""
    name = _name(netloc)
    mapped = maps.get(netloc) or maps.get(name)
    if mapped:
        return VENDORS[mapped]
    by_host = [api for api in VENDORS.values() if _matches(name.lower(), api.recorded.hosts)]
    if by_host:
        return by_host[0]
    if all(_under_base_path(path) for path in paths):
        return None
    named = {api.name: api for path in paths for api in _named_by(path)}
    if len(named) == 1:
        return next(iter(named.values()))
    if named:
        raise UnknownHost(
            f"the calls to {netloc} are {' or '.join(sorted(named))}'s: say which with "
            f"--map {name}=VENDOR"
        )
    return _unplaced(netloc)


def _named_by(path: str) -> list[Api]:
    """The vendors that this path names alone (their recorded.paths, any case)."""
    path = path.rstrip("/").lower()
    return [api for api in VENDORS.values() if _matches(path, api.recorded.paths)]


def _matches(text: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(text, pattern) for pattern in patterns)


def _under_base_path(path: str) -> Api | None:
    return next((api for api in VENDORS.values() if path.startswith(api.base_path + "/")), None)


def _name(netloc: str) -> str:
    """The host's name, without its port."""
    return netloc if netloc.endswith("]") else netloc.rsplit(":", 1)[0]


def _unplaced(netloc: str) -> Api:
    raise UnknownHost(
        f"no vendor is known at {netloc}: say whose its calls are with "
        f"--map {_name(netloc)}=VENDOR (VENDOR one of {', '.join(VENDORS)}), "
        f"or leave them out with --skip-host {_name(netloc)}"
    )
