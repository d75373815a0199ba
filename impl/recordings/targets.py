"""Whether two URLs (a Location, a link in a body) point at the same thing, one recorded at
the vendor and one answered by Sessim: their hosts differ and Sessim serves each vendor under
a base path, so the recorded path, its ids mapped, must end Sessim's; the query must have the
same names and values."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote, urlsplit

# An id or a token: what the mapping may not know (handed out and never used again) and
# varies per call: 8 characters or more of letters, digits, - and _, a digit among them.
ID_LIKE = re.compile(r"(?=[^/]*\d)[A-Za-z0-9_.~-]{8,}")


def same_target(recorded: str, actual: str, mapped: Callable[[str], str]) -> bool:
    if mapped(recorded) == actual:
        return True
    was, now = urlsplit(recorded), urlsplit(actual)
    was_path = [mapped(unquote(part)) for part in was.path.split("/")[1:]]
    now_path = [unquote(part) for part in now.path.split("/")[1:]]
    if len(now_path) < len(was_path):
        return False
    ends = now_path[len(now_path) - len(was_path) :]
    was_query, now_query = parse_qsl(was.query), parse_qsl(now.query)
    if [name for name, _ in was_query] != [name for name, _ in now_query]:
        return False
    was_values = [mapped(value) for _, value in was_query]
    return all(map(same_part, [*was_path, *was_values], [*ends, *(v for _, v in now_query)]))


def same_part(recorded: str, actual: str) -> bool:
    """A path segment or query value, the recorded one mapped: equal, or ids both."""
    return recorded == actual or bool(ID_LIKE.fullmatch(recorded) and ID_LIKE.fullmatch(actual))
