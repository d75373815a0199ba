"""The Users API, for a test's set-up and clean-up: parse, call the org's users, shape as
Okta does."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..core.features import outbox
from ..core.kit.identities import User
from ..core.kit.runtime import runtime_of
from ..core.web.bodies import dump, respond
from ..core.web.operations import request
from ..generated.dicts import okta as shapes
from ..generated.okta import CreateUserRequest
from . import filters
from .errors import SearchWithFilter
from .paging import linked, page
from .state import NAMESPACE, last_login_key, okta_for
from .users import DEPROVISIONED, Users, activation_token
from .views import org_url, user_body

PATH = "/api/v1/users"
FILTERED = (
    "id",
    "status",
    "profile.login",
    "profile.email",
    "profile.firstName",
    "profile.lastName",
)
# What q matches a prefix of (Okta: "firstName, lastName, and email").
SEARCHED = ("firstName", "lastName", "email")
ACTIVATION_SUBJECT = "Activate your account"
ACTIVATION_SECONDS = 7 * 86_400  # Okta's default activation token lifetime (inferred)
EVERY_USER = 1_000_000  # a list reads every user, then pages


async def list_users(
    q: str | None = None,
    filter: str | None = None,
    search: str | None = None,
    after: str | None = None,
    limit: int = 200,
) -> Response:
    """A page of the users that q, filter and search keep (DEPROVISIONED ones only when an
    expression asks), by id, with Okta's Link headers."""
    if q and (filter or search):
        raise SearchWithFilter("q with filter or search")
    users = await _users()
    keeps = [filters.parse(text, FILTERED) for text in (filter, search) if text]
    found: list[tuple[User, str]] = []
    for user in await users.identities.listed(EVERY_USER):
        status = await users.status(user)
        attributes = _attributes(user, status)
        visible = bool(keeps) or status != DEPROVISIONED
        if visible and _matches(user, q) and all(keep(attributes) for keep in keeps):
            found.append((user, status))
    ids = [user.id for user, _ in found]
    shown, next_after = page(found, ids, after, limit)
    body = [await _shape(user, status, single=False) for user, status in shown]
    query = {"q": q, "filter": filter, "search": search, "after": after, "limit": limit}
    return linked(request.scope, PATH, body, query, next_after)


async def create_user(
    body: CreateUserRequest,
    activate: bool = True,
    provider: bool = False,
    nextLogin: str | None = None,
) -> Response:
    """provider and nextLogin are accepted, not used (no providers or password policy)."""
    password = body.credentials.password if body.credentials else None
    secret = password.value if password else None
    users = await _users()
    profile = dump(body.profile)
    given = None if secret is None else secret.get_secret_value()
    user = await users.create(profile, given, activate)
    return respond(await _shape(user, user.status), 200)


async def get_user(userId: str) -> Response:
    users = await _users()
    user = await users.found(userId)
    return respond(await _shape(user, await users.status(user)), 200)


async def delete_user(userId: str, sendEmail: bool = False) -> Response:
    users = await _users()
    await users.delete(await users.found(userId))
    return respond(None, 204)


async def activate_user(userId: str, sendEmail: bool = True) -> Response:
    """The activation token in the answer, or (sendEmail) in an email to the outbox."""
    users = await _users()
    user = await users.activate(await users.found(userId))
    token = activation_token()
    url = f"{org_url(request.scope)}/tokens/{token}/verify"  # as recorded; not served
    activation = {"activationUrl": url, "activationToken": token}
    if not sendEmail:
        return respond(activation, 200)
    email = user.profile.get("email", user.login)
    store = runtime_of(request).store
    await outbox.send(store, NAMESPACE, email, ACTIVATION_SUBJECT, activation, ACTIVATION_SECONDS)
    return respond({}, 200)


async def deactivate_user(userId: str, sendEmail: bool = False) -> Response:
    users = await _users()
    await users.deactivate(await users.found(userId))
    return respond({}, 200)


async def suspend_user(userId: str) -> Response:
    users = await _users()
    await users.suspend(await users.found(userId))
    return respond({}, 200)


async def unsuspend_user(userId: str) -> Response:
    users = await _users()
    await users.unsuspend(await users.found(userId))
    return respond({}, 200)


async def unlock_user(userId: str) -> Response:
    users = await _users()
    await users.unlock(await users.found(userId))
    return respond({}, 200)


async def expire_password(userId: str) -> Response:
    users = await _users()
    user = await users.expire_password(await users.found(userId))
    return respond(await _shape(user, user.status), 200)


async def shaped_user(user: User) -> shapes.User:
    """A user read alone, with the status Okta reports (for `/users/me` too)."""
    return await _shape(user, await (await _users()).status(user))


async def _users() -> Users:
    runtime = runtime_of(request)
    return Users(await okta_for(request), await runtime.clock.epoch())


async def _shape(user: User, status: str, *, single: bool = True) -> shapes.User:
    last_login = await runtime_of(request).store.get(last_login_key(user.id))
    return user_body(org_url(request.scope), user, last_login, status=status, single=single)


def _attributes(user: User, status: str) -> filters.Attributes:
    names = {name: user.profile.get(name) for name in ("firstName", "lastName")}
    return {
        "id": [user.id],
        "status": [status],
        "profile.login": [user.login],
        "profile.email": [user.profile.get("email", user.login)],
        **{f"profile.{name}": [value] for name, value in names.items() if isinstance(value, str)},
    }


def _matches(user: User, q: str | None) -> bool:
    if not q:
        return True
    prefix = q.lower()
    values: dict[str, Any] = {"email": user.login, **user.profile}
    return any(str(values.get(name, "")).lower().startswith(prefix) for name in SEARCHED)
