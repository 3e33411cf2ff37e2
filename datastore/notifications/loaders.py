"""Per-request loaders of notifications (the caller's own, by sort key)."""

from __future__ import annotations

from datastore.kit.loaders import ByKeyLoader
from datastore.notifications.items import NotificationItem
from datastore.notifications.repository import NotificationRepository


class NotificationByKeyLoader(
    ByKeyLoader[NotificationRepository, tuple[str, str], NotificationItem]
):
    """Keys are (user id, sort key): one BatchGetItem per batch."""

    async def fetch(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], NotificationItem]:
        by_user: dict[str, list[str]] = {}
        for user_id, sk in keys:
            by_user.setdefault(user_id, []).append(sk)
        found = {}
        for user_id, sks in by_user.items():
            for sk, item in (await self.source.get_many(user_id, sks)).items():
                found[(user_id, sk)] = item
        return found


class NotificationLoaders:
    def __init__(self, repository: NotificationRepository) -> None:
        self.by_key = NotificationByKeyLoader(repository)
