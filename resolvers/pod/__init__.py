"""The pod: entries of six kinds, categories, tags, search, encryption and activity."""
