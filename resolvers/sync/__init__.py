"""Sync across devices: the per-user change log (DynamoDB), `changes` and `syncEvents`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastore.sync.repository import SyncLogRepository
from resolvers.sync.queries import SyncQueries
from resolvers.sync.subscriptions import SyncSubscriptions
from server.domains import Domain

if TYPE_CHECKING:
    from server.services import Services


def _sinks(services: Services) -> list:
    return [SyncLogRepository(services.dynamo).append]


DOMAIN = Domain(
    name="sync",
    queries=(SyncQueries,),
    subscriptions=(SyncSubscriptions,),
    sinks=_sinks,
)
