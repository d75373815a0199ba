"""createSession and deleteSession: parse, call core, shape."""

from __future__ import annotations

import time

from starlette.responses import Response

from ..core.kit.errors import Forbidden, Unauthenticated
from ..core.kit.runtime import runtime_of
from ..core.kit.tokens import ALPHANUMERIC, opaque_id
from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.dicts import vestiaire as shapes
from ..generated.vestiaire import Credentials
from .state import vestiaire

COOKIE = "__session={}; HttpOnly; Secure; SameSite=Lax; Path=/"
# expiresAt: UTC to the second, as pydantic wrote the spec's date-time (the dict is built here:
# making and dumping the two models took about 4 us of a log-in).
EXPIRES_AT = "%Y-%m-%dT%H:%M:%SZ"


async def create_session(body: Credentials) -> Response:
    state = await vestiaire(runtime_of(request))
    user = await state.identities.authenticate(body.email, body.password.get_secret_value())
    session = await state.sessions.create(opaque_id(40, alphabet=ALPHANUMERIC), user.id)
    data: shapes.Session = {
        "id": session.id,
        "userId": user.id,
        "expiresAt": time.strftime(EXPIRES_AT, time.gmtime(int(session.expires_at))),
    }
    return respond({"data": data}, 201, cookies=[COOKIE.format(session.id)])


async def delete_session(sessionId: str, token_info: dict) -> Response:
    if token_info["session_id"] != sessionId:
        raise Forbidden("The __session header belongs to another session.")
    state = await vestiaire(runtime_of(request))
    if await state.sessions.end(sessionId) is None:
        raise Unauthenticated("The session has already ended.")  # lost a race with another log-out
    return respond(None, 204)
