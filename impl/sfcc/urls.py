"""What SFCC knows of its own URLs for the journal's near misses: a Shop API path with a
version segment that the spec's Version parameter does not list, and a host-mapped path
(no `/s/{site_id}`) where no default site is configured."""

from __future__ import annotations

import re
from collections.abc import Iterator

# The spec's Version enum: the documented form and the generated clients' form.
VERSIONS = ("v20_8", "20.8")
SHOP_PATH = re.compile(r"(/s/[^/]+/dw/shop/)([^/]+)(/.*)?")
HOST_MAPPED = "/dw/shop/"  # a storefront hostname's form: the site comes from its alias


def near_paths(path: str) -> Iterator[tuple[str, str]]:
    """/s/RefArch/dw/shop/v20_2/sessions -> /s/RefArch/dw/shop/v20_8/sessions, and why;
    /dw/shop/v20_8/sessions (answered 404: no default site) -> /s/-/dw/shop/v20_8/sessions."""
    if path.startswith(HOST_MAPPED):
        reason = "the host-mapped form (no /s/{site_id}) needs settings.default_site"
        yield f"/s/-{path}", reason
        return
    match = SHOP_PATH.fullmatch(path)
    if match is None or match[2] in VERSIONS:
        return
    served = " or ".join(VERSIONS)
    reason = f"the version segment is {match[2]}; Sessim serves OCAPI 20.8 as {served}"
    yield f"{match[1]}{VERSIONS[0]}{match[3] or ''}", reason
