"""Per-request loaders of notifications (the caller's own, by sort key)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from datastore.notifications.items import NotificationItem
from datastore.notifications.repository import NotificationRepository


class NotificationByKeyLoader(DataLoader[tuple[str, str], NotificationItem | None]):
    """Keys are (user id, sort key): one BatchGetItem per batch."""

    def __init__(self, repository: NotificationRepository) -> None:
        super().__init__(load_fn=self._load)
        self.repository = repository

    async def _load(self, keys: Sequence[tuple[str, str]]) -> list[NotificationItem | None]:
        by_user: dict[str, list[str]] = {}
        for user_id, sk in keys:
            by_user.setdefault(user_id, []).append(sk)
        found = {}
        for user_id, sks in by_user.items():
            for sk, item in (await self.repository.get_many(user_id, sks)).items():
                found[(user_id, sk)] = item
        return [found.get(key) for key in keys]


class NotificationLoaders:
    def __init__(self, repository: NotificationRepository) -> None:
        self.by_key = NotificationByKeyLoader(repository)
