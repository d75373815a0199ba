"""Okta's cursor paging of its lists: a page of `limit` after the id `after` names, and the
`Link` headers (`self`, then `next` while more follow) that lead through them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.types import Scope

from ..core.web.bodies import respond
from .views import org_url

T = TypeVar("T")


def page(
    found: Sequence[T], ids: Sequence[str], after: str | None, limit: int
) -> tuple[list[T], str | None]:
    """The `limit` records after the one whose id (in `ids`, of `found`) is `after`, from
    the start when none is; and the cursor of the next page while more follow."""
    start = ids.index(after) + 1 if after in ids else 0
    end = start + limit
    return list(found[start:end]), ids[end - 1] if end < len(ids) else None


def linked(
    scope: Scope, path: str, body: list[Any], query: dict[str, Any], next_after: str | None
) -> Response:
    """The page answered with its Link headers: `self` (the request's query) and, when a
    cursor follows, `next`; `query` holds the list's parameters, `after` and `limit` too."""
    response = respond(body, 200)
    links = [_link(scope, path, query, "self")]
    if next_after is not None:
        links.append(_link(scope, path, {**query, "after": next_after}, "next"))
    response.raw_headers.extend((b"link", link.encode("latin-1")) for link in links)
    return response


def _link(scope: Scope, path: str, query: dict[str, Any], rel: str) -> str:
    """A Link header's value: the list's URL with the given query parameters."""
    given = urlencode({name: value for name, value in query.items() if value is not None})
    return f'<{org_url(scope)}{path}?{given}>; rel="{rel}"'
