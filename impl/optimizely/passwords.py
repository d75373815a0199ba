"""PATCH's password handlers: ResetPassword and ActivateAccount (an email with a token to
the outbox), ChangePassword (signed in, or the change a 422 asked for) and
ChangePasswordWithToken (single use; it also unlocks and activates the account)."""

from __future__ import annotations

from pydantic import SecretStr

from ..core.features import outbox
from ..core.kit.identities import ACTIVE, User
from ..core.kit.store import Store
from ..generated.optimizely import SessionRequest
from .context import Caller
from .errors import BadRequest, Denied
from .state import NAMESPACE
from .users import DEACTIVATED, PENDING, check_password_rules, find_user


async def send_reset(caller: Caller, store: Store, body: SessionRequest) -> None:
    user = await _named_user(caller, store, body)
    if user.status == DEACTIVATED:
        raise BadRequest("Your account has been deactivated.")
    await _send(caller, store, user, "reset", "Reset your password")


async def send_activation(caller: Caller, store: Store, body: SessionRequest) -> None:
    user = await _named_user(caller, store, body)
    if user.status != PENDING:
        raise BadRequest("This account is already activated.")
    await _send(caller, store, user, "activation", "Activate your account")


async def _named_user(caller: Caller, store: Store, body: SessionRequest) -> User:
    user = await find_user(caller.state, store, body)
    if user is None:
        raise BadRequest("No user was found with that user name or email.")
    return user


async def _send(caller: Caller, store: Store, user: User, purpose: str, subject: str) -> None:
    """A token good for reset_token_seconds, in an email to the user (the outbox)."""
    lifetime = caller.state.settings.reset_token_seconds
    token, _ = await caller.state.reset_tokens.issue({"user_id": user.id}, lifetime)
    user_name = user.profile.get("userName", user.login)
    data = {"resetToken": token, "userName": user_name, "purpose": purpose}
    await outbox.send(
        store, NAMESPACE, user.profile.get("email") or user_name, subject, data, lifetime
    )


async def change_password(caller: Caller, body: SessionRequest) -> None:
    """The signed-in user's, or (for the change a 422 asked for) the named user's, with the
    current password; a wrong one is a 400 and counts no failed sign-in."""
    identities = caller.state.identities
    user = caller.user if caller.signed_in else None
    if user is None:
        user_name = body.userName
        if not user_name:
            raise Denied("Authorization has been denied for this request.")
        user = await identities.by_login(user_name)
    new_password = _secret(body.newPassword)
    current = _secret(body.password)
    if user is None or not current or not await identities.check_password(user, current):
        raise BadRequest("The current password is incorrect.")
    await identities.ensure_may_sign_in(user)
    check_password_rules(caller.state.settings, new_password)
    await identities.set_password(
        user.id, new_password, profile={"password_change_required": False}
    )


async def reset_with_token(caller: Caller, body: SessionRequest) -> None:
    """The new password is checked before the token is spent, so a refused password keeps
    the link working."""
    new_password = _secret(body.newPassword)
    if not new_password:
        raise BadRequest("New password is required.")
    check_password_rules(caller.state.settings, new_password)
    grant = await caller.state.reset_tokens.redeem(body.resetToken or "")
    if grant is None:
        raise BadRequest("The reset token is invalid or has expired.")
    identities = caller.state.identities
    user = await identities.by_id(grant["user_id"])
    named = body.userName
    if user is None or (named and named.casefold() != user.login.casefold()):
        raise BadRequest("The reset token is invalid or has expired.")
    status = ACTIVE if user.status == PENDING else user.status
    changes = {"password_change_required": False}
    await identities.set_password(user.id, new_password, status, changes)
    await identities.unlock(user.id)


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""
