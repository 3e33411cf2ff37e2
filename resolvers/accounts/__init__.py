"""Accounts: sign-up, sign-in, devices, profile and presence."""

from resolvers.accounts.mutations import AccountMutations
from resolvers.accounts.queries import AccountQueries
from resolvers.accounts.subscriptions import AccountSubscriptions
from resolvers.accounts.types import Session, User
from server.domains import Domain

DOMAIN = Domain(
    name="accounts",
    queries=(AccountQueries,),
    mutations=(AccountMutations,),
    subscriptions=(AccountSubscriptions,),
    types=(User, Session),
)
