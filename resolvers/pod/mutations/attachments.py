"""Attachment mutations: upload in one request (multipart) or two (requestUpload, PUT,
completeUpload), and removal."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from datastore.pod.service.uploads import UPLOAD_PATH
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, global_id
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod.mutations.common import actor
from resolvers.pod.mutations.entries import entry_type_names
from resolvers.pod.types.attachments import Attachment, UploadTicket, absolute_url
from resolvers.pod.uploads import incoming_file

EntryIdArgument = Annotated[
    relay.GlobalID, strawberry.argument(description="The global id of one of my entries.")
]


KEEP_METADATA = strawberry.argument(
    description="Keep an image's EXIF metadata (camera, GPS position) in the stored file; by "
    "default the media job stores it upright without them before its status is READY."
)


@strawberry.type
class AttachmentMutations:
    @strawberry.mutation(
        description="Attach a file to my entry, sent with the GraphQL multipart request spec "
        "(Apollo Upload Client, urql). Its type is sniffed from its bytes; BAD_USER_INPUT "
        "(extensions.reason FILE_TOO_LARGE, QUOTA_EXCEEDED or TYPE_NOT_ALLOWED) stores nothing.",
        permission_classes=[IsAuthenticated],
    )
    async def add_attachment(
        self,
        info: Info,
        entry_id: EntryIdArgument,
        file: Annotated[Upload, strawberry.argument(description="The file (multipart).")],
        keep_metadata: Annotated[bool, KEEP_METADATA] = False,
    ) -> Attachment:
        row = await info.context.services.pod.attachments.add(
            actor(info),
            argument_uuid(entry_id, entry_type_names(), field="entryId"),
            incoming_file(file, field="file"),
            keep_metadata=keep_metadata,
        )
        return Attachment.from_row(row)

    @strawberry.mutation(
        description="Remove a file from my entry; its bytes are deleted from the store.",
        permission_classes=[IsAuthenticated],
    )
    async def remove_attachment(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The attachment's id.")],
    ) -> strawberry.ID:
        row = await info.context.services.pod.attachments.remove(
            actor(info), argument_uuid(id, "Attachment", field="id")
        )
        return global_id("Attachment", row.id)

    @strawberry.mutation(
        description="Start a two-step upload of a large file: PUT its bytes to the returned "
        "one-time URL (progress is the client's), then call completeUpload.",
        permission_classes=[IsAuthenticated],
    )
    async def request_upload(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The file's name, for display.")],
        size: Annotated[int, strawberry.argument(description="Its size in bytes (at most).")],
    ) -> UploadTicket:
        row, token = await info.context.services.pod.uploads.request(actor(info), name, size)
        return UploadTicket(
            upload_id=global_id("Upload", row.id),
            url=absolute_url(info, UPLOAD_PATH + token),
            max_bytes=row.declared_size,
            expires_at=row.expires_at,
        )

    @strawberry.mutation(
        description="Attach the bytes of a finished two-step upload to my entry. NOT_FOUND for "
        "an upload not mine, expired, already completed, or whose PUT has not finished.",
        permission_classes=[IsAuthenticated],
    )
    async def complete_upload(
        self,
        info: Info,
        upload_id: Annotated[
            relay.GlobalID, strawberry.argument(description="From requestUpload.")
        ],
        entry_id: EntryIdArgument,
    ) -> Attachment:
        row = await info.context.services.pod.uploads.complete(
            actor(info),
            argument_uuid(upload_id, "Upload", field="uploadId"),
            argument_uuid(entry_id, entry_type_names(), field="entryId"),
        )
        return Attachment.from_row(row)
