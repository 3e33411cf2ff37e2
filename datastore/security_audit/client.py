"""Events as one client caused them: its address and user agent go into the event (and
are hashed by `record`), with the time the operation took."""

from __future__ import annotations

import time
from typing import Any, Protocol

from datastore.security_audit.events import SecurityEvent, SecurityEventType


class Client(Protocol):
    @property
    def ip(self) -> str | None: ...

    @property
    def user_agent(self) -> str | None: ...


def security_event(
    event_type: SecurityEventType,
    message: str,
    client: Client,
    *,
    started: float | None = None,
    **fields: Any,
) -> SecurityEvent:
    """An event from this client; `started` (a perf_counter) gives its processing time."""
    elapsed = None if started is None else round((time.perf_counter() - started) * 1000)
    return SecurityEvent(
        type=event_type,
        message=message,
        ip=client.ip,
        user_agent=client.user_agent,
        processing_time_ms=elapsed,
        **fields,
    )
