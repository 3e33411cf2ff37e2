"""The assistant: questions answered from my own journal and notes."""

from datastore.assistant.service import AssistantService
from resolvers.assistant.mutations import AssistantMutations
from server.domains import Domain

DOMAIN = Domain(
    name="assistant",
    mutations=(AssistantMutations,),
    service=lambda services: AssistantService(services),
)
