"""Search: one query over journal entries and pod entries, by words, meaning or both."""

from datastore.search.service import SearchService
from resolvers.search.queries import SearchQueries
from resolvers.search.types import JournalSearchResult, PodSearchResult
from server.domains import Domain

DOMAIN = Domain(
    name="search",
    queries=(SearchQueries,),
    types=(JournalSearchResult, PodSearchResult),
    service=lambda services: SearchService(services),
)
