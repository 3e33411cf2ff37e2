"""Development services (PostgreSQL + pgvector, DynamoDB Local, Redis) for `make run` and tests.

`with start_services(...) as services:` starts those without a configured URL, puts their
URLs in `services.env`, and stops them when the block is left.
"""

from server.embedded.dynamodb import ensure_dynamodb_local
from server.embedded.launcher import EmbeddedServices, start_services
from server.embedded.processes import ServiceStartError

__all__ = ["EmbeddedServices", "ServiceStartError", "ensure_dynamodb_local", "start_services"]
