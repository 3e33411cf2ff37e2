"""Secret-tag mutations: OPAQUE registration and unlock in two round trips each, phrase
change, data-key rotation, closing vaults and deleting tags.

A client registers with serenity-kit's startRegistration -> secretTagRegistrationStart ->
finishRegistration -> secretTagRegistrationFinish, and unlocks with startLogin ->
secretTagLoginStart -> finishLogin -> secretTagLoginFinish, which returns every wrapped key.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput
from datastore.vault.service.tags import Started, Unlocked
from datastore.vault.service.vault import Blob
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, global_id
from resolvers.core.pagination import After, Connection, First, list_page
from resolvers.core.permissions import IsAuthenticated
from resolvers.vault.inputs import (
    ReplaceVaultBlobInput,
    SecretTagLoginFinishInput,
    SecretTagLoginStartInput,
    SecretTagPhraseChangeFinishInput,
    SecretTagPhraseChangeStartInput,
    SecretTagRegistrationFinishInput,
    SecretTagRegistrationStartInput,
)
from resolvers.vault.types import (
    SecretTag,
    VaultBlobInput,
    VaultKey,
    VaultSession,
    b64url,
    step_uuid,
)

_input = strawberry.argument(description="The values; see the input type.")
TagId = Annotated[relay.GlobalID, strawberry.argument(description="The SecretTag's id.")]


@strawberry.type(description="A started OPAQUE step: send `message` to the client library.")
class OpaqueStep:
    id: strawberry.ID = strawberry.field(
        description="Pass to the finish mutation (registrationId, loginId or phraseChangeId); "
        "valid for minutes, once, from this device session only."
    )
    secret_tag_id: strawberry.ID = strawberry.field(description="The tag it is about.")
    message: str = strawberry.field(
        description="The server's OPAQUE reply (registrationResponse or loginResponse), "
        "URL-safe base64 without padding."
    )

    @classmethod
    def from_started(cls, started: Started) -> OpaqueStep:
        return cls(
            id=strawberry.ID(str(started.id)),
            secret_tag_id=global_id("SecretTag", started.tag_id),
            message=b64url(started.message),
        )


@strawberry.type(description="An unlocked secret tag: its open vault session and data keys.")
class VaultUnlock:
    secret_tag: SecretTag = strawberry.field(description="The tag.")
    vault_session: VaultSession = strawberry.field(description="The vault now open here.")
    _keys: strawberry.Private[list[VaultKey]]

    @classmethod
    def from_unlocked(cls, unlocked: Unlocked, device: str) -> VaultUnlock:
        return cls(
            secret_tag=SecretTag.from_row(unlocked.tag),
            vault_session=VaultSession.from_row(unlocked.session, current_device=device),
            _keys=[VaultKey.from_row(key) for key in unlocked.keys],
        )

    @strawberry.field(description="Every kept data key version, wrapped, oldest first.")
    def keys(self, first: First = None, after: After = None) -> Connection[VaultKey]:
        return list_page(
            self._keys, kind="vaultkeys", node=lambda key: key, first=first, after=after
        )


@strawberry.type(description="A batch of a key rotation, stored.")
class VaultBlobsReplaced:
    secret_tag: SecretTag = strawberry.field(description="The tag.")
    replaced_count: int = strawberry.field(description="Entries stored re-encrypted.")
    rotation_complete: bool = strawberry.field(
        description="No entry uses an older key any more; the old keys are deleted."
    )


@strawberry.type(description="A secret tag crypto-shredded: keys first, then blobs.")
class SecretTagDeleted:
    deleted_id: relay.GlobalID = strawberry.field(description="Global id of the tag.")
    keys_deleted: int = strawberry.field(description="Wrapped data keys deleted.")
    entries_deleted: int = strawberry.field(description="Hidden entries deleted.")


@strawberry.type(description="The id of something closed or deleted.")
class VaultDeletePayload:
    deleted_id: relay.GlobalID = strawberry.field(description="Global id of what went.")


@strawberry.type
class VaultMutations:
    @strawberry.mutation(
        description="Register a secret tag, step 1: the server's OPAQUE registration response.",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tag_registration_start(
        self, info: Info, input: Annotated[SecretTagRegistrationStartInput, _input]
    ) -> OpaqueStep:
        principal = info.context.require_principal()
        started = await info.context.services.secret_tags.register_start(
            principal.user_id,
            principal.session_id,
            request=input.registration_request,
            lookup=input.lookup_hash,
        )
        return OpaqueStep.from_started(started)

    @strawberry.mutation(
        description="Register a secret tag, step 2: store the OPAQUE record and the wrapped "
        "data key; the tag's vault opens on this device session.",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tag_registration_finish(
        self, info: Info, input: Annotated[SecretTagRegistrationFinishInput, _input]
    ) -> VaultUnlock:
        principal = info.context.require_principal()
        unlocked = await info.context.services.secret_tags.register_finish(
            principal.user_id,
            principal.session_id,
            registration_id=step_uuid(input.registration_id, "registrationId"),
            record=input.registration_record,
            wrapped_key=input.wrapped_key,
            name=input.name,
            color=input.color,
            client=info.context.client,
        )
        return VaultUnlock.from_unlocked(unlocked, principal.session_id)

    @strawberry.mutation(
        description="Unlock a secret tag, step 1: the server's OPAQUE login response. Limited "
        "per tag, account and address (RATE_LIMITED), apart from sign-in limits.",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tag_login_start(
        self, info: Info, input: Annotated[SecretTagLoginStartInput, _input]
    ) -> OpaqueStep:
        principal = info.context.require_principal()
        tag_id = (
            argument_uuid(input.secret_tag_id, "SecretTag", field="secretTagId")
            if input.secret_tag_id is not None
            else None
        )
        started = await info.context.services.secret_tags.unlock_start(
            principal.user_id,
            principal.session_id,
            info.context.client,
            tag_id=tag_id,
            lookup=input.lookup_hash,
            request=input.start_login_request,
        )
        return OpaqueStep.from_started(started)

    @strawberry.mutation(
        description="Unlock a secret tag, step 2: check the proof of the phrase, open a vault "
        "session here and return every wrapped data key. A wrong phrase is BAD_USER_INPUT.",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tag_login_finish(
        self, info: Info, input: Annotated[SecretTagLoginFinishInput, _input]
    ) -> VaultUnlock:
        principal = info.context.require_principal()
        unlocked = await info.context.services.secret_tags.unlock_finish(
            principal.user_id,
            principal.session_id,
            login_id=step_uuid(input.login_id, "loginId"),
            finalization=input.finish_login_request,
            client=info.context.client,
        )
        return VaultUnlock.from_unlocked(unlocked, principal.session_id)

    @strawberry.mutation(
        description="Change a secret tag's phrase, step 1 (its vault open here proves the old "
        "phrase): the OPAQUE registration response for the new one.",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tag_phrase_change_start(
        self, info: Info, input: Annotated[SecretTagPhraseChangeStartInput, _input]
    ) -> OpaqueStep:
        principal = info.context.require_principal()
        started = await info.context.services.secret_tags.change_phrase_start(
            principal.user_id,
            principal.session_id,
            tag_id=argument_uuid(input.secret_tag_id, "SecretTag", field="secretTagId"),
            request=input.registration_request,
            lookup=input.lookup_hash,
        )
        return OpaqueStep.from_started(started)

    @strawberry.mutation(
        description="Change a secret tag's phrase, step 2: the new record and every key "
        "re-wrapped; blobs are untouched, the old phrase unlocks nothing, other vaults close.",
        permission_classes=[IsAuthenticated],
    )
    async def secret_tag_phrase_change_finish(
        self, info: Info, input: Annotated[SecretTagPhraseChangeFinishInput, _input]
    ) -> SecretTag:
        principal = info.context.require_principal()
        wrapped = {key.key_version: key.wrapped_key for key in input.wrapped_keys}
        if len(wrapped) != len(input.wrapped_keys):
            raise BadUserInput("Each key version once.", field="wrappedKeys")
        tag = await info.context.services.secret_tags.change_phrase_finish(
            principal.user_id,
            principal.session_id,
            change_id=step_uuid(input.phrase_change_id, "phraseChangeId"),
            record=input.registration_record,
            wrapped_keys=wrapped,
            client=info.context.client,
        )
        return SecretTag.from_row(tag)

    @strawberry.mutation(
        description="Start a data-key rotation: a new random key (wrapped by my client) "
        "becomes the current version; then re-encrypt staleVaultEntries with replaceVaultBlobs.",
        permission_classes=[IsAuthenticated],
    )
    async def rotate_vault_key(
        self,
        info: Info,
        secret_tag_id: TagId,
        wrapped_key: Annotated[
            str, strawberry.argument(description="The new data key, AES-KW-wrapped, base64.")
        ],
    ) -> SecretTag:
        principal = info.context.require_principal()
        tag = await info.context.services.vault.rotate_key(
            principal.user_id,
            principal.session_id,
            argument_uuid(secret_tag_id, "SecretTag", field="secretTagId"),
            wrapped_key=wrapped_key,
            client=info.context.client,
        )
        return SecretTag.from_row(tag)

    @strawberry.mutation(
        description="Store up to 100 hidden entries re-encrypted with the current key (all or "
        "none); old key versions no entry uses are deleted. Resumable: repeat until "
        "rotationComplete.",
        permission_classes=[IsAuthenticated],
    )
    async def replace_vault_blobs(
        self,
        info: Info,
        secret_tag_id: TagId,
        blobs: Annotated[
            list[ReplaceVaultBlobInput], strawberry.argument(description="1 to 100 entries.")
        ],
    ) -> VaultBlobsReplaced:
        principal = info.context.require_principal()
        batch = [
            (argument_uuid(item.entry_id, "JournalEntry", field="entryId"), _blob(item.blob))
            for item in blobs
        ]
        replaced = await info.context.services.vault.replace_blobs(
            principal.user_id,
            principal.session_id,
            argument_uuid(secret_tag_id, "SecretTag", field="secretTagId"),
            batch,
        )
        return VaultBlobsReplaced(
            secret_tag=SecretTag.from_row(replaced.tag),
            replaced_count=replaced.count,
            rotation_complete=replaced.complete,
        )

    @strawberry.mutation(
        description="Delete one hidden entry of a secret tag whose vault is open here.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_vault_entry(
        self,
        info: Info,
        secret_tag_id: TagId,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The hidden entry.")],
    ) -> VaultDeletePayload:
        principal = info.context.require_principal()
        await info.context.services.vault.delete_entry(
            principal.user_id,
            principal.session_id,
            argument_uuid(secret_tag_id, "SecretTag", field="secretTagId"),
            argument_uuid(id, "JournalEntry", field="id"),
        )
        return VaultDeletePayload(deleted_id=id)

    @strawberry.mutation(
        description="Close one of my open vault sessions (on any of my devices).",
        permission_classes=[IsAuthenticated],
    )
    async def close_vault(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The VaultSession.")],
    ) -> VaultDeletePayload:
        principal = info.context.require_principal()
        await info.context.services.vault.close(
            principal.user_id,
            principal.session_id,
            argument_uuid(id, "VaultSession", field="id"),
            client=info.context.client,
        )
        return VaultDeletePayload(deleted_id=id)

    @strawberry.mutation(
        description="Delete a secret tag by crypto-shredding: its wrapped keys, then its "
        "hidden entries, its sessions and the tag. Needs no phrase (it may be forgotten).",
        permission_classes=[IsAuthenticated],
    )
    async def delete_secret_tag(self, info: Info, id: TagId) -> SecretTagDeleted:
        principal = info.context.require_principal()
        shredded = await info.context.services.secret_tags.delete_tag(
            principal.user_id,
            principal.session_id,
            argument_uuid(id, "SecretTag", field="id"),
            client=info.context.client,
        )
        return SecretTagDeleted(
            deleted_id=id, keys_deleted=shredded.keys, entries_deleted=shredded.entries
        )


def _blob(blob: VaultBlobInput) -> Blob:
    return Blob(blob.ciphertext, blob.nonce, blob.key_version, blob.content_type)
