"""What every domain's GraphQL shares: the typed context, permissions, pagination, ids, nodes."""
