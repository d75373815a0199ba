"""Server-side sessions with an idle lifetime that slides on use and an optional absolute cap."""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import vendor_of
from .store import Record, Store


def live_sessions_tag(namespace: str) -> str:
    """The tag every session of a vendor carries, by which the store counts the live ones
    (the metrics' live-sessions gauge)."""
    return f"{vendor_of(namespace)}:live-sessions"


@dataclass
class Session:
    id: str
    subject: str
    created_at: float
    expires_at: float
    # The absolute cap: refresh never moves expires_at past it. None means no cap.
    ends_at: float | None = None
    data: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The record the store keeps: the fields as they are (a store serialises the value
        as it takes it, so no deep copy as dataclasses.asdict makes, a tenth of a log-in's
        session work)."""
        return dict(vars(self))


@dataclass(frozen=True)
class SessionPolicy:
    idle_seconds: float
    max_lifetime_seconds: float | None = None


class Sessions:
    def __init__(self, store: Store, namespace: str, policy: SessionPolicy) -> None:
        self._store = store
        self._ns = namespace
        self._policy = policy
        self._live_tag = live_sessions_tag(namespace)  # counted by the metrics

    def _key(self, session_id: str) -> str:
        return f"{self._ns}:session:{session_id}"

    def _subject_tag(self, subject: str) -> str:
        return f"{self._ns}:subject:{subject}"

    async def create(self, session_id: str, subject: str, data: dict | None = None) -> Session:
        now = await self._store.now()
        cap = self._policy.max_lifetime_seconds
        ends_at = None if cap is None else now + cap
        session = Session(session_id, subject, now, self._slid(now, ends_at), ends_at, data or {})
        await self._save(session, now)
        return session

    async def create_many(self, sessions: list[tuple[str, str, dict]]) -> None:
        """create() for many (session id, subject, data) at once, in one bulk write: for
        filling a store with sessions (the benchmarks), not for requests."""
        now = await self._store.now()
        cap = self._policy.max_lifetime_seconds
        ends_at = None if cap is None else now + cap
        expires_at = self._slid(now, ends_at)
        await self._store.put_many(
            [
                Record(
                    self._key(session_id),
                    Session(session_id, subject, now, expires_at, ends_at, data).to_json(),
                    expires_at - now,
                    [self._subject_tag(subject), self._live_tag],
                )
                for session_id, subject, data in sessions
            ]
        )

    def _slid(self, now: float, ends_at: float | None) -> float:
        expires_at = now + self._policy.idle_seconds
        return expires_at if ends_at is None else min(expires_at, ends_at)

    async def _save(self, session: Session, now: float) -> None:
        await self._store.put(
            self._key(session.id),
            session.to_json(),
            ttl=session.expires_at - now,
            tags=[self._subject_tag(session.subject), self._live_tag],
        )

    async def get(self, session_id: str) -> Session | None:
        """The live session, or None when it never existed, ended or expired."""
        data = await self._store.get(self._key(session_id))
        return Session(**data) if data else None

    async def newest(self, limit: int) -> list[Session]:
        """Up to limit live sessions, the latest to expire (the newest or last used) first."""
        return [Session(**found.value) for found in await self._store.scan(self._key(""), limit)]

    async def refresh(self, session_id: str) -> Session | None:
        """Slide the idle expiry forward from now, never past the absolute cap."""
        session = await self.get(session_id)
        if session is None:
            return None
        now = await self._store.now()
        session.expires_at = max(session.expires_at, self._slid(now, session.ends_at))
        # replace, not put: a session ended since the read above must stay ended.
        alive = await self._store.replace(
            self._key(session_id), session.to_json(), ttl=session.expires_at - now
        )
        return session if alive else None

    async def update(self, session_id: str, changes: dict) -> Session | None:
        """Merge changes into a live session's data in place, keeping its expiry; None when
        it has ended or expired (also when it ends meanwhile: an ended session stays ended)."""
        session = await self.get(session_id)
        if session is None:
            return None
        session.data = {**session.data, **changes}
        ttl = session.expires_at - await self._store.now()
        alive = await self._store.replace(self._key(session_id), session.to_json(), ttl=ttl)
        return session if alive else None

    async def end(self, session_id: str) -> Session | None:
        """End a session atomically: of concurrent callers, exactly one gets it back."""
        data = await self._store.consume(self._key(session_id))
        return Session(**data) if data else None

    async def end_all(self, subject: str) -> int:
        """End every live session of a subject; the number ended."""
        ended = 0
        for key in await self._store.tagged(self._subject_tag(subject)):
            ended += await self._store.delete(key)
        return ended
