"""The journal: entries with mood and tags, reminders that fire, topics and AI analysis."""
