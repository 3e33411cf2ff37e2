"""GraphQL types of the pod."""
