"""Inputs of chat mutations."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.chat.types.enums import GroupVisibility, MediaStatus, MessageKind

LEGACY = "Refused (BAD_USER_INPUT): the file's metadata comes from its upload."


@strawberry.input(
    description="The file of an IMAGE, VIDEO or DOCUMENT message: one I uploaded with "
    "uploadChatMedia and have not sent before. Its name, type (sniffed), size, checksum, "
    "processing status and thumbnail come from the upload."
)
class MediaInput:
    media_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Global id of my ChatMedia (from uploadChatMedia). Required; an IMAGE "
        "needs an image, a VIDEO a video. NOT_FOUND for another user's or an unknown one, "
        "CONFLICT for one already sent in another message.",
    )
    file_name: str | None = strawberry.field(
        default=None, deprecation_reason=LEGACY, description="No longer accepted."
    )
    mime_type: str | None = strawberry.field(
        default=None, deprecation_reason=LEGACY, description="No longer accepted."
    )
    size_bytes: int | None = strawberry.field(
        default=None, deprecation_reason=LEGACY, description="No longer accepted."
    )
    storage_path: str | None = strawberry.field(
        default=None, deprecation_reason=LEGACY, description="No longer accepted."
    )
    thumbnail_url: str | None = strawberry.field(
        default=None, deprecation_reason=LEGACY, description="No longer accepted."
    )
    processing_status: MediaStatus | None = strawberry.field(
        default=None, deprecation_reason=LEGACY, description="No longer accepted."
    )

    def legacy_fields(self) -> tuple[str, ...]:
        """The refused fields the client sent, by their GraphQL names."""
        given = {
            "fileName": self.file_name,
            "mimeType": self.mime_type,
            "sizeBytes": self.size_bytes,
            "storagePath": self.storage_path,
            "thumbnailUrl": self.thumbnail_url,
            "processingStatus": self.processing_status,
        }
        return tuple(name for name, value in given.items() if value is not None)


@strawberry.input(description="A message to send.")
class SendMessageInput:
    conversation_id: relay.GlobalID = strawberry.field(description="Where to send it.")
    client_id: str = strawberry.field(
        description="My own id for it, 8-64 of [A-Za-z0-9_-]: a retry with the same id "
        "returns the first message instead of sending twice."
    )
    kind: MessageKind = strawberry.field(default=MessageKind.TEXT, description="Not SYSTEM.")
    body: str | None = strawberry.field(
        default=None, description="Text (required for TEXT and EMOTION), a caption for media."
    )
    reply_to_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The message of this conversation it answers."
    )
    media: MediaInput | None = strawberry.field(
        default=None, description="Required for IMAGE, VIDEO and DOCUMENT; else not allowed."
    )


@strawberry.input(description="A new group; I become its owner.")
class CreateGroupInput:
    name: str = strawberry.field(description="1-100 characters.")
    description: str | None = strawberry.field(default=None, description="At most 2000.")
    avatar_url: str | None = strawberry.field(default=None, description="http(s) URL.")
    visibility: GroupVisibility = strawberry.field(
        default=GroupVisibility.PRIVATE, description="PUBLIC groups can be found and joined."
    )
    member_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Friends to add as members, at most 100."
    )


@strawberry.input(description="Group changes; omitted fields stay, null clears.")
class UpdateGroupInput:
    group_id: relay.GlobalID = strawberry.field(description="The group.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1-100 characters.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Text.")
    avatar_url: str | None = strawberry.field(default=strawberry.UNSET, description="URL.")
    visibility: GroupVisibility | None = strawberry.field(
        default=strawberry.UNSET, description="PUBLIC or PRIVATE."
    )
