"""GraphQL of secret tags and the vault."""
