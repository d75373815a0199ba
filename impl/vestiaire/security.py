"""ApiKeyAuth: the `__session` header names the caller's own live session."""

from __future__ import annotations

from typing import Any

from ..core.kit.runtime import runtime_of
from .state import vestiaire


async def session_from_header(apikey: str, request: Any) -> dict | None:
    """The session behind the header, its validity slid forward; None (401) when there is none."""
    state = await vestiaire(runtime_of(request))
    session = await state.sessions.refresh(apikey)
    if session is None:
        return None
    return {"sub": session.subject, "session_id": session.id}
