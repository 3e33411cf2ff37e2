"""Conversation and message ids.

A DIRECT conversation's id is derived from its sorted pair, so asking twice gives the
same conversation, and membership is readable from the id itself. A GROUP conversation's
id is derived from its group. Message ids are time-ordered (milliseconds, then random
bits to keep concurrent sends apart), so they are the history order as sort keys.
"""

from __future__ import annotations

import re
import secrets
import time
import uuid

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_DIRECT = re.compile(rf"^d_({_UUID})_({_UUID})$")
_GROUP = re.compile(rf"^g_({_UUID})$")
MESSAGE_ID = re.compile(r"^[0-9]{13}[0-9a-f]{8}$")


def direct_conversation_id(a: uuid.UUID, b: uuid.UUID) -> str:
    low, high = sorted((str(a), str(b)))
    return f"d_{low}_{high}"


def group_conversation_id(group_id: uuid.UUID) -> str:
    return f"g_{group_id}"


def direct_pair(conversation_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The pair of a canonical DIRECT id (sorted, lower-case): one id per conversation."""
    match = _DIRECT.match(conversation_id)
    if not match or match[1] >= match[2]:
        return None
    return uuid.UUID(match[1]), uuid.UUID(match[2])


def group_of(conversation_id: str) -> uuid.UUID | None:
    match = _GROUP.match(conversation_id)
    return uuid.UUID(match[1]) if match else None


def is_conversation_id(value: str) -> bool:
    return direct_pair(value) is not None or bool(_GROUP.match(value))


def new_message_id(now: float | None = None) -> str:
    millis = int((now if now is not None else time.time()) * 1000)
    return f"{millis:013d}{secrets.token_hex(4)}"


def message_millis(message_id: str) -> int:
    return int(message_id[:13])
