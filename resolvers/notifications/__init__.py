"""Notifications: a per-user queue in DynamoDB (30-day TTL), live over subscriptions."""
