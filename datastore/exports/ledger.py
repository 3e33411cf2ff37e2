"""What an import brought in: the per-kind report, and the ledger of source ids to ids in
the account (`import_records`) that makes a second import of one archive create nothing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from datastore.exports.repository import ImportRecordRepository


@dataclass
class KindReport:
    kind: str  # a section's name: "pod.entries"
    created: int = 0
    # Already brought in by an earlier import of this archive, matched to an object the
    # account had (a tag of the same name), or left out (an entry that expired since).
    skipped: int = 0


@dataclass
class ImportReport:
    archive_id: uuid.UUID
    kinds: list[KindReport] = field(default_factory=list)

    def kind(self, name: str) -> KindReport:
        found = next((k for k in self.kinds if k.kind == name), None)
        if found is None:
            found = KindReport(name)
            self.kinds.append(found)
        return found

    @property
    def created(self) -> int:
        return sum(k.created for k in self.kinds)


class Ledger:
    """What this import and earlier ones of the same archive brought in, per kind."""

    def __init__(
        self,
        db: AsyncSession,
        user_id: uuid.UUID,
        archive_id: uuid.UUID,
        report: ImportReport,
        kind_done: Callable[[], Awaitable[None]],
    ) -> None:
        self.kind_done = kind_done
        self.records = ImportRecordRepository(db)
        self.user_id = user_id
        self.archive_id = archive_id
        self.report = report

    async def known(self, kind: str) -> dict[uuid.UUID, uuid.UUID]:
        """Source id -> id in this account, of what earlier imports brought in."""
        self.report.kind(kind)
        return await self.records.targets(self.user_id, self.archive_id, kind)

    def skipped(self, kind: str) -> None:
        self.report.kind(kind).skipped += 1

    async def brought_in(self, kind: str, pairs: list[tuple[uuid.UUID, uuid.UUID, bool]]) -> None:
        """Record (source id, id here, created) of each object; count created and matched."""
        await self.records.record(self.user_id, self.archive_id, kind, pairs)
        counts = self.report.kind(kind)
        counts.created += sum(1 for *_, created in pairs if created)
        counts.skipped += sum(1 for *_, created in pairs if not created)
        await self.kind_done()
