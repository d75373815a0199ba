"""The self-service unlock flow of Okta's Authentication API, and cancel: the recovery token
goes to Sessim's outbox, its stateToken to a RECOVERY transaction, the answer lifts the
lockout in core."""

from __future__ import annotations

from starlette.responses import Response

from ..core.features import outbox
from ..core.kit.errors import Unauthenticated
from ..core.kit.identities import ACTIVE, User
from ..core.kit.runtime import runtime_of
from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.okta import (
    RecoveryAnswerRequest,
    RecoveryTokenRequest,
    StateTokenRequest,
    UnlockAccountRequest,
)
from .state import NAMESPACE, RECOVERY_TOKEN_SECONDS, STATE_TOKEN_SECONDS, Okta, okta, okta_for
from .views import cancelled_body, org_url, recovery_body, recovery_challenge_body, unlocked_body

UNLOCK_SUBJECT = "Account unlock"


async def unlock_account(body: UnlockAccountRequest) -> Response:
    """Mail a recovery token to an ACTIVE user; every username gets the same answer."""
    login = body.username
    runtime = runtime_of(request)
    state = await okta(runtime)
    user = await state.identities.by_login(login)
    if user is not None and user.status == ACTIVE:
        token, _ = await state.recovery_tokens.issue({"user_id": user.id}, RECOVERY_TOKEN_SECONDS)
        # Okta's email links to its sign-in page, which Sessim does not serve: the token it is.
        data = {"recoveryToken": token, "recoveryType": "UNLOCK"}
        await outbox.send(
            runtime.store, NAMESPACE, user.login, UNLOCK_SUBJECT, data, RECOVERY_TOKEN_SECONDS
        )
    return respond(recovery_challenge_body(), 200)


async def verify_recovery_token(body: RecoveryTokenRequest) -> Response:
    """Spend the recovery token for a RECOVERY transaction with a stateToken."""
    recovery_token = body.recoveryToken
    state = await okta_for(request)
    grant = await state.recovery_tokens.redeem(recovery_token)
    user, _ = await _granted(state, grant, "the recovery token is unknown, expired or already used")
    expires_at = await runtime_of(request).clock.epoch() + STATE_TOKEN_SECONDS
    transaction = {"user_id": user.id, "expires_at": expires_at}
    token, _ = await state.state_tokens.issue(transaction, STATE_TOKEN_SECONDS)
    return respond(recovery_body(org_url(request.scope), user, token, expires_at), 200)


async def answer_recovery_question(body: RecoveryAnswerRequest) -> Response:
    """End the RECOVERY transaction by unlocking its user (any answer: no question is set)."""
    state_token = body.stateToken
    state = await okta_for(request)
    grant = await state.state_tokens.redeem(state_token)
    user, transaction = await _granted(
        state, grant, "the stateToken is unknown, expired or already used"
    )
    await state.identities.unlock(user.id)
    return respond(unlocked_body(user, transaction["expires_at"]), 200)


async def cancel_transaction(body: StateTokenRequest) -> Response:
    """End a RECOVERY transaction unanswered: the user stays as they were."""
    state_token = body.stateToken
    state = await okta_for(request)
    if await state.state_tokens.redeem(state_token) is None:
        raise Unauthenticated("the stateToken is unknown, expired or already used")
    return respond(cancelled_body(), 200)


async def _granted(state: Okta, grant: dict | None, refusal: str) -> tuple[User, dict]:
    """The grant's user and the grant, or Okta's 401 E0000011 for a bad token (also when
    the user is gone)."""
    user = None if grant is None else await state.identities.by_id(grant["user_id"])
    if grant is None or user is None:
        raise Unauthenticated(refusal)
    return user, grant
