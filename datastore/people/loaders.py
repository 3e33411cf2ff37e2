"""Per-request loaders of people: relations to the viewer and live-socket presence."""

from __future__ import annotations

import uuid

from datastore.kit.loaders import KeyOrderLoader, Sessions
from datastore.people.presence import PresenceTracker
from datastore.people.repository import FriendshipRepository, Relation


class RelationByPairLoader(KeyOrderLoader[Sessions, tuple[uuid.UUID, uuid.UUID], Relation]):
    """Keys are (viewer, other): two statements per viewer per batch, so it reads in one
    transactional session (`clients.db`), not the single-statement `read_db`."""

    async def fetch(
        self, keys: list[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], Relation]:
        by_viewer: dict[uuid.UUID, list[uuid.UUID]] = {}
        for viewer, other in keys:
            by_viewer.setdefault(viewer, []).append(other)
        found: dict[tuple[uuid.UUID, uuid.UUID], Relation] = {}
        async with self.source() as db:
            repository = FriendshipRepository(db)
            for viewer, others in by_viewer.items():
                relations = await repository.relations(viewer, others)
                found.update({(viewer, o): r for o, r in relations.items()})
        return found


class ConnectedByUserLoader(KeyOrderLoader[PresenceTracker, uuid.UUID, bool]):
    """Whether each user has a live websocket: one pipelined Redis round trip per batch."""

    async def fetch(self, keys: list[uuid.UUID]) -> dict[uuid.UUID, bool]:
        return await self.source.connected(keys)


class PeopleLoaders:
    def __init__(self, db: Sessions, presence: PresenceTracker) -> None:
        self.relation_by_pair = RelationByPairLoader(db)
        self.connected_by_user = ConnectedByUserLoader(presence)
