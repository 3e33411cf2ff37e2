"""What every domain's GraphQL shares: the typed context, permissions, pagination, global
ids, owned nodes and rows mapped onto types."""
