"""GraphQL types of chat."""
