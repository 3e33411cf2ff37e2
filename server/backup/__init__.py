"""`personalpod backup` and `personalpod restore`: every durable store into one folder.

A backup folder holds `postgres.dump` (pg_dump custom format), one gzipped JSON-lines file
per DynamoDB table, the blobs the rows point at under `blobs/` with an index, and
`manifest.json` with what each file holds (counts, SHA-256).
Redis is not backed up: it holds caches, counters and pub/sub, all rebuilt by use.
The master key is not in the backup either: keep it apart, restore needs the same one.
"""
