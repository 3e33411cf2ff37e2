"""Enums of the pod's GraphQL API."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What an entry is; decides its concrete type and fields.")
class EntryKind(Enum):
    NOTE = "NOTE"
    PASSWORD = "PASSWORD"
    DOCUMENT = "DOCUMENT"
    BOOKMARK = "BOOKMARK"
    TASK = "TASK"
    CONTACT = "CONTACT"


@strawberry.enum(description="Lifecycle of an entry. DELETED means in the trash (30 days).")
class EntryStatus(Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    DELETED = "DELETED"


@strawberry.enum(description="What entries are sorted by.")
class EntrySortField(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    TITLE = "TITLE"


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum(description="Text-search language: decides stemming and stop words.")
class SearchLanguage(Enum):
    SIMPLE = "simple"
    ENGLISH = "english"
    FRENCH = "french"
    GERMAN = "german"
    SPANISH = "spanish"
    ITALIAN = "italian"
    PORTUGUESE = "portuguese"
    DUTCH = "dutch"
    RUSSIAN = "russian"
    SWEDISH = "swedish"
    NORWEGIAN = "norwegian"
    DANISH = "danish"
    FINNISH = "finnish"


@strawberry.enum(description="What an activity record is about.")
class ActivityAction(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"
    RESTORED = "RESTORED"
    PURGED = "PURGED"
    EXPIRED = "EXPIRED"
    TAGS_CHANGED = "TAGS_CHANGED"
    MOVED = "MOVED"
    SECRET_VIEWED = "SECRET_VIEWED"
    MERGED = "MERGED"
    # Sharing (the pod design's list); EXPORTED is for exports, which come later.
    SHARED = "SHARED"
    SHARE_UPDATED = "SHARE_UPDATED"
    UNSHARED = "UNSHARED"
    LINK_CREATED = "LINK_CREATED"
    LINK_REVOKED = "LINK_REVOKED"
    LINK_OPENED = "LINK_OPENED"
    EXPORTED = "EXPORTED"
    VIEWED = "VIEWED"


@strawberry.enum(
    description="The kind of object an activity record or sync change is about: the pod's "
    "entries, categories and tags, or the journal's entries, tags and reminders."
)
class EntityType(Enum):
    ENTRY = "ENTRY"
    CATEGORY = "CATEGORY"
    TAG = "TAG"
    JOURNAL_ENTRY = "JOURNAL_ENTRY"
    JOURNAL_TAG = "JOURNAL_TAG"
    REMINDER = "REMINDER"
