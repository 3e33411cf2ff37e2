"""Chat: groups with roles, DIRECT and GROUP conversations, messages, live events."""

from datastore.chat.loaders import ChatLoaders
from datastore.chat.service import ChatService
from resolvers.chat.mutations.groups import GroupMutations
from resolvers.chat.mutations.messages import MessageMutations
from resolvers.chat.queries import ChatQueries
from resolvers.chat.subscriptions import ChatSubscriptions
from resolvers.chat.types.conversation import Conversation
from resolvers.chat.types.group import Group
from resolvers.chat.types.message import Message
from server.domains import Domain

DOMAIN = Domain(
    name="chat",
    queries=(ChatQueries,),
    mutations=(GroupMutations, MessageMutations),
    subscriptions=(ChatSubscriptions,),
    types=(Conversation, Group, Message),
    service=ChatService,
    loaders=ChatLoaders,
    # Completes message fan-outs that a request left pending (it died after the write).
    workers=lambda services: [services.domain("chat").fanout.run],
)
