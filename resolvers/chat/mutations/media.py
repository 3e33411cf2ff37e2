"""Uploading a file for a chat message (then sent with sendMessage's media.mediaId)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from resolvers.chat.types.media import ChatMedia
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod.uploads import incoming_file


@strawberry.type
class ChatMediaMutations:
    @strawberry.mutation(
        description="Upload a file for a chat message, with the GraphQL multipart request "
        "spec (Apollo Upload Client, urql); then send it with sendMessage's media.mediaId. "
        "Its type is sniffed from its bytes; it counts towards my storage quota. "
        "BAD_USER_INPUT (extensions.reason FILE_TOO_LARGE, QUOTA_EXCEEDED or "
        "TYPE_NOT_ALLOWED) stores nothing. Images are processed in the background "
        "(processingStatus PENDING, then READY with a thumbnail, or FAILED).",
        permission_classes=[IsAuthenticated],
    )
    async def upload_chat_media(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The file (multipart).")],
        keep_metadata: Annotated[
            bool,
            strawberry.argument(
                description="Keep the image's EXIF metadata (camera, GPS position) in the "
                "stored file; by default it is stripped before anyone can download it."
            ),
        ] = False,
    ) -> ChatMedia:
        me = info.context.require_principal().user_id
        row = await info.context.services.chat.media.upload(
            me, incoming_file(file, field="file"), keep_metadata=keep_metadata
        )
        return ChatMedia.from_row(row)
