"""Sync across devices: the per-user change log (DynamoDB), `changes` and `syncEvents`."""
