"""The pod: entries of six kinds, categories, tags, search, encryption and activity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastore.pod.loaders import PodLoaders
from datastore.pod.service import PodService
from datastore.pod.service.secrets import SecretLoader
from resolvers.pod.mutations import CategoryMutations, EntryMutations, TagMutations
from resolvers.pod.queries import PodQueries
from resolvers.pod.types.categories import Category
from resolvers.pod.types.entries import ENTRY_TYPES
from resolvers.pod.types.tags import Tag
from server.domains import Domain

if TYPE_CHECKING:
    from datastore.outbox.repository import PendingEvent
    from server.services import Services


def _loaders(services: Services) -> PodLoaders:
    return PodLoaders(services.db, SecretLoader(services.db, services.domain("pod").keys))


def _sinks(services: Services) -> list:
    async def invalidate_caches(events: list[PendingEvent]) -> None:
        # The write path invalidated already; this covers writes by workers and a crash
        # between a commit and its invalidation.
        pod = services.domain("pod")
        for user_id in {e.user_id for e in events if e.topic.startswith("pod.")}:
            await pod.invalidate(user_id)

    return [invalidate_caches]


DOMAIN = Domain(
    name="pod",
    queries=(PodQueries,),
    mutations=(EntryMutations, CategoryMutations, TagMutations),
    types=(*ENTRY_TYPES, Category, Tag),
    loaders=_loaders,
    service=PodService,
    workers=lambda services: [services.domain("pod").maintenance.run],
    sinks=_sinks,
)
