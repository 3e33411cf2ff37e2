"""The whole GraphQL schema: every domain's roots, listed explicitly.

Fields merge in the order listed here, which is the order `schema.graphql` shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema._graphql_core import GraphQLExecutionContext
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from resolvers.accounts.lifecycle import AccountLifecycleMutations
from resolvers.accounts.mutations import AccountMutations
from resolvers.accounts.queries import AccountQueries
from resolvers.accounts.subscriptions import AccountSubscriptions
from resolvers.accounts.types import Session, User
from resolvers.assistant.mutations import AssistantMutations
from resolvers.chat.mutations.groups import GroupMutations
from resolvers.chat.mutations.media import ChatMediaMutations
from resolvers.chat.mutations.messages import MessageMutations
from resolvers.chat.queries import ChatQueries
from resolvers.chat.subscriptions import ChatSubscriptions
from resolvers.chat.types.conversation import Conversation
from resolvers.chat.types.group import Group
from resolvers.chat.types.media import ChatMedia
from resolvers.chat.types.message import Message
from resolvers.core.node import node_queries
from resolvers.core.scalars import SCALAR_OVERRIDES
from resolvers.exports.mutations import ExportMutations
from resolvers.exports.queries import ExportQueries
from resolvers.exports.types import Export
from resolvers.insights.mutations import InsightMutations
from resolvers.insights.queries import InsightQueries
from resolvers.insights.subscriptions import InsightSubscriptions
from resolvers.insights.types import Insight
from resolvers.journal.mutations import JournalMutations
from resolvers.journal.queries import JournalQueries
from resolvers.journal.subscriptions import JournalSubscriptions
from resolvers.journal.types import JournalEntry, JournalTag, Reminder, Topic
from resolvers.notifications.mutations import NotificationMutations
from resolvers.notifications.queries import NotificationQueries
from resolvers.notifications.subscriptions import NotificationSubscriptions
from resolvers.notifications.types import Notification
from resolvers.people.mutations import PeopleMutations
from resolvers.people.queries import PeopleQueries
from resolvers.people.subscriptions import PeopleSubscriptions
from resolvers.people.types import Person
from resolvers.pod.mutations import (
    AttachmentMutations,
    CategoryMutations,
    EntryMutations,
    TagMutations,
)
from resolvers.pod.mutations.shares import ShareMutations
from resolvers.pod.queries import PodQueries
from resolvers.pod.share_queries import ShareQueries
from resolvers.pod.subscriptions import PodSubscriptions
from resolvers.pod.types.attachments import Attachment
from resolvers.pod.types.categories import Category
from resolvers.pod.types.entries import ENTRY_TYPES
from resolvers.pod.types.shares import Share, ShareLink
from resolvers.pod.types.tags import Tag
from resolvers.search.queries import SearchQueries
from resolvers.search.types import JournalSearchResult, PodSearchResult
from resolvers.security_audit.queries import SecurityAuditQueries
from resolvers.sync.queries import SyncQueries
from resolvers.sync.subscriptions import SyncSubscriptions
from resolvers.vault.mutations import VaultMutations
from resolvers.vault.queries import VaultQueries
from resolvers.vault.types import SecretTag, VaultSession
from server.graphql.extension_hooks import LeanExtensionsRunner
from server.graphql.masking import MaskUnexpectedErrors
from server.graphql.nul_bytes import RejectNulBytes
from server.shared_events import with_shared_events

QUERIES: tuple[type, ...] = (
    AccountQueries,
    ChatQueries,
    ExportQueries,
    InsightQueries,
    JournalQueries,
    NotificationQueries,
    PeopleQueries,
    PodQueries,
    ShareQueries,
    SearchQueries,
    SyncQueries,
    SecurityAuditQueries,
    VaultQueries,
)
MUTATIONS: tuple[type, ...] = (
    AccountMutations,
    AccountLifecycleMutations,
    AssistantMutations,
    GroupMutations,
    MessageMutations,
    ChatMediaMutations,
    InsightMutations,
    JournalMutations,
    NotificationMutations,
    PeopleMutations,
    EntryMutations,
    CategoryMutations,
    TagMutations,
    AttachmentMutations,
    ShareMutations,
    VaultMutations,
    ExportMutations,
)
SUBSCRIPTIONS: tuple[type, ...] = (
    AccountSubscriptions,
    ChatSubscriptions,
    InsightSubscriptions,
    JournalSubscriptions,
    NotificationSubscriptions,
    PeopleSubscriptions,
    PodSubscriptions,
    SyncSubscriptions,
)
# Types the schema must know although no field names them (Node implementers).
TYPES: tuple[type, ...] = (
    User,
    Session,
    Conversation,
    Group,
    Message,
    ChatMedia,
    JournalEntry,
    JournalTag,
    Reminder,
    Topic,
    Insight,
    Notification,
    Person,
    *ENTRY_TYPES,
    Category,
    Tag,
    Attachment,
    Share,
    ShareLink,
    JournalSearchResult,
    PodSearchResult,
    SecretTag,
    VaultSession,
    Export,
)


class Schema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return LeanExtensionsRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected errors are the client's business; unexpected ones are logged when masked."""


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    executor: type[GraphQLExecutionContext] | None = None,
) -> Schema:
    """The schema; `executor` replaces strawberry's graphql-core executor class."""
    return Schema(
        query=merge_types("Query", (node_queries(), *QUERIES)),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS),
        types=list(TYPES),
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=[*extensions, RejectNulBytes, MaskUnexpectedErrors],
        # Queries run on `executor`; a subscription event runs once per document,
        # variables and viewer-visible data (server.shared_events).
        execution_context_class=with_shared_events(executor),
    )
