"""What Sessim knows of Optimizely's recorded traffic (`sessim replay`): its messages and
OAuth's error descriptions, and the `optimizely` fixture section a recording needs: the
storefront clients that the token call (POST /identity/connect/token) names, by Basic or in
its form, with their secrets; the users whose password grants and sign-ins (POST
/api/v1/sessions: userName, password, in any case as ASP.NET binds them) succeeded, and those
of the signed-in sessions it reads, with their names and email as the sessions show them;
and the websites it reads (GET /api/v1/websites/current)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..core.web.recorded import Recorded, RecordedCall, client_of, form_body, json_body, succeeded
from .catalog import NO_WEBSITE

PROFILE = ("email", "firstName", "lastName")
SESSIONS = "/api/v1/sessions"


def infer_seed(calls: Sequence[RecordedCall]) -> dict:
    clients: dict[str, str] = {}
    users: dict[str, dict] = {}  # by userName in lower case
    websites: dict[str, dict] = {}
    for call in calls:
        if succeeded(call, "POST", "/identity/connect/token"):
            _token_call(call, clients, users)
        elif succeeded(call, "POST", SESSIONS) or succeeded(call, "GET", f"{SESSIONS}/current"):
            _session(call, users)
        elif succeeded(call, "GET", "/api/v1/websites/current"):
            _website(call, websites)
    section: dict = {}
    if clients:
        section["clients"] = [{"client_id": id_, "client_secret": s} for id_, s in clients.items()]
    if users:
        section["users"] = [_complete(user) for user in users.values()]
    return section | ({"websites": list(websites.values())} if websites else {})


def _token_call(call: RecordedCall, clients: dict[str, str], users: dict[str, dict]) -> None:
    form, client = form_body(call.request), client_of(call)
    if client:
        clients[client[0]] = client[1]
    if form.get("grant_type") == "password" and form.get("username") and form.get("password"):
        _add(users, form["username"], {"password": form["password"]})


def _session(call: RecordedCall, users: dict[str, dict]) -> None:
    """A signed-in session's user as its answer shows it, with the userName and password
    that signed in (POST) sent."""
    answer, request = json_body(call.response), json_body(call.request)
    if isinstance(answer, dict) and answer.get("isAuthenticated"):
        name = answer.get("userName")
        if isinstance(name, str) and name:
            _add(
                users,
                name,
                {key: answer[key] for key in PROFILE if isinstance(answer.get(key), str)},
            )
    sent = (
        {key.lower(): value for key, value in request.items()} if isinstance(request, dict) else {}
    )
    name, password = sent.get("username"), sent.get("password")
    if isinstance(name, str) and isinstance(password, str) and name and password:
        _add(users, name, {"password": password})


def _complete(user: dict) -> dict:
    """A user the fixture schema takes: one whose sign-in the recording never shows gets a
    random password (no recorded sign-in can fail for it)."""
    return {"password": secrets.token_urlsafe(16), **user}


def _add(users: dict[str, dict], name: str, known: dict) -> None:
    users.setdefault(name.lower(), {"userName": name}).update(known)


def _website(call: RecordedCall, websites: dict[str, dict]) -> None:
    """A website as GET websites/current shows it, as its fixture entry, on the recorded host
    (the first website seeded is the one other hosts get). Languages and currencies come
    with `expand` only: without them, those of the website Sessim shows unseeded."""
    answer = json_body(call.response)
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
        return
    languages = _items(answer.get("languages"), "languages", ("id", "languageCode"))
    currencies = _items(answer.get("currencies"), "currencies", ("id", "currencyCode"))
    host = urlsplit(call.url).hostname
    websites[answer["id"]] = {
        "id": answer["id"],
        "name": str(answer.get("name", "")),
        "languages": languages or [dict(item) for item in NO_WEBSITE.languages],
        "currencies": currencies or [dict(item) for item in NO_WEBSITE.currencies],
    } | ({"domains": [host]} if host else {})


def _items(collection: object, key: str, required: tuple[str, ...]) -> list[dict]:
    """A collection's items (`{"languages": [...]}`), with the fields the fixture takes."""
    items = collection.get(key) if isinstance(collection, dict) else None
    optional = ("cultureCode", "description", "currencySymbol")
    return [
        {name: item[name] for name in (*required, *optional) if isinstance(item.get(name), str)}
        for item in items or []
        if isinstance(item, dict) and all(isinstance(item.get(name), str) for name in required)
    ]


RECORDED = Recorded(
    summaries=(("message",), ("error_description",)),
    seed=infer_seed,
    # Every customer serves the Storefront API on its own name (a sandbox's is
    # NAME.commerce.insitesandbox.com, reference optimizely_vestiaire.md S4): it is known by
    # its sessions and identity paths; its other calls on that host follow.
    hosts=("*.commerce.insitesandbox.com",),
    paths=("/api/v1/sessions", "/api/v1/sessions/current", "/identity/connect/*"),
)
