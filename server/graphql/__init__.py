"""The GraphQL transport: HTTP endpoint and document limits."""
