"""GraphQL types of secret tags and the vault: tags, vault sessions, wrapped keys, blobs.

Bytes travel as base64: OPAQUE messages as URL-safe base64 without padding (what
`@serenity-kit/opaque` reads and writes), keys and ciphertext as standard base64; inputs
accept either alphabet, padded or not.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput
from datastore.vault.tables import SecretTag as SecretTagRow
from datastore.vault.tables import VaultEntry as VaultEntryRow
from datastore.vault.tables import VaultKey as VaultKeyRow
from datastore.vault.tables import VaultSession as VaultSessionRow
from resolvers.core.context import Info
from resolvers.core.ids import global_id
from resolvers.core.nodes import Nodes, owned_nodes
from resolvers.core.rows import from_row


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def b64url(raw: bytes) -> str:
    """URL-safe, unpadded: serenity-kit's encoding of OPAQUE messages."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def step_uuid(value: strawberry.ID, field: str) -> uuid.UUID:
    """The id of a pending OPAQUE step as given back by a start mutation."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadUserInput("Not an id a start mutation returned.", field=field) from None


@strawberry.type(
    description="A secret tag: entries filed under it are hidden and encrypted on my devices "
    "with a key only its phrase unlocks (OPAQUE: the server never learns the phrase)."
)
class SecretTag(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(
        description="The label I gave it (send it encrypted if it must stay secret)."
    )
    color: str = strawberry.field(description="Hex colour, #RRGGBB.")
    key_version: int = strawberry.field(
        description="Version of the current data key: seal new blobs with it."
    )
    version: int = strawberry.field(description="Bumped by each change (phrase, key).")
    created_at: datetime = strawberry.field(description="When I registered it.")

    @classmethod
    def from_row(cls, row: SecretTagRow) -> SecretTag:
        return from_row(cls, row)

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        loader = info.context.loaders.vault.secret_tag_by_id
        return owned_nodes(info, node_ids, loader, cls.from_row)


@strawberry.type(
    description="An unlocked secret tag on one of my device sessions: while it is open, that "
    "device may list and add the tag's hidden entries. Short-lived; closeVault ends it."
)
class VaultSession(relay.Node):
    id: relay.NodeID[str]
    device_session_id: strawberry.ID = strawberry.field(
        description="Global id of the device session (Session) it is open on."
    )
    opened_at: datetime = strawberry.field(description="When the phrase was proven.")
    expires_at: datetime = strawberry.field(description="When it closes by itself.")
    revoked_at: datetime | None = strawberry.field(description="When it was closed, if it was.")
    current: bool = strawberry.field(description="Open on the device session asking.")
    tag_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: VaultSessionRow, *, current_device: str | None) -> VaultSession:
        return from_row(
            cls,
            row,
            device_session_id=global_id("Session", row.device_session_id),
            current=row.device_session_id == current_device,
            tag_id=row.tag_id,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        principal = info.context.principal
        device = principal.session_id if principal else None
        loader = info.context.loaders.vault.vault_session_by_id
        return owned_nodes(
            info, node_ids, loader, lambda row: cls.from_row(row, current_device=device)
        )

    @strawberry.field(description="The secret tag it unlocked.")
    async def secret_tag(self, info: Info) -> SecretTag | None:
        row = await info.context.loaders.vault.secret_tag_by_id.load(self.tag_id)
        return SecretTag.from_row(row) if row is not None else None


@strawberry.type(
    description="One version of a secret tag's data key, wrapped (AES-KW, RFC 3394) by a key "
    "my client derives from OPAQUE's export key; useless without the phrase."
)
class VaultKey:
    version: int = strawberry.field(description="The version blobs name in keyVersion.")
    wrapped_key: str = strawberry.field(description="The wrapped 256-bit key, base64.")
    created_at: datetime = strawberry.field(description="When this version was made.")
    retired_at: datetime | None = strawberry.field(
        description="When a newer version replaced it; deleted once no blob uses it."
    )

    @classmethod
    def from_row(cls, row: VaultKeyRow) -> VaultKey:
        return from_row(cls, row, wrapped_key=b64(row.wrapped_key))


@strawberry.type(
    description="A hidden entry's content as my client sealed it: the server stores and "
    "returns only this ciphertext."
)
class VaultBlob:
    ciphertext: str = strawberry.field(description="AEAD ciphertext with its tag, base64.")
    nonce: str = strawberry.field(description="The nonce it was sealed with, base64.")
    key_version: int = strawberry.field(description="Which data key version sealed it.")
    content_type: str = strawberry.field(description="Media type of the plaintext.")
    size: int = strawberry.field(description="Bytes of ciphertext.")

    @classmethod
    def from_row(cls, row: VaultEntryRow) -> VaultBlob:
        return cls(
            ciphertext=b64(row.ciphertext),
            nonce=b64(row.nonce),
            key_version=row.key_version,
            content_type=row.content_type,
            size=row.size,
        )


@strawberry.input(
    description="A hidden entry's content sealed by my client (AES-256-GCM with a fresh "
    "96-bit nonce, or XChaCha20-Poly1305) with the tag's current data key."
)
class VaultBlobInput:
    ciphertext: str = strawberry.field(
        description="Ciphertext with its AEAD tag, base64; at most VAULT_MAX_BLOB_BYTES."
    )
    nonce: str = strawberry.field(description="12 (AES-GCM) or 24 bytes, base64.")
    key_version: int = strawberry.field(description="The data key version that sealed it.")
    content_type: str = strawberry.field(
        default="text/plain", description="Media type of the plaintext."
    )
