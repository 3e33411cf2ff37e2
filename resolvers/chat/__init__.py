"""Chat: groups with roles, DIRECT and GROUP conversations, messages, live events."""
