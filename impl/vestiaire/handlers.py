"""createSession and deleteSession: parse, call core, shape."""

from __future__ import annotations

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response

from ..core.kit.errors import Forbidden, Unauthenticated
from ..core.kit.instants import to_datetime
from ..core.kit.runtime import runtime_of
from ..core.kit.tokens import ALPHANUMERIC, opaque_id
from ..core.web.bodies import dump, respond
from ..core.web.operations import request
from ..generated.vestiaire import Credentials, Session, SessionResponse
from .state import vestiaire

COOKIE = "__session={}; HttpOnly; Secure; SameSite=Lax; Path=/"


async def create_session(body: Credentials) -> Response:
    state = await vestiaire(runtime_of(request))
    user = await state.identities.authenticate(body.email, body.password.get_secret_value())
    session = await state.sessions.create(opaque_id(40, alphabet=ALPHANUMERIC), user.id)
    data = Session(id=session.id, userId=user.id, expiresAt=to_datetime(int(session.expires_at)))
    return respond(dump(SessionResponse(data=data)), 201, cookies=[COOKIE.format(session.id)])


async def delete_session(sessionId: str, token_info: dict) -> ConnexionResponse:
    if token_info["session_id"] != sessionId:
        raise Forbidden("The __session header belongs to another session.")
    state = await vestiaire(runtime_of(request))
    if await state.sessions.end(sessionId) is None:
        raise Unauthenticated("The session has already ended.")  # lost a race with another log-out
    return ConnexionResponse(status_code=204)
