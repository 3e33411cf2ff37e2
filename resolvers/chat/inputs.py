"""Inputs of chat mutations."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.chat.types.enums import GroupVisibility, MediaStatus, MessageKind


@strawberry.input(description="A file uploaded to the blob store, attached to a message.")
class MediaInput:
    file_name: str = strawberry.field(description="1-255 characters, no '/'.")
    mime_type: str = strawberry.field(description="image/* for IMAGE, video/* for VIDEO.")
    size_bytes: int = strawberry.field(description="1 byte to 2 GiB.")
    storage_path: str = strawberry.field(description="Where the bytes are in the blob store.")
    thumbnail_url: str | None = strawberry.field(default=None, description="http(s) URL.")
    processing_status: MediaStatus = strawberry.field(
        default=MediaStatus.PENDING, description="Processing state."
    )


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
