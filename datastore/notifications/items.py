"""DynamoDB items of notifications: one table, partitioned by user.

Sort keys: `n#<ms>-<rand>` notifications (newest last, so time order without an index),
`d#<key>` idempotency markers, `counter` the unread count. Unread notifications also carry
`unread_user`, a sparse index key, so listing only the unread ones never scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datastore.kit.dynamodb import TableSpec, register_table

NOTIFICATIONS = register_table(
    TableSpec(
        name="notifications",
        partition_key="user_id",
        sort_key="sk",
        indexes=(("unread", "unread_user", "sk"),),
        ttl_attribute="expires_at",
    )
)

KINDS = ("MESSAGE", "FRIEND_REQUEST", "GROUP_INVITE", "SYSTEM", "REMINDER", "SHARE", "EXPORT")
TTL_DAYS = 30


@dataclass(frozen=True)
class NotificationItem:
    user_id: str
    sk: str
    kind: str
    title: str
    body: str | None
    data: dict[str, Any]
    created_at: str
    read_at: str | None
    expires_at: int
