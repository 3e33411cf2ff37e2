"""Secret-tag queries: my tags, my open vault sessions, entries a key rotation must redo."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.vault.repository.entries import vault_entry_key
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.pagination import (
    DAY_TIME_AND_ID,
    TIME_AND_ID,
    After,
    Connection,
    First,
    day_time_and_id,
    decode_after,
    encode_cursor,
    keyset_page,
    page_limit,
    time_and_id,
    time_and_id_cursor,
)
from resolvers.core.permissions import IsAuthenticated
from resolvers.journal.types import JournalEntry
from resolvers.vault.types import SecretTag, VaultSession


@strawberry.type
class VaultQueries:
    @strawberry.field(
        description="My secret tags, oldest first (names only: nothing here needs the phrase).",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tags(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[SecretTag]:
        user_id = info.context.require_principal().user_id
        limit = page_limit(info, first)
        start = decode_after("secrettag", after, pattern=TIME_AND_ID, parse=time_and_id)
        rows = await info.context.services.secret_tags.list_tags(
            user_id, limit=limit + 1, after=start
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=SecretTag.from_row,
            cursor=lambda row: time_and_id_cursor("secrettag", row.created_at, row.id),
        )

    @strawberry.field(
        description="My open vault sessions on all my devices, newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def vault_sessions(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[VaultSession]:
        principal = info.context.require_principal()
        limit = page_limit(info, first)
        start = decode_after("vaultsession", after, pattern=TIME_AND_ID, parse=time_and_id)
        rows = await info.context.services.vault.list_sessions(
            principal.user_id, limit=limit + 1, after=start
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=lambda row: VaultSession.from_row(row, current_device=principal.session_id),
            cursor=lambda row: time_and_id_cursor("vaultsession", row.opened_at, row.id),
        )

    @strawberry.field(
        description="Hidden entries of a secret tag still sealed with an older data key, for "
        "a key rotation to re-encrypt (replaceVaultBlobs); empty once it is done. Needs the "
        "tag's vault open on this device session (else VAULT_LOCKED).",
        permission_classes=[IsAuthenticated],
    )
    async def stale_vault_entries(
        self,
        info: Info,
        secret_tag: Annotated[relay.GlobalID, strawberry.argument(description="The SecretTag.")],
        first: First = None,
        after: After = None,
    ) -> Connection[JournalEntry]:
        principal = info.context.require_principal()
        tag_id = argument_uuid(secret_tag, "SecretTag", field="secretTag")
        limit = page_limit(info, first)
        start = decode_after("staleentry", after, pattern=DAY_TIME_AND_ID, parse=day_time_and_id)
        rows = await info.context.services.vault.list_entries(
            principal.user_id,
            principal.session_id,
            tag_id,
            limit=limit + 1,
            after=start,
            stale=True,
        )
        return keyset_page(
            rows,
            limit,
            after,
            node=JournalEntry.from_vault_row,
            cursor=lambda row: encode_cursor(
                "staleentry", "|".join(map(str, vault_entry_key(row)))
            ),
        )
