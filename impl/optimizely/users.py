"""Optimizely's users: account states, lookup by email, the password validator and the
profile fields a session shows."""

from __future__ import annotations

from typing import TypedDict

from ..core.kit.errors import InvalidInput
from ..core.kit.identities import User
from ..core.kit.store import Store
from ..generated.optimizely import SessionRequest
from .state import NAMESPACE, Optimizely, Settings

DEACTIVATED = "DEACTIVATED"  # UserProfile.IsDeactivated
PENDING = "PENDING"  # created without an activated account


def _email_key(email: str) -> str:
    return f"{NAMESPACE}:email:{email.casefold()}"


async def save_email(store: Store, email: str, user_id: str) -> None:
    await store.put(_email_key(email), user_id)


async def change_email(store: Store, old: str | None, new: str, user_id: str) -> None:
    """The user found by the new email, no longer by the old one."""
    if old and old.casefold() != new.casefold():
        await store.delete(_email_key(old))
    await save_email(store, new, user_id)


async def find_user(state: Optimizely, store: Store, body: SessionRequest) -> User | None:
    """The user a reset or activation names, by userName or else by email (the handlers
    find the user "using either the Email or UserName property")."""
    if body.userName:
        return await state.identities.by_login(body.userName)
    if body.email:
        user_id = await store.get(_email_key(body.email))
        return await state.identities.by_id(user_id) if user_id else None
    return None


def check_password_rules(settings: Settings, password: str) -> None:
    """The password validator: RequiredLength and RequireDigit (the others are off)."""
    if len(password) < settings.password_min_length:
        raise InvalidInput(
            f"Password must be at least {settings.password_min_length} characters long."
        )
    if settings.password_require_digit and not any(c.isdigit() for c in password):
        raise InvalidInput("Password must include at least one numeric character.")


class UserFields(TypedDict):
    """What GetUserInfo puts in the session: keys of the spec's Session, which mypy holds
    them to where the session model spreads them."""

    userName: str
    userProfileId: str | None
    userLabel: str
    userRoles: str
    userRolesTranslated: str
    email: str
    firstName: str
    lastName: str
    isSalesPerson: bool
    hasDefaultCustomer: bool
    dashboardIsHomepage: bool | None


def user_fields(user: User) -> UserFields:
    """What GetUserInfo puts in the session."""
    profile = user.profile
    first, last = profile.get("firstName", ""), profile.get("lastName", "")
    return {
        "userName": profile.get("userName", user.login),
        "userProfileId": user.id,
        "userLabel": f"{first} {last}".strip() or profile.get("userName", user.login),
        "userRoles": ",".join(profile.get("roles", [])),
        "userRolesTranslated": ",".join(profile.get("roles", [])),
        "email": profile.get("email", ""),
        "firstName": first,
        "lastName": last,
        "isSalesPerson": bool(profile.get("is_sales_person")),
        "hasDefaultCustomer": bool(profile.get("default_customer")),
        "dashboardIsHomepage": profile.get("dashboardIsHomepage"),
    }
