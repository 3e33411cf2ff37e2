"""Journal mutations: entries, tags, reminders and topics."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry import relay

from datastore.kit.errors import BadUserInput
from datastore.vault.service.vault import Blob
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, argument_uuids
from resolvers.core.permissions import IsAuthenticated
from resolvers.journal.inputs import (
    CreateJournalEntryInput,
    CreateJournalTagInput,
    CreateReminderInput,
    UpdateJournalEntryInput,
    UpdateJournalTagInput,
    UpdateReminderInput,
    given,
)
from resolvers.journal.types import JournalEntry, JournalTag, Reminder, Topic
from resolvers.vault.types import VaultBlobInput

_input = strawberry.argument(description="The values; see the input type.")
Id = Annotated[relay.GlobalID, strawberry.argument(description="The object's global id.")]
OptionalVersion = Annotated[
    int | None,
    strawberry.argument(
        description="The version I last read: if given, CONFLICT (extensions.currentVersion) "
        "unless it is current, and nothing changes."
    ),
]
_ENTRY_FIELDS = ("title", "content", "entry_date", "mood", "is_private", "published_at")
_REMINDER_FIELDS = (
    "title",
    "description",
    "remind_at",
    "time_zone",
    "priority",
    "repeat",
    "interval_days",
)

# What the server could read: a hidden entry must leave these empty.
_READABLE_FIELDS = {
    "content": "content",
    "title": "title",
    "mood": "mood",
    "published_at": "publishedAt",
    "tag_ids": "tagIds",
}


def _tag_ids(ids: list[relay.GlobalID] | None) -> list[uuid.UUID] | None:
    return None if ids is None else argument_uuids(ids, "JournalTag", field="tagIds")


async def _create_hidden_entry(
    info: Info,
    input: CreateJournalEntryInput,
    secret_tag_id: relay.GlobalID | None,
    blob: VaultBlobInput | None,
) -> JournalEntry:
    """Into the vault only: nothing the server could read (text, title, mood, tags) is taken,
    so nothing of it reaches search, embeddings, insights or sync."""
    principal = info.context.require_principal()
    if secret_tag_id is None:
        raise BadUserInput("A vault blob needs its secretTagId.", field="secretTagId")
    if blob is None:
        raise BadUserInput("A hidden entry needs its vaultBlob.", field="vaultBlob")
    for name, field in _READABLE_FIELDS.items():
        if getattr(input, name):
            raise BadUserInput("A hidden entry's content goes only in vaultBlob.", field=field)
    row = await info.context.services.vault.create_entry(
        principal.user_id,
        principal.session_id,
        argument_uuid(secret_tag_id, "SecretTag", field="secretTagId"),
        entry_date=input.entry_date,
        blob=Blob(blob.ciphertext, blob.nonce, blob.key_version, blob.content_type),
    )
    return JournalEntry.from_vault_row(row)


@strawberry.type(description="The id of something deleted.")
class DeletePayload:
    deleted_id: relay.GlobalID = strawberry.field(description="Global id of what was deleted.")


@strawberry.type
class JournalMutations:
    @strawberry.mutation(description="Write a journal entry.", permission_classes=[IsAuthenticated])
    async def create_journal_entry(
        self,
        info: Info,
        input: Annotated[CreateJournalEntryInput, _input],
        secret_tag_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="File it as a hidden entry of this SecretTag (its vault open on "
                "this device session): then give vaultBlob, and no text, title, mood or tags."
            ),
        ] = None,
        vault_blob: Annotated[
            VaultBlobInput | None,
            strawberry.argument(description="The hidden entry's content, sealed by my client."),
        ] = None,
    ) -> JournalEntry:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        if secret_tag_id is not None or vault_blob is not None:
            return await _create_hidden_entry(info, input, secret_tag_id, vault_blob)
        values = {k: getattr(input, k) for k in _ENTRY_FIELDS}
        if values["entry_date"] is None:
            del values["entry_date"]  # today in my time zone
        row = await info.context.services.journal.create_entry(
            user_id, values, _tag_ids(input.tag_ids), device=device
        )
        return JournalEntry.from_row(row)

    @strawberry.mutation(
        description="Change a journal entry of mine; CONFLICT (with currentVersion) if stale.",
        permission_classes=[IsAuthenticated],
    )
    async def update_journal_entry(
        self,
        info: Info,
        id: Id,
        input: Annotated[UpdateJournalEntryInput, _input],
        expected_version: OptionalVersion = None,
    ) -> JournalEntry:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        tag_ids = None if input.tag_ids is strawberry.UNSET else _tag_ids(input.tag_ids or [])
        row = await info.context.services.journal.update_entry(
            user_id,
            argument_uuid(id, "JournalEntry", field="id"),
            expected_version=expected_version,
            values=given(input, _ENTRY_FIELDS),
            tag_ids=tag_ids,
            device=device,
        )
        return JournalEntry.from_row(row)

    @strawberry.mutation(
        description="Delete a journal entry of mine.", permission_classes=[IsAuthenticated]
    )
    async def delete_journal_entry(
        self, info: Info, id: Id, expected_version: OptionalVersion = None
    ) -> DeletePayload:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        await info.context.services.journal.delete_entry(
            user_id,
            argument_uuid(id, "JournalEntry", field="id"),
            expected_version=expected_version,
            device=device,
        )
        return DeletePayload(deleted_id=id)

    @strawberry.mutation(description="Create a tag.", permission_classes=[IsAuthenticated])
    async def create_journal_tag(
        self, info: Info, input: Annotated[CreateJournalTagInput, _input]
    ) -> JournalTag:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        tag = await info.context.services.journal.create_tag(
            user_id, name=input.name, color=input.color, device=device
        )
        return JournalTag.from_row(tag)

    @strawberry.mutation(
        description="Rename or recolour a tag of mine; CONFLICT (with currentVersion) if stale.",
        permission_classes=[IsAuthenticated],
    )
    async def update_journal_tag(
        self,
        info: Info,
        id: Id,
        input: Annotated[UpdateJournalTagInput, _input],
        expected_version: OptionalVersion = None,
    ) -> JournalTag:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        tag = await info.context.services.journal.update_tag(
            user_id,
            argument_uuid(id, "JournalTag", field="id"),
            name=input.name,
            color=input.color,
            expected_version=expected_version,
            device=device,
        )
        return JournalTag.from_row(tag)

    @strawberry.mutation(
        description="Delete a tag of mine; entries lose it.", permission_classes=[IsAuthenticated]
    )
    async def delete_journal_tag(self, info: Info, id: Id) -> DeletePayload:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        await info.context.services.journal.delete_tag(
            user_id, argument_uuid(id, "JournalTag", field="id"), device=device
        )
        return DeletePayload(deleted_id=id)

    @strawberry.mutation(description="Create a reminder.", permission_classes=[IsAuthenticated])
    async def create_reminder(
        self, info: Info, input: Annotated[CreateReminderInput, _input]
    ) -> Reminder:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        values = {k: getattr(input, k) for k in _REMINDER_FIELDS}
        values["repeat"] = input.repeat.value
        row = await info.context.services.reminders.create(user_id, values, device=device)
        return Reminder.from_row(row)

    @strawberry.mutation(
        description="Change a reminder of mine; a new time re-arms it. CONFLICT (with "
        "currentVersion) if stale.",
        permission_classes=[IsAuthenticated],
    )
    async def update_reminder(
        self,
        info: Info,
        id: Id,
        input: Annotated[UpdateReminderInput, _input],
        expected_version: OptionalVersion = None,
    ) -> Reminder:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        row = await info.context.services.reminders.update(
            user_id,
            argument_uuid(id, "Reminder", field="id"),
            given(input, _REMINDER_FIELDS),
            expected_version=expected_version,
            device=device,
        )
        return Reminder.from_row(row)

    @strawberry.mutation(
        description="Mark a reminder done; it stops notifying.",
        permission_classes=[IsAuthenticated],
    )
    async def complete_reminder(self, info: Info, id: Id) -> Reminder:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        row = await info.context.services.reminders.complete(
            user_id, argument_uuid(id, "Reminder", field="id"), device=device
        )
        return Reminder.from_row(row)

    @strawberry.mutation(
        description="Mark a reminder not done; it is armed again if its time is ahead.",
        permission_classes=[IsAuthenticated],
    )
    async def uncomplete_reminder(self, info: Info, id: Id) -> Reminder:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        row = await info.context.services.reminders.uncomplete(
            user_id, argument_uuid(id, "Reminder", field="id"), device=device
        )
        return Reminder.from_row(row)

    @strawberry.mutation(
        description="Notify me about a reminder again in some minutes.",
        permission_classes=[IsAuthenticated],
    )
    async def snooze_reminder(
        self,
        info: Info,
        id: Id,
        minutes: Annotated[int, strawberry.argument(description="1 to 10080 minutes.")],
    ) -> Reminder:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        row = await info.context.services.reminders.snooze(
            user_id, argument_uuid(id, "Reminder", field="id"), minutes=minutes, device=device
        )
        return Reminder.from_row(row)

    @strawberry.mutation(
        description="Delete a reminder of mine.", permission_classes=[IsAuthenticated]
    )
    async def delete_reminder(self, info: Info, id: Id) -> DeletePayload:
        principal = info.context.require_principal()
        user_id, device = principal.user_id, principal.session_id
        await info.context.services.reminders.delete(
            user_id, argument_uuid(id, "Reminder", field="id"), device=device
        )
        return DeletePayload(deleted_id=id)

    @strawberry.mutation(
        description="Create a topic of my own; my entries are matched to it by meaning.",
        permission_classes=[IsAuthenticated],
    )
    async def create_topic(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="1-60 characters.")],
        description: Annotated[
            str, strawberry.argument(description="What it covers, in a sentence.")
        ] = "",
    ) -> Topic:
        user_id = info.context.require_principal().user_id
        topic = await info.context.services.journal.create_topic(
            user_id, name=name, description=description
        )
        return Topic.from_row(topic)

    @strawberry.mutation(
        description="Rename a topic of mine (made by me or discovered); re-discovery keeps "
        "the name.",
        permission_classes=[IsAuthenticated],
    )
    async def rename_topic(
        self,
        info: Info,
        id: Id,
        name: Annotated[str, strawberry.argument(description="1-60 characters.")],
    ) -> Topic:
        user_id = info.context.require_principal().user_id
        topic = await info.context.services.journal.rename_topic(
            user_id, argument_uuid(id, "Topic", field="id"), name
        )
        return Topic.from_row(topic)

    @strawberry.mutation(
        description="Pin or unpin a topic of mine; re-discovery never removes a pinned topic.",
        permission_classes=[IsAuthenticated],
    )
    async def pin_topic(
        self,
        info: Info,
        id: Id,
        pinned: Annotated[bool, strawberry.argument(description="False unpins.")] = True,
    ) -> Topic:
        user_id = info.context.require_principal().user_id
        topic = await info.context.services.journal.pin_topic(
            user_id, argument_uuid(id, "Topic", field="id"), pinned
        )
        return Topic.from_row(topic)

    @strawberry.mutation(
        description="Merge topics of mine into another of mine: their entries join it and "
        "they are deleted. All or nothing.",
        permission_classes=[IsAuthenticated],
    )
    async def merge_topics(
        self,
        info: Info,
        ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="The topics merged away.")
        ],
        into: Annotated[relay.GlobalID, strawberry.argument(description="The topic kept.")],
    ) -> Topic:
        user_id = info.context.require_principal().user_id
        topic = await info.context.services.journal.merge_topics(
            user_id,
            argument_uuids(ids, "Topic", field="ids"),
            argument_uuid(into, "Topic", field="into"),
        )
        return Topic.from_row(topic)

    @strawberry.mutation(
        description="Delete a topic of mine.", permission_classes=[IsAuthenticated]
    )
    async def delete_topic(self, info: Info, id: Id) -> DeletePayload:
        user_id = info.context.require_principal().user_id
        await info.context.services.journal.delete_topic(
            user_id, argument_uuid(id, "Topic", field="id")
        )
        return DeletePayload(deleted_id=id)
