"""The per-user sync log in DynamoDB: every committed pod and journal change, 30 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from datastore.kit.dynamodb import TableSpec, register_table

# How long the log keeps a change (its items' TTL): a device offline for longer re-fetches.
WINDOW = timedelta(days=30)

# Read as "changes of one user after seq N, in order": the user is the partition and the
# outbox's per-user gap-free `seq` the sort key, which also makes a relay's repeated write
# of the same event a harmless overwrite of the same item.
SYNC_LOG = register_table(
    TableSpec(
        name="sync_log",
        partition_key="user_id",
        sort_key="seq",
        ttl_attribute="expires_at",
        attribute_types={"seq": "N"},
    )
)


@dataclass(frozen=True)
class SyncItem:
    user_id: str
    seq: int
    entity_type: str
    node_type: str
    entity_id: str
    operation: str
    version: int
    at: str  # ISO 8601, the commit's time
    expires_at: int  # epoch seconds, DynamoDB's TTL
    device: str | None = None  # the session that made the change; None for the pod itself
    merged_into: str | None = None  # a merged tag's target
