"""DynamoDB tables of chat, keyed by how they are read.

`chat_messages`: one partition per conversation (`conversation_id`); sort keys
  `meta`                    the conversation (kind, pair, group),
  `m#<message id>`          messages, ids time-ordered so the sort key is history order,
  `c#<sender>#<client id>`  idempotency markers: a retried send finds its message,
  `p#<user id>`             a participant's delivered/read positions (receipts).
`chat_inbox`: one partition per user, sort key the conversation id (direct updates of
  unread counts); the `by_activity` index orders a user's rows by last activity
  (`activity` = the newest message id) for `conversations(first, after)` without scans.
`chat_stats`: one partition per user, sort key `d#YYYY-MM-DD`: counters kept with atomic
  ADD by the writes; months are the sum of their days.
`chat_fanout`: the fan-out of a durable message (inbox rows, statistics, notifications,
  activity), done at least once and applied once. `pk` / `sk`:
  `p#<shard>` / `<message id>#<conversation id>`  a fan-out still pending: written in the
      message's own transaction, deleted when the fan-out finished; a worker queries each
      shard for ids older than a grace period (ids are time-ordered), never a scan;
  `a#<user id>` / `<conversation id>#<message id>`  the message was counted into this
      member's inbox row and statistics: written in the same transaction as those counts,
      so applying the fan-out again changes nothing.
Every table has the TTL attribute `expires_at`; reads drop items past it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datastore.accounts.tables import DELETED_ACCOUNT_ID
from datastore.kit.dynamodb import TableSpec, register_table

MESSAGES = register_table(
    TableSpec(
        name="chat_messages",
        partition_key="conversation_id",
        sort_key="sk",
        ttl_attribute="expires_at",
    )
)
INBOX = register_table(
    TableSpec(
        name="chat_inbox",
        partition_key="user_id",
        sort_key="conversation_id",
        indexes=(("by_activity", "user_id", "activity"),),
        ttl_attribute="expires_at",
    )
)
STATS = register_table(
    TableSpec(name="chat_stats", partition_key="user_id", sort_key="sk", ttl_attribute="expires_at")
)

FANOUT = register_table(
    TableSpec(name="chat_fanout", partition_key="pk", sort_key="sk", ttl_attribute="expires_at")
)

MESSAGE_KINDS = ("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "EMOTION", "SYSTEM")
MEDIA_KINDS = ("IMAGE", "VIDEO", "DOCUMENT")
REACTIONS = ("LIKE", "LOVE", "LAUGH", "SAD", "ANGRY", "WOW")
STATS_TTL_DAYS = 800
# The sender of a deleted account's group messages once they are tombstones: no user has
# this id, so the message names nobody (see datastore/chat/repository/erasure.py).
DELETED_SENDER = str(DELETED_ACCOUNT_ID)


@dataclass(frozen=True)
class ConversationItem:
    id: str
    kind: str  # DIRECT | GROUP
    members: list[str]  # the pair, for DIRECT; empty for GROUP (members live in PostgreSQL)
    group_id: str | None
    created_at: str


@dataclass(frozen=True)
class MessageItem:
    conversation_id: str
    id: str
    sender_id: str
    kind: str
    body: str | None
    client_id: str
    created_at: str
    reply_to: str | None = None
    edited_at: str | None = None
    deleted_at: str | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, Any] | None = None
    # reaction kind -> ids of the users who reacted with it
    reactions: dict[str, set[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values["reactions"] = {k: sorted(v) for k, v in self.reactions.items()}
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> MessageItem:
        reactions = {k: set(v) for k, v in (values.get("reactions") or {}).items()}
        return cls(**{**values, "reactions": reactions})


@dataclass(frozen=True)
class ParticipantItem:
    conversation_id: str
    user_id: str
    delivered_upto: str | None
    delivered_at: str | None
    read_upto: str | None
    read_at: str | None


@dataclass(frozen=True)
class InboxItem:
    user_id: str
    conversation_id: str
    kind: str
    activity: str
    unread: int
    last_message: dict[str, Any] | None


@dataclass(frozen=True)
class StatsItem:
    day: str  # YYYY-MM-DD, or YYYY-MM for a month
    messages_sent: int
    messages_received: int
    groups_joined: int
    conversations: set[str]
