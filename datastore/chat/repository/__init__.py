"""Chat repositories: messages and conversations, inbox rows, statistics, groups."""
