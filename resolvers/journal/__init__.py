"""The journal: entries with mood and tags, reminders that fire, topics and AI analysis."""

from datastore.journal.loaders import JournalLoaders
from datastore.journal.service import JournalService
from resolvers.journal.mutations import JournalMutations
from resolvers.journal.queries import JournalQueries
from resolvers.journal.types import JournalEntry, JournalTag, Reminder, Topic
from server.domains import Domain


def _workers(services):  # type: ignore[no-untyped-def]
    journal = services.domain("journal")
    return [journal.scheduler.run, journal.ai.run]


DOMAIN = Domain(
    name="journal",
    queries=(JournalQueries,),
    mutations=(JournalMutations,),
    types=(JournalEntry, JournalTag, Reminder, Topic),
    loaders=lambda services: JournalLoaders(services),
    service=lambda services: JournalService(services),
    workers=_workers,
    sinks=lambda services: services.domain("journal").sinks(),
)
