"""Per-request loaders of exports: one `ANY` query per batch, results in key order."""

from __future__ import annotations

from datastore.exports.repository import ExportRepository
from datastore.exports.tables import Export
from datastore.kit.loaders import RowByIdLoader, Sessions


class ExportByIdLoader(RowByIdLoader[Export], repository=ExportRepository): ...


class ExportLoaders:
    """`info.context.loaders.exports.<name>`; rows are returned whoever owns them, and
    resolvers compare `user_id` with the caller."""

    def __init__(self, read_db: Sessions) -> None:
        self.export_by_id = ExportByIdLoader(read_db)
