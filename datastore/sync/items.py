"""The per-user sync log in DynamoDB: every committed pod change, in order, for 30 days."""

from __future__ import annotations

from datastore.kit.dynamodb import TableSpec, register_table

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
