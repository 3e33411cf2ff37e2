"""Search: one query over journal entries and pod entries, by words, meaning or both."""
