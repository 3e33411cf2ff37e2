"""GraphQL types of accounts: the signed-in user, device sessions, security events."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from datastore.accounts.items import SessionItem
from datastore.accounts.tables import UserData as UserRow
from datastore.audit.tables import AuditLog
from resolvers.core.context import Info
from resolvers.core.ids import node_uuid
from resolvers.core.nodes import Nodes, visible_nodes
from resolvers.core.rows import from_row
from resolvers.pod.types.attachments import Storage


@strawberry.enum(description="How available a person says they are.")
class PresenceStatus(Enum):
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"
    AWAY = "AWAY"
    DO_NOT_DISTURB = "DO_NOT_DISTURB"


@strawberry.enum(description="Where an account is in its lifecycle.")
class AccountState(Enum):
    ACTIVE = "ACTIVE"
    DEACTIVATED = "DEACTIVATED"
    PENDING_DELETION = "PENDING_DELETION"
    DELETED = "DELETED"


def account_state(state: str, *, own: bool) -> AccountState:
    """Others see a pending or running deletion as DELETED; the grace period is the owner's."""
    if state == "PURGING" or (state == "PENDING_DELETION" and not own):
        return AccountState.DELETED
    return AccountState(state)


@strawberry.type(description="A person's availability.")
class Presence:
    status: PresenceStatus = strawberry.field(description="The status last set.")
    last_seen: datetime | None = strawberry.field(description="When they were last active.")


@strawberry.type(description="The signed-in account. Only its owner can read it.")
class User(relay.Node):
    id: relay.NodeID[str]
    email: str = strawberry.field(description="Sign-in email, unique ignoring case.")
    username: str = strawberry.field(description="Unique handle, 3-32 characters.")
    display_name: str | None = strawberry.field(description="Name shown to others.")
    first_name: str | None = strawberry.field(description="Given name.")
    last_name: str | None = strawberry.field(description="Family name.")
    avatar_url: str | None = strawberry.field(description="http(s) URL of the avatar.")
    profile: JSON = strawberry.field(description="Free-form profile JSON (at most 16 KB).")
    presence: Presence = strawberry.field(description="Status and last seen time.")
    time_zone: str = strawberry.field(
        description='My IANA time zone: my "today" for streaks and insights, UTC by default.'
    )
    created_at: datetime = strawberry.field(description="When the account was created.")
    last_login_at: datetime | None = strawberry.field(description="The last sign-in.")
    account_state: AccountState = strawberry.field(description="Lifecycle state.")

    @strawberry.field(description="The bytes of my files against my storage quota.")
    async def storage(self, info: Info) -> Storage:
        used = await info.context.loaders.pod.storage_used_by_user_id.load(uuid.UUID(self.id))
        return Storage(used_bytes=used or 0, limit_bytes=info.context.settings.blob_quota_bytes)

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        presence = Presence(status=PresenceStatus(row.presence_status), last_seen=row.last_seen_at)
        return from_row(
            cls,
            row,
            profile=row.profile or {},
            presence=presence,
            account_state=account_state(row.account_state, own=True),
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        """Only my own account; anyone's public side is a Person."""
        return visible_nodes(
            info,
            node_ids,
            key=node_uuid,
            loader=info.context.loaders.user_by_id,
            visible=lambda row, me: row.id == me,
            build=cls.from_row,
        )


@strawberry.type(description="A signed-in device. Sessions expire; revoking one signs it out.")
class Session(relay.Node):
    id: relay.NodeID[str]
    device_name: str | None = strawberry.field(description="Name given at sign-in.")
    user_agent: str | None = strawberry.field(description="User agent at sign-in.")
    ip: str | None = strawberry.field(description="Client address at sign-in.")
    created_at: datetime = strawberry.field(description="When the device signed in.")
    last_active_at: datetime = strawberry.field(description="Last request, to the minute.")
    expires_at: datetime = strawberry.field(description="When the session ends by itself.")
    current: bool = strawberry.field(description="This is the session making the request.")

    @classmethod
    def from_item(cls, item: SessionItem, *, current_id: str | None) -> Session:
        return cls(
            id=item.id,
            device_name=item.device_name,
            user_agent=item.user_agent,
            ip=item.ip,
            created_at=datetime.fromisoformat(item.created_at),
            last_active_at=datetime.fromisoformat(item.last_active_at),
            expires_at=datetime.fromtimestamp(item.expires_at, UTC),
            current=item.id == current_id,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        current = info.context.principal.session_id if info.context.principal else None
        return visible_nodes(
            info,
            node_ids,
            key=str,
            loader=info.context.loaders.session_by_id,
            visible=lambda item, me: item.user_id == str(me),
            build=lambda item: cls.from_item(item, current_id=current),
        )


@strawberry.enum(description="Kinds of security event on an account.")
class SecurityAction(Enum):
    SIGN_UP = "SIGN_UP"
    LOGIN = "LOGIN"
    LOGOUT = "LOGOUT"
    FAILED_LOGIN = "FAILED_LOGIN"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    SESSION_REVOKED = "SESSION_REVOKED"
    PROFILE_UPDATED = "PROFILE_UPDATED"
    ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED"
    ACCOUNT_REACTIVATED = "ACCOUNT_REACTIVATED"
    ACCOUNT_DELETION_REQUESTED = "ACCOUNT_DELETION_REQUESTED"
    ACCOUNT_RESTORED = "ACCOUNT_RESTORED"
    EMAIL_CHANGE_REQUESTED = "EMAIL_CHANGE_REQUESTED"
    EMAIL_CHANGED = "EMAIL_CHANGED"


@strawberry.type(description="An entry of the account's audit log.")
class SecurityEvent:
    action: SecurityAction = strawberry.field(description="What happened.")
    ip: str | None = strawberry.field(description="Client address.")
    user_agent: str | None = strawberry.field(description="Client user agent.")
    at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_row(cls, row: AuditLog) -> SecurityEvent:
        return from_row(cls, row, action=SecurityAction(row.action), at=row.created_at)


@strawberry.type(description="A new session: keep the token secret, send it as a Bearer token.")
class AuthPayload:
    token: str = strawberry.field(description="Bearer token for the Authorization header.")
    user: User = strawberry.field(description="The signed-in account.")
    session: Session = strawberry.field(description="The new device session.")


@strawberry.enum(description="What happened to a device session.")
class SessionEventKind(Enum):
    SIGNED_IN = "SIGNED_IN"
    SIGNED_OUT = "SIGNED_OUT"
    REVOKED = "REVOKED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"


@strawberry.type(description="A device signed in or out of my account.")
class SessionEvent:
    kind: SessionEventKind = strawberry.field(description="What happened.")
    session_id: strawberry.ID = strawberry.field(description="Global id of the session.")
    device_name: str | None = strawberry.field(description="Device name, for sign-ins.")
    seq: int = strawberry.field(description="Position in my account's event sequence.")
    at: datetime = strawberry.field(description="When it was committed.")
