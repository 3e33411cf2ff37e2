"""Per-request dataloaders of every domain, one typed field each, built on first use.

Loaders live for one request (or one subscription event), so a batch never serves another
request's data and never outlives a permission check.
"""

from __future__ import annotations

from functools import cached_property

from datastore.accounts.loaders import SessionByIdLoader, UserByIdLoader
from datastore.chat.loaders import ChatLoaders
from datastore.exports.loaders import ExportLoaders
from datastore.insights.loaders import InsightLoaders
from datastore.journal.loaders import JournalLoaders
from datastore.notifications.loaders import NotificationLoaders
from datastore.people.loaders import PeopleLoaders
from datastore.pod.loaders import PodLoaders
from datastore.pod.service.secrets import SecretLoader
from datastore.pod.share_loaders import ShareLoaders
from datastore.services import Services
from datastore.vault.loaders import VaultLoaders


class Loaders:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._clients = services.clients

    @cached_property
    def user_by_id(self) -> UserByIdLoader:
        return UserByIdLoader(self._services.user_rows)

    @cached_property
    def session_by_id(self) -> SessionByIdLoader:
        return SessionByIdLoader(self._services.sessions)

    @cached_property
    def pod(self) -> PodLoaders:
        # Opening a secret records the view (an INSERT), so its loader keeps `db`.
        secret = SecretLoader(self._clients.db, self._services.pod.keys)
        return PodLoaders(self._clients.read_db, self._clients.raw_reads, secret)

    @cached_property
    def chat(self) -> ChatLoaders:
        chat = self._services.chat
        return ChatLoaders(self._clients, chat.messages_repository, chat.inbox)

    @cached_property
    def people(self) -> PeopleLoaders:
        return PeopleLoaders(self._clients.db, self._services.people.presence)

    @cached_property
    def journal(self) -> JournalLoaders:
        return JournalLoaders(self._clients.read_db)

    @cached_property
    def insights(self) -> InsightLoaders:
        return InsightLoaders(self._clients.read_db)

    @cached_property
    def notifications(self) -> NotificationLoaders:
        return NotificationLoaders(self._services.notifications.repository)

    @cached_property
    def sharing(self) -> ShareLoaders:
        # Records sharers' reads (writes), so it keeps the pod's access service.
        return ShareLoaders(self._clients.read_db, self._services.pod.access)

    @cached_property
    def vault(self) -> VaultLoaders:
        return VaultLoaders(self._clients.read_db)

    @cached_property
    def exports(self) -> ExportLoaders:
        return ExportLoaders(self._clients.read_db)
