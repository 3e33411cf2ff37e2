"""GraphQL of exports and imports of my data."""
