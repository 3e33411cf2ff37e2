"""People use cases: friendships, blocks, presence fan-out to friends, activities."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
import structlog
from strawberry.relay import to_base64

from datastore.accounts.tables import User
from datastore.kit.errors import BadUserInput, Conflict, Forbidden, NotFound
from datastore.outbox.repository import OutboxRepository, PendingEvent
from datastore.people.presence import PresenceTracker
from datastore.people.repository import (
    ActivityRepository,
    BlockRepository,
    FriendshipRepository,
    PeopleRepository,
    Relation,
)
from datastore.people.tables import Friendship, UserActivity

log = structlog.get_logger("personalpod.presence")

if TYPE_CHECKING:
    from datastore.accounts.service import AccountService
    from datastore.kit.clients import Clients
    from datastore.notifications.service import NotificationService


def presence_channel(user_id: object) -> str:
    """Where a user hears about their friends' presence."""
    return f"presence:{user_id}"


def effective_status(set_status: str, connected: bool) -> str:
    """No live socket means OFFLINE; a connected user shows the status they set, or ONLINE."""
    if not connected:
        return "OFFLINE"
    return set_status if set_status in ("AWAY", "DO_NOT_DISTURB") else "ONLINE"


def person_global_id(user_id: object) -> str:
    return to_base64("Person", str(user_id))


class PeopleService:
    def __init__(
        self, clients: Clients, accounts: AccountService, notifications: NotificationService
    ) -> None:
        self.clients = clients
        self.accounts = accounts
        self.notifications = notifications
        self.settings = clients.settings.chat
        self.presence = PresenceTracker(
            clients.redis,
            ttl=self.settings.presence_ttl_seconds,
            every=self.settings.heartbeat_seconds,
        )

    # -- friendships ---------------------------------------------------------------------

    async def send_friend_request(self, me: uuid.UUID, other: uuid.UUID) -> Relation:
        """Ask `other` to be friends; if they already asked me, we become friends."""
        await self.clients.limiter.check(
            f"chat:friend-request:{me}",
            limit=self.settings.friend_request_limit,
            window=3600,
            what="friend requests",
        )
        target = await self._person(me, other)
        async with self.clients.db() as db, db.begin():
            if await BlockRepository(db).either_blocked(me, other):
                raise Forbidden("You cannot send this person a friend request.", field="userId")
            friendships = FriendshipRepository(db)
            existing = await friendships.get_pair(me, other, for_update=True)
            if existing is None and not await friendships.create_request(me, other):
                existing = await friendships.get_pair(me, other, for_update=True)
            if existing is not None:
                if existing.status == "ACCEPTED":
                    raise Conflict("You are already friends.", field="userId")
                if existing.requester_id == me:
                    raise Conflict("You already asked this person.", field="userId")
                await friendships.accept(existing)
        if existing is None:
            await self._notify_request(me, target)
        return await self.relation(me, other)

    async def _notify_request(self, me: uuid.UUID, target: User) -> None:
        async with self.clients.db() as db:
            sender = await PeopleRepository(db).get(me)
        name = (sender.display_name or sender.username) if sender else "Someone"
        await self.notifications.notify(
            target.id,
            "FRIEND_REQUEST",
            title=f"{name} wants to be friends",
            data={"personId": person_global_id(me)},
            dedupe_key=f"friend-request:{me}:{int(datetime.now(UTC).timestamp()) // 3600}",
        )

    async def accept_friend_request(self, me: uuid.UUID, other: uuid.UUID) -> Relation:
        async with self.clients.db() as db, db.begin():
            friendships = FriendshipRepository(db)
            pending = await friendships.get_pair(me, other, for_update=True)
            if pending is None or pending.status != "PENDING" or pending.requester_id == me:
                raise NotFound("No friend request from this person.", field="userId")
            await friendships.accept(pending)
        return await self.relation(me, other)

    async def remove_friendship(self, me: uuid.UUID, other: uuid.UUID, *, state: str) -> Relation:
        """Decline (their request), cancel (mine) or unfriend: the pair's row goes."""
        async with self.clients.db() as db, db.begin():
            friendships = FriendshipRepository(db)
            row = await friendships.get_pair(me, other, for_update=True)
            if row is None or not _matches(row, me, state):
                raise NotFound(_MISSING[state], field="userId")
            await friendships.delete_pair(me, other)
        return await self.relation(me, other)

    async def block(self, me: uuid.UUID, other: uuid.UUID) -> Relation:
        """Block: any friendship or request between us ends."""
        await self._person(me, other)
        async with self.clients.db() as db, db.begin():
            await BlockRepository(db).block(me, other)
            await FriendshipRepository(db).delete_pair(me, other)
            # Durable, so live conversations between us end even if this process dies now;
            # only in my own outbox: the blocked person is not told.
            await OutboxRepository(db).append(me, BLOCKED_TOPIC, {"blockedId": str(other)})
        return await self.relation(me, other)

    async def unblock(self, me: uuid.UUID, other: uuid.UUID) -> Relation:
        async with self.clients.db() as db, db.begin():
            if not await BlockRepository(db).unblock(me, other):
                raise NotFound("You have not blocked this person.", field="userId")
        return await self.relation(me, other)

    async def relation(self, me: uuid.UUID, other: uuid.UUID) -> Relation:
        async with self.clients.db() as db:
            return (await FriendshipRepository(db).relations(me, [other]))[other]

    async def either_blocked(self, a: uuid.UUID, b: uuid.UUID) -> bool:
        async with self.clients.db() as db:
            return await BlockRepository(db).either_blocked(a, b)

    async def _person(self, me: uuid.UUID, other: uuid.UUID) -> User:
        if other == me:
            raise BadUserInput("This is you.", field="userId")
        async with self.clients.db() as db:
            user = await PeopleRepository(db).get(other)
        if user is None:
            raise NotFound("No such person.", field="userId")
        return user

    # -- lists, by username unless said otherwise ----------------------------------------

    async def search(
        self, me: uuid.UUID, prefix: str, *, after: str | None, limit: int
    ) -> list[User]:
        """People whose username starts with `prefix`, but those who blocked me."""
        async with self.clients.db() as db:
            return await PeopleRepository(db).search_by_username_prefix(
                me, prefix, after=after, limit=limit
            )

    async def friendships(
        self,
        me: uuid.UUID,
        *,
        status: str,
        direction: str | None,
        after: str | None,
        limit: int,
    ) -> list[tuple[User, Friendship]]:
        """The people I have a friendship of `status` with (PENDING: sent or received,
        as `direction` says), each with the friendship."""
        async with self.clients.db() as db:
            return await FriendshipRepository(db).page_people(
                me, status=status, direction=direction, after=after, limit=limit
            )

    async def blocked(self, me: uuid.UUID, *, after: str | None, limit: int) -> list[User]:
        """The people I blocked."""
        async with self.clients.db() as db:
            return await BlockRepository(db).page_blocked(me, after=after, limit=limit)

    async def activities(
        self, me: uuid.UUID, *, kinds: Sequence[str], before_id: int | None, limit: int
    ) -> list[UserActivity]:
        """My activities of `kinds` (all when empty), newest first, before row `before_id`."""
        async with self.clients.db() as db:
            return await ActivityRepository(db).page(
                me, kinds=kinds, before_id=before_id, limit=limit
            )

    # -- presence ------------------------------------------------------------------------

    async def socket_opened(self, user_id: uuid.UUID, connection_id: str) -> None:
        if await self.presence.connect(user_id, connection_id):
            await self.publish_presence(user_id)

    async def socket_closed(self, user_id: uuid.UUID, connection_id: str) -> None:
        if await self.presence.disconnect(user_id, connection_id):
            await self.accounts.touch_user(user_id)
            await self.publish_presence(user_id)

    async def sweep_dead_sockets(self) -> None:
        """Forever: announce OFFLINE for users whose sockets died with their server."""
        while True:
            await asyncio.sleep(self.settings.presence_ttl_seconds / 3)
            try:
                await self.sweep_once()
            except Exception:
                log.exception("presence_sweep_failed")

    async def sweep_once(self) -> list[uuid.UUID]:
        """Announce OFFLINE once for each user whose last socket stopped heartbeating."""
        gone = await self.presence.claim_expired()
        for user_id in gone:
            await self.publish_presence(user_id)
        return gone

    async def publish_presence(self, user_id: uuid.UUID) -> None:
        """Tell each friend my effective presence now (blocked people are never friends)."""
        async with self.clients.db() as db:
            user = await PeopleRepository(db).get(user_id)
            friends = await FriendshipRepository(db).friend_ids(user_id)
        if user is None or not friends:
            return
        connected = (await self.presence.connected([user_id]))[user_id]
        payload = orjson.dumps(
            {
                "userId": str(user_id),
                "status": effective_status(user.presence_status, connected),
                "lastSeen": datetime.now(UTC).isoformat()
                if connected
                else (user.last_seen_at.isoformat() if user.last_seen_at else None),
            }
        )
        for friend in friends:
            await self.clients.broker.publish(presence_channel(friend), payload)

    # -- outbox sinks --------------------------------------------------------------------

    async def record_from_events(self, events: Sequence[PendingEvent]) -> None:
        """Sign-ins and sign-outs become LOGIN/LOGOUT activities, once per event."""
        rows = [(e, _SESSION_ACTIVITY[e.topic]) for e in events if e.topic in _SESSION_ACTIVITY]
        if rows:
            async with self.clients.db() as db, db.begin():
                activities = ActivityRepository(db)
                for event, kind in rows:
                    await activities.record(
                        event.user_id,
                        kind,
                        _activity_details(event.payload),
                        source=f"outbox:{event.seq}",
                    )
        for event in events:
            if event.topic == "presence.changed":
                await self.publish_presence(event.user_id)


BLOCKED_TOPIC = "person.blocked"
_SESSION_ACTIVITY = {"session.created": "LOGIN", "session.revoked": "LOGOUT"}
_MISSING = {
    "DECLINE": "No friend request from this person.",
    "CANCEL": "You have not asked this person.",
    "UNFRIEND": "You are not friends with this person.",
}


def _matches(row: Any, me: uuid.UUID, state: str) -> bool:
    if state == "UNFRIEND":
        return row.status == "ACCEPTED"
    if row.status != "PENDING":
        return False
    return (row.requester_id == me) == (state == "CANCEL")


def _activity_details(payload: dict[str, Any]) -> dict[str, Any]:
    keys = ("sessionId", "deviceName", "reason")
    return {k: payload[k] for k in keys if payload.get(k) is not None}


@contextlib.asynccontextmanager
async def online(people: PeopleService, user_id: uuid.UUID) -> AsyncIterator[None]:
    """While the block runs, `user_id` has one more live socket (kept by the heartbeat)."""
    connection_id = uuid.uuid4().hex
    await people.socket_opened(user_id, connection_id)
    try:
        yield
    finally:
        # The socket may be closing because the server is stopping: best effort.
        with contextlib.suppress(Exception):
            await asyncio.shield(people.socket_closed(user_id, connection_id))
