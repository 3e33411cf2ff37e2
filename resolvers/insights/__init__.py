"""Insights: mood trends, writing streaks, mood by tag and topic, frequent topics."""

from datastore.insights.service import InsightsService
from resolvers.insights.queries import InsightQueries
from server.domains import Domain

DOMAIN = Domain(
    name="insights",
    queries=(InsightQueries,),
    service=lambda services: InsightsService(services),
)
