"""People: profiles, friendships, blocks, presence and activities."""

from datastore.people.loaders import PeopleLoaders
from datastore.people.service import PeopleService, online
from resolvers.people.mutations import PeopleMutations
from resolvers.people.queries import PeopleQueries
from resolvers.people.subscriptions import PeopleSubscriptions
from resolvers.people.types import Person
from server.domains import Domain

DOMAIN = Domain(
    name="people",
    queries=(PeopleQueries,),
    mutations=(PeopleMutations,),
    subscriptions=(PeopleSubscriptions,),
    types=(Person,),
    service=PeopleService,
    loaders=PeopleLoaders,
    sinks=lambda services: [services.domain("people").record_from_events],
    workers=lambda services: [services.domain("people").sweep_dead_sockets],
    # Presence is derived from live sockets: any authenticated websocket counts.
    on_socket=lambda services, principal: online(services.domain("people"), principal.user_id),
)
