"""What Sessim knows of SFCC's recorded traffic (`sessim replay`): its faults' messages and
the `sfcc` fixture section a recording needs: the sites of its paths, the client ids it sends
(x-dw-client-id, or the client_id parameter), and the customers whose credentials logins
(POST customers/auth, `type: credentials`, Basic login:password) succeeded, with what the
customer documents in its answers show (customer_no, email, names). OCAPI's fixture takes no
customer id: the replay maps the recorded ones."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from ..core.kit.credentials import basic_credentials
from ..core.web.recorded import (
    Recorded,
    RecordedCall,
    json_body,
    objects,
    path_of,
    query_of,
    succeeded,
)

SITE = re.compile(r"/s/([A-Za-z0-9_]{1,64})/dw/shop/")
CLIENT_ID = re.compile(r"[!-~]{1,100}")
PROFILE = ("customer_no", "email", "first_name", "last_name")


def infer_seed(calls: Sequence[RecordedCall]) -> dict:
    sites: list[str] = []
    clients: list[str] = []
    customers: dict[str, dict] = {}  # by login in lower case
    for call in calls:
        site = SITE.search(path_of(call))
        _append(sites, site[1] if site and site[1] != "-" else None)
        sent = call.request.header("x-dw-client-id") or query_of(call).get("client_id")
        _append(clients, sent if sent and CLIENT_ID.fullmatch(sent) else None)
        if 200 <= call.status < 300:
            _read(json_body(call.response), customers)
        if succeeded(call, "POST", "/customers/auth"):
            _logged_in(call, customers, site[1] if site and site[1] != "-" else None)
    section: dict = {"sites": sites} if sites else {}
    if clients:
        section["clients"] = [{"client_id": client} for client in clients]
    if customers:
        section["customers"] = [_complete(customer) for customer in customers.values()]
    return section


def _append(found: list[str], value: str | None) -> None:
    if value and value not in found:
        found.append(value)


def _read(answer: object, customers: dict[str, dict]) -> None:
    """The registered customers an answer's customer documents show."""
    for found in objects(answer):
        if isinstance(found.get("login"), str) and isinstance(found.get("customer_no"), str):
            known = {name: found[name] for name in PROFILE if isinstance(found.get(name), str)}
            customers.setdefault(found["login"].lower(), {"login": found["login"]}).update(known)


def _logged_in(call: RecordedCall, customers: dict[str, dict], site: str | None) -> None:
    """The login and password of a credentials login that succeeded, on its site."""
    request = json_body(call.request)
    if not isinstance(request, dict) or request.get("type") != "credentials":
        return
    try:
        credentials = basic_credentials(call.request.header("Authorization"))
    except ValueError:
        return
    if credentials and credentials[0] and credentials[1]:
        login, password = credentials
        customer = customers.setdefault(login.lower(), {"login": login})
        customer.update({"password": password} | ({"site": site} if site else {}))


def _complete(customer: dict) -> dict:
    """A customer the fixture schema takes: a password the recording never sent is random
    (no recorded login of it can fail for it); what its answers never showed is made up."""
    return {
        "password": secrets.token_urlsafe(16),
        "email": customer["login"],
        "first_name": "Recorded",
        "last_name": "Customer",
        "customer_no": f"9{secrets.randbelow(10**7):07d}",
        **customer,
    }


RECORDED = Recorded(
    summaries=(("fault", "message"),),
    # A hash of the document's state, new with every change.
    varying=frozenset({"_resource_state"}),
    seed=infer_seed,
    # Instances on demandware.net (the OCAPI clients' demo-ocapi.demandware.net, reference
    # sfcc.md S2, S3) and on-demand sandboxes on dx.commercecloud.salesforce.com (Salesforce's
    # b2c-developer-tooling, sandboxHostnameFromDefaultDomain); a storefront's own
    # hostname (the host-mapped form) needs --map.
    hosts=("*.demandware.net", "*.commercecloud.salesforce.com"),
)
