"""Inputs of the secret-tag mutations. OPAQUE messages are base64 (URL-safe or standard)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.vault.types import VaultBlobInput

_LOOKUP = (
    "Optional: base64 of a hash my client computes from the phrase (32-64 bytes), so the tag "
    "can be found by its phrase alone; the server keeps only a keyed hash of it."
)


@strawberry.input(description="Start registering a secret tag (OPAQUE registration, step 1).")
class SecretTagRegistrationStartInput:
    registration_request: str = strawberry.field(
        description="The client's OPAQUE registration request (serenity-kit startRegistration)."
    )
    lookup_hash: str | None = strawberry.field(default=None, description=_LOOKUP)


@strawberry.input(description="Finish registering a secret tag (OPAQUE registration, step 2).")
class SecretTagRegistrationFinishInput:
    registration_id: strawberry.ID = strawberry.field(
        description="registrationId from secretTagRegistrationStart."
    )
    registration_record: str = strawberry.field(
        description="The client's OPAQUE registration record (serenity-kit finishRegistration)."
    )
    wrapped_key: str = strawberry.field(
        description="The new random 256-bit data key, AES-KW-wrapped (40 bytes, base64) by a "
        "key derived from the export key; it becomes key version 1."
    )
    name: str = strawberry.field(description="1-200 characters, shown in my list of tags.")
    color: str = strawberry.field(default="#808080", description="Hex colour, #RRGGBB.")


@strawberry.input(description="Start unlocking a secret tag (OPAQUE login, step 1).")
class SecretTagLoginStartInput:
    start_login_request: str = strawberry.field(
        description="The client's OPAQUE credential request (serenity-kit startLogin)."
    )
    secret_tag_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The tag to unlock; or give lookupHash instead."
    )
    lookup_hash: str | None = strawberry.field(
        default=None, description="Find the tag by the hash its phrase was registered with."
    )


@strawberry.input(description="Finish unlocking a secret tag (OPAQUE login, step 2).")
class SecretTagLoginFinishInput:
    login_id: strawberry.ID = strawberry.field(description="loginId from secretTagLoginStart.")
    finish_login_request: str = strawberry.field(
        description="The client's OPAQUE credential finalization (serenity-kit finishLogin)."
    )


@strawberry.input(description="Start changing a secret tag's phrase; its vault must be open.")
class SecretTagPhraseChangeStartInput:
    secret_tag_id: relay.GlobalID = strawberry.field(description="The tag.")
    registration_request: str = strawberry.field(
        description="OPAQUE registration request for the new phrase."
    )
    lookup_hash: str | None = strawberry.field(
        default=None, description="The new phrase's lookup hash (see registration)."
    )


@strawberry.input(description="One data key version re-wrapped under the new phrase.")
class WrappedKeyInput:
    key_version: int = strawberry.field(description="The version (see VaultKey.version).")
    wrapped_key: str = strawberry.field(description="The same data key, re-wrapped, base64.")


@strawberry.input(description="Finish changing a secret tag's phrase.")
class SecretTagPhraseChangeFinishInput:
    phrase_change_id: strawberry.ID = strawberry.field(
        description="phraseChangeId from secretTagPhraseChangeStart."
    )
    registration_record: str = strawberry.field(
        description="OPAQUE registration record for the new phrase."
    )
    wrapped_keys: list[WrappedKeyInput] = strawberry.field(
        description="Every kept key version, re-wrapped with the new export key's KEK."
    )


@strawberry.input(description="A hidden entry re-encrypted with the current data key.")
class ReplaceVaultBlobInput:
    entry_id: relay.GlobalID = strawberry.field(description="The hidden JournalEntry.")
    blob: VaultBlobInput = strawberry.field(description="Its content, sealed anew.")
