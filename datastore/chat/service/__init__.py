"""Chat use cases: groups, conversations, messages; durable first, then live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastore.chat.live import ViewingTracker
from datastore.chat.repository.inbox import InboxRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.chat.repository.statistics import StatisticsRepository
from datastore.chat.service.access import Access
from datastore.chat.service.fanout import Fanout
from datastore.chat.service.groups import GroupService
from datastore.chat.service.messages import MessageService
from datastore.people.config import chat_settings

if TYPE_CHECKING:
    from server.services import Services


class ChatService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = chat_settings()
        self.messages_repository = MessageRepository(services.dynamo)
        self.inbox = InboxRepository(services.dynamo)
        self.statistics = StatisticsRepository(services.dynamo)
        self.viewing = ViewingTracker(
            services.redis,
            ttl=self.settings.presence_ttl_seconds,
            every=self.settings.heartbeat_seconds,
        )
        self.access = Access(services, self.messages_repository)
        self.fanout = Fanout(self)
        self.groups = GroupService(self)
        self.messages = MessageService(self)
