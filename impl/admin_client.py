"""A client of the admin API over HTTP: what `sessim reset|seed|clock|journal|faults` and the
object of `sessim.running()` (and the pytest fixtures) call. Light on purpose: httpx and
PyYAML (fixture_files), nothing of the server, so that the CLI's admin commands start fast."""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypedDict, Unpack

import httpx

from . import durations, fixture_files

# A journal entry or a fault rule, as the admin API shapes it; and a list of them (named
# here, as the classes' own `list` methods would shadow the built-in in their annotations).
Record = dict[str, Any]
Records = list[Record]
Query = Mapping[str, str | int | None]


class JournalFilters(TypedDict, total=False):
    """What journal entries are picked by (None: any): the API that answered, its
    operationId, the status, the method, and the emulated instant they start at."""

    vendor: str | None
    operation_id: str | None
    status: int | None
    method: str | None
    since: datetime | str | None


class AdminError(Exception):
    """The admin call failed: no server answered, the token was refused, or Sessim refused
    the request (status says which; None when nothing answered). The message is one line."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ClockTime:
    """The emulated clock: its instant, and whether it stands still."""

    now: datetime
    frozen: bool

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ClockTime:
        return cls(now=datetime.fromisoformat(body["now"]), frozen=body["frozen"])


class AdminClient:
    """The admin API of the Sessim at `url` (its root, such as http://127.0.0.1:8080), with
    `token` as its bearer token when the server has one (SESSIM_ADMIN_TOKEN); `authority`:
    the certificate (PEM) that an https:// Sessim's is checked against, when not the
    system's (`sessim serve --tls-self-signed`'s ca.pem)."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = 30.0,
        authority: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # The mark of a call that is no web page's (a form or a no-cors fetch cannot send
        # it): the admin API requires it, or a JSON body, on the calls that change state.
        headers = {"X-Sessim-Admin": "client"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # Certificates are loaded for an https:// Sessim only: loading them took a tenth of
        # the CPU of an admin command.
        verify: ssl.SSLContext | bool = self.url.startswith("https:")
        if verify and authority:
            verify = ssl.create_default_context(cafile=authority)
        self._http = httpx.Client(
            base_url=f"{self.url}/_admin", headers=headers, timeout=timeout, verify=verify
        )
        self.clock = ClockControl(self)
        self.journal = Journal(self)
        self.faults = Faults(self)

    def close(self) -> None:
        self._http.close()

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        params: Query | None = None,
    ) -> Any:
        """The answer's JSON (None for an empty one); AdminError when there is no answer or
        the answer is an error."""
        query = {name: value for name, value in (params or {}).items() if value is not None}
        try:
            response = self._http.request(method, path, json=body, params=query)
        except httpx.TransportError as error:
            raise AdminError(
                f"no Sessim answers at {self.url} ({error or type(error).__name__}); "
                "is `sessim serve` running there?"
            ) from error
        if response.status_code >= 400:
            raise AdminError(_refusal(method, path, response), response.status_code)
        try:
            return response.json() if response.content else None
        except json.JSONDecodeError as error:
            raise AdminError(f"what answers at {self.url} is not Sessim's admin API") from error

    def reset(self) -> None:
        """Wipe all state: users, sessions, counters, keys, the clock, journal and faults."""
        self.call("POST", "/reset")

    def seed(self, fixture: fixture_files.Fixture) -> dict[str, dict[str, int]]:
        """Load a fixture (a document, or the path of its YAML or JSON file); what was loaded,
        counted per vendor section. A file is checked first (ValueError says what is wrong
        with it, as `sessim serve --seed` does)."""
        return self.call("POST", "/seed", fixture_files.read(fixture))["loaded"]


class ClockControl:
    """The emulated clock every vendor reads (GET, PUT /_admin/clock, POST .../advance)."""

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def get(self) -> ClockTime:
        return ClockTime.from_json(self._admin.call("GET", "/clock"))

    def now(self) -> datetime:
        return self.get().now

    def set(self, now: datetime | str | None = None, frozen: bool | None = None) -> ClockTime:
        """Jump to `now` (an aware datetime or an RFC 3339 string) and/or freeze (True) or
        unfreeze (False) time; what is not given stays as it is."""
        body: dict[str, object] = {}
        if now is not None:
            body["now"] = now if isinstance(now, str) else _rfc3339(now)
        if frozen is not None:
            body["frozen"] = frozen
        if not body:
            raise ValueError("clock.set needs an instant (now=...) or frozen=True/False")
        return ClockTime.from_json(self._admin.call("PUT", "/clock", body))

    def advance(self, duration: str | float) -> ClockTime:
        """Move time forward by seconds or a duration such as "90s", "15m", "2h" or "1d"."""
        body = {"seconds": durations.seconds(duration)}
        return ClockTime.from_json(self._admin.call("POST", "/clock/advance", body))


class Journal:
    """The requests Sessim answered, newest first (GET, DELETE /_admin/journal), picked by
    JournalFilters."""

    PAGE = 500  # the most the journal endpoint hands out at once

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def list(self, *, limit: int | None = None, **filters: Unpack[JournalFilters]) -> Records:
        """The entries that match, newest first: all of them, or the newest `limit`."""
        query = _journal_query(filters)
        entries: Records = []
        cursor = None
        while limit is None or len(entries) < limit:
            size = self.PAGE if limit is None else min(self.PAGE, limit - len(entries))
            params = {**query, "limit": size, "cursor": cursor}
            page = self._admin.call("GET", "/journal", params=params)
            entries += page["entries"]
            cursor = page["next"]
            if cursor is None:
                break
        return entries

    def har(self, *, limit: int | None = None, **filters: Unpack[JournalFilters]) -> Record:
        """The entries that match (all, or the newest `limit`) as one HAR 1.2 document,
        oldest first."""
        query = _journal_query(filters)
        pages: Records = []
        cursor = None
        taken = 0
        while limit is None or taken < limit:
            size = self.PAGE if limit is None else min(self.PAGE, limit - taken)
            params = {**query, "format": "har", "limit": size, "cursor": cursor}
            page = self._admin.call("GET", "/journal", params=params)
            pages.append(page)
            taken += len(page["log"]["entries"])
            cursor = page["log"].pop("_next", None)
            if cursor is None:
                break
        # Each page is older than the one before it, and oldest first within.
        pages[0]["log"]["entries"] = [e for page in reversed(pages) for e in page["log"]["entries"]]
        return pages[0]

    def count(self, **filters: Unpack[JournalFilters]) -> int:
        """How many entries match: `journal.count(operation_id="createSession") == 2`."""
        return self._admin.call("GET", "/journal/count", params=_journal_query(filters))["count"]

    def clear(self) -> None:
        self._admin.call("DELETE", "/journal")


class Faults:
    """Fault rules (POST, GET, DELETE /_admin/faults): what Sessim does instead of answering
    the calls a rule matches. Rules are state: a reset wipes them."""

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def add(
        self,
        action: Literal["status", "delay", "drop"],
        *,
        status: int | None = None,
        delay: str | float | None = None,
        delay_max: str | float | None = None,
        vendor: str | None = None,
        operation_id: str | None = None,
        path: str | None = None,
        method: str | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Record:
        """A rule: `action` "status" (answer `status` in the vendor's error format), "delay"
        (wait `delay`, or a random time up to `delay_max`, then answer) or "drop" (close
        the connection); for the calls matching vendor, operation_id, path (a glob over
        the request path) and method; for the next `times` of them, or until removed; with
        a probability. The rule as Sessim keeps it, with its id."""
        rule = {
            "action": action,
            "status": status,
            "delayMs": _milliseconds(delay),
            "delayMaxMs": _milliseconds(delay_max),
            "vendor": vendor,
            "operationId": operation_id,
            "path": path,
            "method": method and method.upper(),
            "times": times,
            "probability": probability,
        }
        body = {name: value for name, value in rule.items() if value is not None}
        return self._admin.call("POST", "/faults", body)

    def list(self) -> Records:
        return self._admin.call("GET", "/faults")["rules"]

    def remove(self, rule_id: str) -> None:
        self._admin.call("DELETE", f"/faults/{rule_id}")

    def clear(self) -> None:
        self._admin.call("DELETE", "/faults")


def _journal_query(filters: JournalFilters) -> dict[str, str | int | None]:
    method, since = filters.get("method"), filters.get("since")
    return {
        "vendor": filters.get("vendor"),
        "operationId": filters.get("operation_id"),
        "status": filters.get("status"),
        "method": method and method.upper(),
        "since": _rfc3339(since) if isinstance(since, datetime) else since,
    }


def _milliseconds(duration: str | float | None) -> int | None:
    return None if duration is None else round(durations.seconds(duration) * 1000)


def _rfc3339(instant: datetime) -> str:
    if instant.tzinfo is None:
        raise ValueError(f"{instant} has no time zone: Sessim's clock needs an aware datetime")
    return instant.isoformat()


def _refusal(method: str, path: str, response: httpx.Response) -> str:
    """One line on why Sessim refused: its problem detail, or the start of what answered."""
    try:
        problem = response.json()
        detail = problem.get("detail") or problem.get("title")
    except (json.JSONDecodeError, AttributeError):
        detail = None
    detail = " ".join(str(detail or response.text[:200] or response.reason_phrase).split())
    if response.status_code == 401:
        return (
            f"Sessim refused the admin token ({detail}): give the token the server was started "
            "with (--admin-token or SESSIM_ADMIN_TOKEN)"
        )
    return f"{method} /_admin{path}: {response.status_code} {detail}"
