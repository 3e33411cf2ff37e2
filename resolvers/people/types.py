"""GraphQL types of people: the public Person, friend requests, activities, presence."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from datastore.accounts.tables import DELETED_ACCOUNT_ID
from datastore.accounts.tables import UserData as UserRow
from datastore.people.repository import Relation
from datastore.people.service import effective_status
from datastore.people.tables import UserActivity
from resolvers.accounts.types import AccountState, Presence, PresenceStatus, account_state
from resolvers.chat.ids import with_global_ids
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, node_uuids
from resolvers.core.nodes import Nodes
from resolvers.core.rows import from_row


@strawberry.enum(description="How I stand with a person.")
class Relationship(Enum):
    SELF = "SELF"
    NONE = "NONE"
    FRIENDS = "FRIENDS"
    REQUEST_SENT = "REQUEST_SENT"
    REQUEST_RECEIVED = "REQUEST_RECEIVED"
    BLOCKED = "BLOCKED"


def relationship_of(relation: Relation, viewer: uuid.UUID) -> Relationship:
    if relation.blocked_by_viewer:
        return Relationship.BLOCKED
    friendship = relation.friendship
    if friendship is None:
        return Relationship.NONE
    if friendship.status == "ACCEPTED":
        return Relationship.FRIENDS
    if friendship.requester_id == viewer:
        return Relationship.REQUEST_SENT
    return Relationship.REQUEST_RECEIVED


@strawberry.type(description="Someone's public profile. Never shows their email.")
class Person(relay.Node):
    id: relay.NodeID[str]
    username: str = strawberry.field(description="Unique handle.")
    display_name: str | None = strawberry.field(description="Name shown to others.")
    avatar_url: str | None = strawberry.field(description="http(s) URL of the avatar.")
    account_state: AccountState = strawberry.field(
        description="ACTIVE, DEACTIVATED (hidden by its owner for now) or DELETED."
    )
    status_set: strawberry.Private[str]
    last_seen_at: strawberry.Private[datetime | None]

    @classmethod
    def from_row(cls, row: UserRow) -> Person:
        return from_row(
            cls,
            row,
            status_set=row.presence_status,
            account_state=account_state(row.account_state, own=False),
        )

    @classmethod
    def deleted(cls) -> Person:
        """Who a deleted account's traces name: its tombstoned group messages, its changes
        in others' pods (DELETED_ACCOUNT_ID, an id no account has)."""
        return cls(
            id=str(DELETED_ACCOUNT_ID),
            username="deleted-account",
            display_name="Deleted account",
            avatar_url=None,
            account_state=AccountState.DELETED,
            status_set="OFFLINE",
            last_seen_at=None,
        )

    @strawberry.field(description="How I stand with this person.")
    async def relationship(self, info: Info) -> Relationship:
        me = info.context.require_principal().user_id
        if str(me) == self.id:
            return Relationship.SELF
        relation = await info.context.loaders.people.relation_by_pair.load((me, uuid.UUID(self.id)))
        return relationship_of(relation, me)

    @strawberry.field(
        description="Status and last seen, derived from their live connections; "
        "only for myself and my friends, null otherwise."
    )
    async def presence(self, info: Info) -> Presence | None:
        me = info.context.require_principal().user_id
        other = uuid.UUID(self.id)
        if other != me:
            relation = await info.context.loaders.people.relation_by_pair.load((me, other))
            if not relation.friends or relation.blocked_viewer or relation.blocked_by_viewer:
                return None
        connected = await info.context.loaders.people.connected_by_user.load(other)
        return Presence(
            status=PresenceStatus(effective_status(self.status_set, connected)),
            last_seen=datetime.now().astimezone() if connected else self.last_seen_at,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return _people(info, node_uuids(node_ids))


@strawberry.enum(description="Whether a friend request was sent to me or by me.")
class RequestDirection(Enum):
    INCOMING = "INCOMING"
    OUTGOING = "OUTGOING"


@strawberry.type(description="A pending friend request.")
class FriendRequest:
    person: Person = strawberry.field(description="The other person.")
    direction: RequestDirection = strawberry.field(description="Sent to me or by me.")
    created_at: datetime = strawberry.field(description="When it was sent.")


@strawberry.enum(description="Kinds of user activity.")
class ActivityKind(Enum):
    LOGIN = "LOGIN"
    LOGOUT = "LOGOUT"
    MESSAGE_SENT = "MESSAGE_SENT"
    GROUP_CREATED = "GROUP_CREATED"
    GROUP_JOINED = "GROUP_JOINED"


@strawberry.type(description="Something I did.")
class Activity:
    kind: ActivityKind = strawberry.field(description="What it was.")
    details: JSON = strawberry.field(description="Ids it concerns (sessionId, groupId, ...).")
    at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_row(cls, row: UserActivity) -> Activity:
        return from_row(
            cls,
            row,
            kind=ActivityKind(row.kind),
            details=with_global_ids(row.details or {}),
            at=row.created_at,
        )


@strawberry.type(description="A friend's presence changed.")
class PresenceChange:
    person_id: strawberry.ID = strawberry.field(description="Global id of the Person.")
    presence: Presence = strawberry.field(description="Their presence now.")


async def _people(info: Info, ids: list[uuid.UUID | None]) -> list[Person | None]:
    """Anyone signed in sees anyone's public profile, but for those who blocked them."""
    principal = info.context.principal
    if principal is None:
        return [None] * len(ids)
    rows = await info.context.loaders.user_by_id.load_many([i for i in ids if i])
    by_id = {row.id: row for row in rows if row}
    relations = await info.context.loaders.people.relation_by_pair.load_many(
        [(principal.user_id, i) for i in by_id]
    )
    # Someone who blocked me is invisible to me, as in search.
    hidden = {i for i, r in zip(by_id, relations, strict=True) if r.blocked_viewer}
    return [Person.from_row(by_id[i]) if i in by_id and i not in hidden else None for i in ids]


def person_id_argument(value: relay.GlobalID, *, field: str = "userId") -> uuid.UUID:
    """The user id inside a Person (or User) global id."""
    return argument_uuid(value, ("Person", "User"), field=field)
