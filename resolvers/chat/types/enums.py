"""Enums of chat."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What a message carries.")
class MessageKind(Enum):
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    DOCUMENT = "DOCUMENT"
    EMOTION = "EMOTION"
    SYSTEM = "SYSTEM"


@strawberry.enum(description="A reaction to a message.")
class ReactionKind(Enum):
    LIKE = "LIKE"
    LOVE = "LOVE"
    LAUGH = "LAUGH"
    SAD = "SAD"
    ANGRY = "ANGRY"
    WOW = "WOW"


@strawberry.enum(description="How far a message got to a recipient.")
class DeliveryState(Enum):
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"


@strawberry.enum(description="Processing state of a media file.")
class MediaStatus(Enum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    READY = "READY"
    FAILED = "FAILED"


@strawberry.enum(description="A two-person or a group conversation.")
class ConversationKind(Enum):
    DIRECT = "DIRECT"
    GROUP = "GROUP"


@strawberry.enum(description="A member's role in a group.")
class GroupRole(Enum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


@strawberry.enum(description="Who can find and join a group.")
class GroupVisibility(Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"
