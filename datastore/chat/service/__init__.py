"""Chat use cases: groups, conversations, messages; durable first, then live."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from datastore.chat.ids import direct_conversation_id
from datastore.chat.items import ConversationItem, InboxItem, StatsItem
from datastore.chat.live import BLOCKED_EVENT, ViewingTracker, publish_conversation
from datastore.chat.repository.inbox import InboxRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.chat.repository.statistics import StatisticsRepository
from datastore.chat.service.access import Access
from datastore.chat.service.conversations import start_direct
from datastore.chat.service.fanout import Fanout
from datastore.chat.service.groups import GroupService
from datastore.chat.service.media import ChatMediaService
from datastore.chat.service.messages import MessageService
from datastore.chat.service.parts import ChatParts
from datastore.chat.service.statistics import month_totals
from datastore.kit.clients import Clients
from datastore.notifications.service import NotificationService
from datastore.outbox.repository import PendingEvent
from datastore.people.service import BLOCKED_TOPIC, PeopleService
from datastore.pod.service.attachments import AttachmentService


class ChatService:
    def __init__(
        self,
        clients: Clients,
        people: PeopleService,
        notifications: NotificationService,
        files: AttachmentService,
    ) -> None:
        self.clients = clients
        self.settings = clients.settings.chat
        self.messages_repository = MessageRepository(clients.dynamo)
        self.inbox = InboxRepository(clients.dynamo)
        self.statistics = StatisticsRepository(clients.dynamo)
        self.viewing = ViewingTracker(
            clients.redis,
            ttl=self.settings.presence_ttl_seconds,
            every=self.settings.heartbeat_seconds,
        )
        self.access = Access(clients, self.messages_repository, people)
        self.parts = parts = ChatParts(
            clients=clients,
            settings=self.settings,
            messages_repository=self.messages_repository,
            inbox=self.inbox,
            statistics=self.statistics,
            viewing=self.viewing,
            access=self.access,
            people=people,
            notifications=notifications,
        )
        self.fanout = Fanout(parts)
        # Files of messages: staged into the blob store as the pod stages attachments.
        self.media = ChatMediaService(clients, self.access, self.messages_repository, files)
        self.messages = MessageService(parts, self.fanout, self.media)
        self.groups = GroupService(parts, self.messages)

    async def start_direct(self, me: uuid.UUID, other: uuid.UUID) -> ConversationItem:
        """The DIRECT conversation of me and `other`, created on first ask."""
        return await start_direct(self.parts, me, other)

    async def list_inbox(
        self, me: uuid.UUID, *, after: tuple[str, str] | None, limit: int
    ) -> list[InboxItem]:
        """My inbox rows, most recently active first, after an (activity, conversation id)."""
        return await self.inbox.page(str(me), after=after, limit=limit)

    async def daily_statistics(
        self, me: uuid.UUID, *, before: str | None, limit: int
    ) -> list[StatsItem]:
        """My chat statistics per day (YYYY-MM-DD) before `before`, newest first."""
        return await self.statistics.days(str(me), before=before, since=None, limit=limit)

    async def monthly_statistics(
        self, me: uuid.UUID, *, before: str | None, limit: int
    ) -> list[StatsItem]:
        """My chat statistics per month (YYYY-MM) before `before`, newest first."""
        return await month_totals(self.statistics, str(me), before=before, limit=limit)

    async def end_blocked_from_events(self, events: Sequence[PendingEvent]) -> None:
        """A block ends the live events of the pair's DIRECT conversation, on both sides."""
        for event in events:
            if event.topic == BLOCKED_TOPIC:
                blocked = uuid.UUID(event.payload["blockedId"])
                conversation_id = direct_conversation_id(event.user_id, blocked)
                await publish_conversation(self.clients.broker, conversation_id, BLOCKED_EVENT)
