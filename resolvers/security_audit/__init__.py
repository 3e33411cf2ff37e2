"""GraphQL of the signed security audit log: the caller's own events."""
