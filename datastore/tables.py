"""Every SQLAlchemy table, imported in one place for Alembic and the tests."""

from datastore.accounts.tables import User
from datastore.audit.tables import AuditLog
from datastore.outbox.tables import OutboxEvent

__all__ = ["AuditLog", "OutboxEvent", "User"]
