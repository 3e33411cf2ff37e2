"""Which entries the caller may read: their own, and those shared with them now.

Every read of an entry by id (`node`, `nodes`, `entry`, a share's entry) comes through
here: a row that is someone else's is visible only with a live share (the pod's access
resolver, batched per request), and each such read is recorded for the owner in one batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from datastore.pod.rows import EntryData as EntryRow
from datastore.pod.service.access import Access, Permission
from resolvers.core.context import Info


async def readable_rows(info: Info, keys: Sequence[uuid.UUID | None]) -> list[EntryRow | None]:
    """The row of each key the caller may read, or None, in order (all None signed out)."""
    principal = info.context.principal
    if principal is None:
        return [None] * len(keys)
    me = principal.user_id
    loaded = iter(await info.context.loaders.pod.entry_by_id.load_many([k for k in keys if k]))
    rows = [next(loaded) if k is not None else None for k in keys]
    shared = await shared_access(info, [r.id for r in rows if r is not None and r.user_id != me])
    if shared:
        await info.context.loaders.sharing.views.load_many(list(shared.values()))
    return [r if r is not None and (r.user_id == me or r.id in shared) else None for r in rows]


async def shared_access(info: Info, entry_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Access]:
    """The caller's live share access to each of these entries (others' entries)."""
    if not entry_ids:
        return {}
    me = info.context.require_principal().user_id
    found = await info.context.loaders.sharing.access_by_pair.load_many(
        [(me, entry_id) for entry_id in entry_ids]
    )
    return {a.entry_id: a for a in found if a is not None}


async def access_of(info: Info, row: EntryRow) -> Access | None:
    """The caller's access to a loaded entry (no query when it is theirs)."""
    me = info.context.require_principal().user_id
    if row.user_id == me:
        return Access(me, row.id, me, row.kind, Permission.OWNER, None, True, None)
    return await info.context.loaders.sharing.access_by_pair.load((me, row.id))
