"""GraphQL types of exports of my data and of imports of an archive."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from datastore.exports.importer import ImportReport
from datastore.exports.tables import Export as ExportRow
from resolvers.core.context import Info
from resolvers.core.nodes import Nodes, owned_nodes
from resolvers.core.rows import from_row
from resolvers.sync.types import sync_cursor


@strawberry.enum(description="Where an export is.")
class ExportStatus(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    READY = "READY"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


@strawberry.type(description="One archive of every piece of my data (GDPR article 20).")
class Export(relay.Node):
    id: relay.NodeID[str]
    status: ExportStatus = strawberry.field(
        description="PENDING until a worker takes it, RUNNING, then READY to download until "
        "`expiresAt` (then EXPIRED, the archive deleted), or FAILED."
    )
    progress: int = strawberry.field(
        description="0 to 100: the share of the archive's sections written (100 when READY)."
    )
    size_bytes: float | None = strawberry.field(description="Size of the archive once READY.")
    sha256: str | None = strawberry.field(description="SHA-256 (hex) of the archive file.")
    sync_seq: int | None = strawberry.field(
        description="My change sequence the archive was read at: it holds every change up "
        "to this `seq` of `changes` (manifest.json's `syncPosition`; see the archive's "
        "README, Consistency)."
    )
    error: str | None = strawberry.field(description="Why it FAILED, if it did.")
    created_at: datetime = strawberry.field(description="When I requested it.")
    finished_at: datetime | None = strawberry.field(description="When it became READY.")
    expires_at: datetime | None = strawberry.field(
        description="When the archive is deleted (READY archives)."
    )
    user_id: strawberry.Private[uuid.UUID]
    claimed_at: strawberry.Private[datetime | None]

    @strawberry.field(
        description="Once READY: a `changes(since:)` cursor at the archive's sync position, "
        "so a client that loaded the archive follows every later change."
    )
    def sync_cursor(self) -> str | None:
        if self.sync_seq is None or self.claimed_at is None:
            return None
        return sync_cursor(self.sync_seq, self.claimed_at)

    @strawberry.field(
        description="A signed link to download the archive (a zip), valid for a few minutes "
        "(EXPORT_URL_SECONDS), to GET with my `Authorization: Bearer` token (a link alone "
        "opens nothing); null unless READY. Ask again for a fresh one."
    )
    def download_url(self, info: Info) -> str | None:
        principal = info.context.principal
        if self.status is not ExportStatus.READY or principal is None:
            return None
        if principal.user_id != self.user_id:  # only ever resolved for its owner, but still
            return None
        path = info.context.services.exports.urls.path(uuid.UUID(self.id), principal.user_id)
        return str(info.context.request.base_url).rstrip("/") + path

    @classmethod
    def from_row(cls, row: ExportRow) -> Export:
        return from_row(cls, row, status=ExportStatus(row.status))

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> Nodes:
        return owned_nodes(info, node_ids, info.context.loaders.exports.export_by_id, cls.from_row)


@strawberry.type(description="What an import did with one kind of object.")
class ImportedKind:
    kind: str = strawberry.field(
        description="The archive file's section: pod.categories, pod.tags, pod.entries, "
        "pod.attachments, journal.tags, journal.entries or journal.reminders."
    )
    created: int = strawberry.field(description="Objects created in my account.")
    skipped: int = strawberry.field(
        description="Objects not created: brought in by an earlier import of this archive, "
        "matched to one I had (a tag of the same name), expired since the export, or a "
        "file the archive does not hold."
    )


@strawberry.type(description="The report of an import of an archive into my account.")
class ImportArchivePayload:
    archive_id: str = strawberry.field(description="The archive's id (its manifest's).")
    created: int = strawberry.field(description="Objects created in all.")
    kinds: list[ImportedKind] = strawberry.field(description="Counts per kind of object.")

    @classmethod
    def from_report(cls, report: ImportReport) -> ImportArchivePayload:
        return cls(
            archive_id=str(report.archive_id),
            created=report.created,
            kinds=[
                ImportedKind(kind=k.kind, created=k.created, skipped=k.skipped)
                for k in report.kinds
            ],
        )
