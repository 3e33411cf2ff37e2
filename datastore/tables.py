"""Every SQLAlchemy table, imported in one place for Alembic and the tests."""

from server.domains import import_stores

import_stores()
