"""A vendor's error catalog: core's neutral Kinds to the vendor's status and body, in one
table with one policy for every vendor.

The table holds an entry per Kind (every Kind: a catalog missing one fails at import). The
status answered is, first to apply: a fault rule's own (an injected problem), the status
the raised error fixes (a vendor's error class that names one, SFCC's faults), the entry's.
The vendor supplies the body of an entry and, where a failure says more than its Kind (a
bad parameter, a vendor's own error), how it picks or words the entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from connexion.lifecycle import ConnexionResponse

from .bodies import json_response
from .problems import Kind, Problem


class Entry(Protocol):
    @property
    def status(self) -> int: ...


E = TypeVar("E", bound=Entry)


@dataclass(frozen=True)
class Catalog(Generic[E]):
    entries: Mapping[Kind, E]
    # The body of an answer: the problem, its entry and the status answered -> the vendor's
    # error document.
    body: Callable[[Problem, E, int], Mapping[str, Any]]
    # The entry of a problem that says more than its Kind; the table's by default.
    refine: Callable[[Problem, E], E] | None = None
    # Headers a vendor adds to its errors (Okta's spent rate-limit window), before the
    # problem's own.
    headers: Callable[[Problem], dict[str, str]] | None = None
    media_type: str = "application/json"

    def __post_init__(self) -> None:
        missing = [kind.value for kind in Kind if kind not in self.entries]
        if missing:
            raise ValueError(f"the error catalog answers no {', '.join(missing)}")

    def entry(self, problem: Problem) -> E:
        entry = self.entries[problem.kind]
        return self.refine(problem, entry) if self.refine else entry

    def status(self, problem: Problem, entry: E) -> int:
        """The one policy: a fault rule's status, else the raised error's own, else the entry's."""
        # A vendor's error class names its status as `status` (which connexion's security
        # layer also reads, to pick among failed schemes); core's errors name none.
        own: int | None = getattr(problem.error, "status", None)
        return problem.status_or(own or entry.status)

    def __call__(self, problem: Problem) -> ConnexionResponse:
        entry = self.entry(problem)
        extra = self.headers(problem) if self.headers else {}
        headers = {**extra, **problem.headers}
        status = self.status(problem, entry)
        return json_response(self.body(problem, entry, status), status, headers, self.media_type)
