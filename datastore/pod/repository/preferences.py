"""Per-user pod settings (the text-search language)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.pod.tables import PodPreferences

DEFAULT_LANGUAGE = "english"


class PreferencesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_by_user_ids(self, user_ids: Sequence[uuid.UUID]) -> list[PodPreferences]:
        statement = select(PodPreferences).where(PodPreferences.user_id.in_(user_ids))
        return list((await self.session.execute(statement)).scalars())

    async def set_search_language(self, user_id: uuid.UUID, language: str) -> PodPreferences:
        statement = (
            insert(PodPreferences)
            .values(user_id=user_id, search_language=language)
            .on_conflict_do_update(
                index_elements=[PodPreferences.user_id],
                set_={"search_language": language, "updated_at": func.now()},
            )
            .returning(PodPreferences)
        )
        return (await self.session.execute(statement)).scalar_one()
