"""The purge plan: what erasing an account does in each store, one line per table.

A new table or store needs ONE line here, or `tests/lifecycle/test_plan.py` fails:
- PostgreSQL, a column with a foreign key to `users`: add `(table, column): <policy>` to
  `POSTGRES`. CASCADE when the row is the user's own data (the purge deletes it in batches,
  in plan order, then `DELETE FROM users` catches the rest by ON DELETE CASCADE); KEEP when
  the row belongs to others and the key is ON DELETE SET NULL; HANDOVER / an explicit step
  when neither is right (say which in the comment).
- PostgreSQL, a uuid column that names a user WITHOUT a foreign key: add it to
  `UNREFERENCED` (DELETE: the purge deletes its rows; VIA_PARENT: rows go with a parent
  row; ANONYMIZE: others' rows stay, naming the deleted account instead).
- PostgreSQL, a column holding a blob store key: add it to `BLOBS` with the column of its
  owner; the purge deletes those blobs and verifies that none is left.
- DynamoDB, a table registered with `register_table`: add `name: <step>` to `DYNAMODB`.
- Redis needs nothing: keys naming the user, and members, fields and values holding their
  id, are found by SCAN.

The verification does not trust the plan: it counts the user's rows through every foreign
key to `users` and every uuid `user_id` column the database's catalogue lists, every
DynamoDB item and Redis key, member or value that mentions the user, and the blobs.

Not erased: `security_audit_logs`. It is append-only (a trigger refuses UPDATE and DELETE)
and hash-chained, and holds only keyed hashes of user ids, sessions and addresses, never a
raw id; the purge appends ACCOUNT_DELETED to it. Once the account is gone its rows are
pseudonymous, kept as the security log's legitimate-interest retention (GDPR art. 17(3)).
"""

from __future__ import annotations

from enum import StrEnum


class Policy(StrEnum):
    CASCADE = "cascade"  # the user's own rows: deleted (batched), then by the FK cascade
    KEEP = "keep"  # others' rows: the FK sets the column NULL
    HANDOVER = "handover"  # group memberships: ownership passes first, then CASCADE
    DELETE = "delete"  # no FK: the purge deletes these rows itself
    VIA_PARENT = "via_parent"  # no FK to users: rows go with their parent's cascade
    ANONYMIZE = "anonymize"  # others' rows: the column names DELETED_ACCOUNT_ID instead


POSTGRES: dict[tuple[str, str], Policy] = {
    ("audit_logs", "user_id"): Policy.CASCADE,
    ("email_changes", "user_id"): Policy.CASCADE,
    # sharing: shares and links by me, of my entries, and to me all go
    ("entry_shares", "owner_id"): Policy.CASCADE,
    ("entry_shares", "person_id"): Policy.CASCADE,
    ("entry_shares", "shared_by"): Policy.CASCADE,
    ("share_links", "owner_id"): Policy.CASCADE,
    ("share_links", "created_by"): Policy.CASCADE,
    # files (their blobs: BLOBS below); the rows' triggers queue the keys in blob_garbage
    ("uploads", "user_id"): Policy.CASCADE,
    ("attachments", "user_id"): Policy.CASCADE,
    ("chat_media", "user_id"): Policy.CASCADE,
    # pod
    ("entries", "user_id"): Policy.CASCADE,  # its tags and activity follow
    ("categories", "user_id"): Policy.CASCADE,
    ("tags", "user_id"): Policy.CASCADE,
    ("activity_logs", "user_id"): Policy.CASCADE,
    ("pod_settings", "user_id"): Policy.CASCADE,
    ("pod_data_keys", "user_id"): Policy.CASCADE,  # the key goes: sealed secrets are gone
    # vault: sessions first, then hidden entries, then the tags (their wrapped keys follow)
    ("vault_sessions", "user_id"): Policy.CASCADE,
    ("opaque_sessions", "user_id"): Policy.CASCADE,
    ("vault_entries", "user_id"): Policy.CASCADE,
    ("secret_tags", "user_id"): Policy.CASCADE,
    # journal (sentiments, emotions, topics of entries go with their entries)
    ("journal_entries", "user_id"): Policy.CASCADE,
    ("journal_tags", "user_id"): Policy.CASCADE,
    ("reminders", "user_id"): Policy.CASCADE,
    ("embeddings", "user_id"): Policy.CASCADE,  # pod and journal vectors alike
    ("embedding_chunks", "user_id"): Policy.CASCADE,  # their passages
    ("search_terms", "user_id"): Policy.CASCADE,  # my words, for typo matching
    ("topics", "user_id"): Policy.CASCADE,  # user topics; system topics have no user
    ("topic_discovery", "user_id"): Policy.CASCADE,  # when my topics were last clustered
    ("psychology_insights", "user_id"): Policy.CASCADE,  # their evidence is my entries' ids
    ("insight_jobs", "user_id"): Policy.CASCADE,
    ("insight_refreshes", "user_id"): Policy.CASCADE,  # when my insights next change by date
    # people: friendships end, blocks both ways go
    ("friendships", "user_low"): Policy.CASCADE,
    ("friendships", "user_high"): Policy.CASCADE,
    ("blocks", "blocker_id"): Policy.CASCADE,
    ("blocks", "blocked_id"): Policy.CASCADE,
    ("user_activities", "user_id"): Policy.CASCADE,
    # exports: my archives (their blobs: BLOBS below) and what my imports created
    ("exports", "user_id"): Policy.CASCADE,
    ("import_records", "user_id"): Policy.CASCADE,
    # chat: groups stay for their other members
    ("chat_groups", "created_by"): Policy.KEEP,
    ("group_members", "user_id"): Policy.HANDOVER,
    ("group_invites", "user_id"): Policy.CASCADE,
    ("group_invites", "invited_by"): Policy.CASCADE,
}

UNREFERENCED: dict[tuple[str, str], Policy] = {
    ("outbox", "user_id"): Policy.DELETE,
    ("ai_jobs", "user_id"): Policy.DELETE,
    ("entry_tags", "user_id"): Policy.VIA_PARENT,  # entries (id, user_id)
    ("journal_entry_topics", "user_id"): Policy.VIA_PARENT,  # journal_entries
    # A sharer's change in the owner's pod: the owner's history stays, by a deleted account.
    ("activity_logs", "actor_id"): Policy.ANONYMIZE,
}

# JSON columns need no line: every json/jsonb column in the catalogue is searched for the
# user's id, which becomes DELETED_ACCOUNT_ID (others' history that named me: a share with
# me in their activity log, my id in their events), except in the rows named here.
JSON_KEPT: dict[str, str] = {
    # Events not relayed yet are the relay's: rewriting them would send a deleted account's
    # id to the sinks. Relayed ones are rewritten (and pruned later anyway).
    "outbox": "published_at IS NULL",
}

# Columns holding blob store keys -> the column of the row's owner.
BLOBS: dict[tuple[str, str], str] = {
    ("attachments", "blob_key"): "user_id",
    ("attachments", "thumbnail_key"): "user_id",
    ("uploads", "blob_key"): "user_id",
    ("chat_media", "blob_key"): "user_id",
    ("chat_media", "thumbnail_key"): "user_id",
    ("exports", "blob_key"): "user_id",
}
# Tables of blob keys that belong to no one (the queue of blobs to delete).
UNOWNED_BLOBS = frozenset({"blob_garbage"})


class DynamoStep(StrEnum):
    DELETE = "delete"  # every item mentioning the user
    CHAT_MESSAGES = "chat_messages"  # DIRECT: deleted; GROUP: tombstones (chat erasure)
    CHAT_INBOX = "chat_inbox"  # mine and DIRECT rows deleted; previews of me scrubbed
    CHAT_STATS = "chat_stats"  # mine deleted; DIRECT conversation ids leave others' sets
    NOTIFICATIONS = "notifications"  # mine deleted; others' about me too, unread count kept


# Table -> the step, with the key patterns that mention a user.
DYNAMODB: dict[str, DynamoStep] = {
    "sessions": DynamoStep.DELETE,  # id / user_id (by_user)
    "sync_log": DynamoStep.DELETE,  # user_id / seq
    "notifications": DynamoStep.NOTIFICATIONS,  # user_id / n#, d#, counter; others' about me
    "assistant_sessions": DynamoStep.DELETE,  # user_id / session_id
    "chat_fanout": DynamoStep.DELETE,  # a#<user> / ..., p#<shard> of my messages
    "chat_messages": DynamoStep.CHAT_MESSAGES,  # conversation / m#, c#<user>#, p#<user>
    "chat_inbox": DynamoStep.CHAT_INBOX,  # user_id / conversation_id
    "chat_stats": DynamoStep.CHAT_STATS,  # user_id / d#day
}
