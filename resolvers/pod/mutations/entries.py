"""Entry mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from datastore.kit.errors import BadUserInput
from datastore.pod.files import MAX_FILES_PER_REQUEST
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod import drafts
from resolvers.pod.inputs import CreateEntryInput, UpdateEntryInput
from resolvers.pod.mutations.common import INPUT, EntryId, actor
from resolvers.pod.types.entries import KIND_TYPES, Entry
from resolvers.pod.uploads import incoming_file

_TYPE_NAMES = tuple(t.__name__ for t in KIND_TYPES.values())
_KIND_BY_TYPE = {t.__name__: kind for kind, t in KIND_TYPES.items()}
TagIds = Annotated[list[relay.GlobalID], strawberry.argument(description="My tags' ids.")]


def entry_type_names() -> tuple[str, ...]:
    """The GraphQL type names an entry's global id may carry."""
    return _TYPE_NAMES


def _entry_id(id: relay.GlobalID):
    return argument_uuid(id, _TYPE_NAMES, field="id")


@strawberry.type
class EntryMutations:
    @strawberry.mutation(
        description="Add an entry to my pod, with `files` (multipart, as addAttachment) "
        "attached in the same transaction: if one file is refused, nothing is created.",
        permission_classes=[IsAuthenticated],
    )
    async def create_entry(
        self,
        info: Info,
        input: Annotated[CreateEntryInput, INPUT],
        files: Annotated[
            list[Upload] | None,
            strawberry.argument(description="Files to attach (multipart), 10 at most."),
        ] = None,
    ) -> Entry:
        draft = drafts.draft(input)
        if not files:
            return Entry.from_row(
                await info.context.services.pod.entries.create(actor(info), draft)
            )
        if len(files) > MAX_FILES_PER_REQUEST:
            raise BadUserInput(f"Attach at most {MAX_FILES_PER_REQUEST} files.", field="files")
        incoming = [incoming_file(f, field=f"files[{i}]") for i, f in enumerate(files)]
        row = await info.context.services.pod.attachments.create_entry(actor(info), draft, incoming)
        return Entry.from_row(row)

    @strawberry.mutation(
        description="Change an entry. CONFLICT (with extensions.currentVersion) when "
        "`expectedVersion` is not the current version: nothing is overwritten silently.",
        permission_classes=[IsAuthenticated],
    )
    async def update_entry(
        self,
        info: Info,
        id: EntryId,
        expected_version: Annotated[
            int, strawberry.argument(description="The version my change is based on.")
        ],
        input: Annotated[UpdateEntryInput, INPUT],
    ) -> Entry:
        entry_id = _entry_id(id)
        patch = drafts.patch(_KIND_BY_TYPE[id.type_name], input)
        row = await info.context.services.pod.entries.update(
            actor(info), entry_id, expected_version, patch
        )
        return Entry.from_row(row)

    @strawberry.mutation(
        description="Move an entry to the trash; it is purged after 30 days.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_entry(self, info: Info, id: EntryId) -> Entry:
        return Entry.from_row(
            await info.context.services.pod.entries.trash(actor(info), _entry_id(id))
        )

    @strawberry.mutation(
        description="Bring an entry back from the trash, to the status it had.",
        permission_classes=[IsAuthenticated],
    )
    async def restore_entry(self, info: Info, id: EntryId) -> Entry:
        return Entry.from_row(
            await info.context.services.pod.entries.restore(actor(info), _entry_id(id))
        )

    @strawberry.mutation(
        description="Add tags to an entry (no version check: tagging commutes).",
        permission_classes=[IsAuthenticated],
    )
    async def tag_entry(self, info: Info, id: EntryId, tag_ids: TagIds) -> Entry:
        row = await info.context.services.pod.entries.change_tags(
            actor(info), _entry_id(id), add=drafts.tag_ids(tag_ids)
        )
        return Entry.from_row(row)

    @strawberry.mutation(
        description="Remove tags from an entry.", permission_classes=[IsAuthenticated]
    )
    async def untag_entry(self, info: Info, id: EntryId, tag_ids: TagIds) -> Entry:
        row = await info.context.services.pod.entries.change_tags(
            actor(info), _entry_id(id), remove=drafts.tag_ids(tag_ids)
        )
        return Entry.from_row(row)
