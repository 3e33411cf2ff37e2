"""Per-request loaders of people: relations to the viewer and live-socket presence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from datastore.people.repository import FriendshipRepository, Relation

if TYPE_CHECKING:
    from datastore.kit.clients import Clients
    from datastore.people.presence import PresenceTracker


class RelationByPairLoader(DataLoader[tuple[uuid.UUID, uuid.UUID], Relation]):
    """Keys are (viewer, other): two statements per viewer per batch."""

    def __init__(self, clients: Clients) -> None:
        super().__init__(load_fn=self._load)
        self.clients = clients

    async def _load(self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[Relation]:
        by_viewer: dict[uuid.UUID, list[uuid.UUID]] = {}
        for viewer, other in keys:
            by_viewer.setdefault(viewer, []).append(other)
        found: dict[tuple[uuid.UUID, uuid.UUID], Relation] = {}
        async with self.clients.db() as db:
            repository = FriendshipRepository(db)
            for viewer, others in by_viewer.items():
                relations = await repository.relations(viewer, list(dict.fromkeys(others)))
                found.update({(viewer, o): r for o, r in relations.items()})
        return [found[key] for key in keys]


class ConnectedByUserLoader(DataLoader[uuid.UUID, bool]):
    """Whether each user has a live websocket: one pipelined Redis round trip per batch."""

    def __init__(self, tracker: PresenceTracker) -> None:
        super().__init__(load_fn=self._load)
        self.tracker = tracker

    async def _load(self, keys: Sequence[uuid.UUID]) -> list[bool]:
        connected = await self.tracker.connected(list(dict.fromkeys(keys)))
        return [connected[k] for k in keys]


class PeopleLoaders:
    def __init__(self, clients: Clients, presence: PresenceTracker) -> None:
        self.relation_by_pair = RelationByPairLoader(clients)
        self.connected_by_user = ConnectedByUserLoader(presence)
