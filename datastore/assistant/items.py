"""DynamoDB items of the assistant: one session per (user, session id), expiring by TTL."""

from __future__ import annotations

from datastore.kit.dynamodb import TableSpec, register_table

# Read and written by the asker only: the user is the partition, so a session id
# guessed by someone else is simply not in their partition.
ASSISTANT_SESSIONS = register_table(
    TableSpec(
        name="assistant_sessions",
        partition_key="user_id",
        sort_key="session_id",
        ttl_attribute="expires_at",
    )
)
MAX_TURNS = 10
