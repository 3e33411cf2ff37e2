"""What every chat use case works with: clients, limits, the chat stores, other domains."""

from __future__ import annotations

from dataclasses import dataclass

from datastore.chat.live import ViewingTracker
from datastore.chat.repository.inbox import InboxRepository
from datastore.chat.repository.messages import MessageRepository
from datastore.chat.repository.statistics import StatisticsRepository
from datastore.chat.service.access import Access
from datastore.kit.clients import Clients
from datastore.kit.settings import ChatSettings
from datastore.notifications.service import NotificationService
from datastore.people.service import PeopleService


@dataclass(frozen=True)
class ChatParts:
    clients: Clients
    settings: ChatSettings
    messages_repository: MessageRepository
    inbox: InboxRepository
    statistics: StatisticsRepository
    viewing: ViewingTracker
    access: Access
    people: PeopleService
    notifications: NotificationService
