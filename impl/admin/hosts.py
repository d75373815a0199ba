"""The Host names the admin API answers on: the defence against DNS rebinding.

A web page on another site can point its own name at 127.0.0.1 (DNS rebinding): the
developer's browser then sends that page's requests to Sessim as same-origin ones, able to
read the answers, with the page's name in `Host` (`Host: attacker.example:8080`). The admin
API refuses a Host it does not know, as Vite and webpack-dev-server do since their
advisories. It knows:

- localhost and its subdomains, which browsers resolve to loopback themselves (RFC 6761):
  no page can rebind them;
- any IP address: a page whose URL names an address was served from that address;
- the name Sessim is bound to (`--host`);
- the names of `--allowed-host` (".example.test": that name and its subdomains), or any
  name at all with "*".

The vendor APIs are not checked (docs/security.md says why): users point vendor host names
at Sessim, and those APIs hold nothing a page could not get from the vendor itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

ANY = "*"


class AllowedHosts:
    def __init__(self, bound: str, allowed: Iterable[str]) -> None:
        names = [_normal(name) for name in (bound, *allowed)]
        self.any = ANY in names
        self.names = frozenset(name for name in names if not name.startswith("."))
        self.domains = tuple(name for name in names if name.startswith("."))

    def allows(self, host: str | None) -> bool:
        """Whether a request's Host header (None: it has none, so it is no browser's) is
        one the admin API answers on."""
        if host is None or self.any:
            return True
        name = host_name(host)
        if name is None:
            return False
        return (
            name == "localhost"
            or name.endswith(".localhost")
            or _is_address(name)
            or name in self.names
            or any(name == domain[1:] or name.endswith(domain) for domain in self.domains)
        )


def host_name(host: str) -> str | None:
    """A Host header's name: lower case, without its port, brackets or a trailing dot; None
    for a value that names none."""
    try:
        name = urlsplit(f"//{host.strip()}").hostname
    except ValueError:  # a bracket that does not close
        return None
    return _normal(name) if name else None


def _normal(name: str) -> str:
    return name.strip().lower().rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
