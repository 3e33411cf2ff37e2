"""Per-request loaders of insights: one `ANY` query per batch, results in key order."""

from __future__ import annotations

from datastore.insights.repository import InsightRepository
from datastore.insights.tables import PsychologyInsight
from datastore.kit.loaders import RowByIdLoader, Sessions


class InsightByIdLoader(RowByIdLoader[PsychologyInsight], repository=InsightRepository): ...


class InsightLoaders:
    """`info.context.loaders.insights.<name>`; resolvers check the owner."""

    def __init__(self, read_db: Sessions) -> None:
        self.insight_by_id = InsightByIdLoader(read_db)
