"""The journal's changes for the sync log and live clients: one outbox event per write.

Topic `journal.<entity>.<operation>`; the payload is the sync log's (ids and versions
only), so a secret or private entry's text never leaves its table.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.outbox.repository import OutboxRepository
from datastore.sync.service import change_payload

TOPIC_PREFIX = "journal."
# What changed: (entity type, GraphQL node type) by the topic's entity.
ENTITIES = {
    "entry": ("JOURNAL_ENTRY", "JournalEntry"),
    "tag": ("JOURNAL_TAG", "JournalTag"),
    "reminder": ("REMINDER", "Reminder"),
}


async def record_change(
    session: AsyncSession,
    user_id: uuid.UUID,
    entity: str,
    operation: str,
    row: Any,
    *,
    device: str | None,
) -> None:
    """Append the change of `row` (an entry, tag or reminder) in the caller's transaction."""
    entity_type, node_type = ENTITIES[entity]
    payload = change_payload(entity_type, node_type, row.id, operation, row.version, device)
    await OutboxRepository(session).append(
        user_id, f"{TOPIC_PREFIX}{entity}.{operation.lower()}", payload
    )
