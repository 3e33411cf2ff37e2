"""Repositories of the pod: every SQL query over its tables lives in this package."""
