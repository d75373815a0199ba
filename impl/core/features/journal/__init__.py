"""The request journal: every request and answer, secrets redacted, in a ring in the store
that every worker shares (ring), watched by one ASGI layer outside the app (capture), made
into entries in one place (entries), with near misses for what matched no operation
(nearmiss), and optionally logged as JSON lines."""

from .capture import Recorder
from .ring import Filter, Journal

__all__ = ["Filter", "Journal", "Recorder"]
