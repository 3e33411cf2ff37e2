"""Insights: mood trends, writing streaks, mood by tag and topic, frequent topics."""
