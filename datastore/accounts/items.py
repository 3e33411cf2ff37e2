"""DynamoDB items of accounts: device sessions."""

from __future__ import annotations

from dataclasses import dataclass

from datastore.kit.dynamodb import TableSpec, register_table

# Sessions are read by id on every request (the id is in the token) and listed per user.
SESSIONS = register_table(
    TableSpec(
        name="sessions",
        partition_key="id",
        indexes=(("by_user", "user_id", "created_at"),),
        ttl_attribute="expires_at",
    )
)


@dataclass(frozen=True)
class SessionItem:
    id: str
    user_id: str
    token_hash: str
    device_name: str | None
    user_agent: str | None
    ip: str | None
    created_at: str  # ISO 8601 UTC, sorts as time
    last_active_at: str
    expires_at: int  # epoch seconds; DynamoDB's TTL attribute
