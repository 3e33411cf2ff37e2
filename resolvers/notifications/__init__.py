"""Notifications: a per-user queue in DynamoDB (30-day TTL), live over subscriptions."""

from datastore.notifications.loaders import NotificationLoaders
from datastore.notifications.service import NotificationService
from resolvers.notifications.mutations import NotificationMutations
from resolvers.notifications.queries import NotificationQueries
from resolvers.notifications.subscriptions import NotificationSubscriptions
from resolvers.notifications.types import Notification
from server.domains import Domain

DOMAIN = Domain(
    name="notifications",
    queries=(NotificationQueries,),
    mutations=(NotificationMutations,),
    subscriptions=(NotificationSubscriptions,),
    types=(Notification,),
    service=lambda services: NotificationService(services.dynamo, services.broker),
    loaders=lambda services: NotificationLoaders(services.domain("notifications").repository),
)
